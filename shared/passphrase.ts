/**
 * The passphrase rules both the keystore (main process, CLI) and the app's passphrase meter apply.
 * Pure: safe in the renderer on what the user types.
 */

/** docker and notary refuse shorter passphrases at their prompts. */
export const MIN_PASSPHRASE_LENGTH = 8;

export interface PassphraseStrength {
  /** 0 (unusable) .. 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  /** Below MIN_PASSPHRASE_LENGTH: docker and notary refuse it at their prompts. */
  tooShort: boolean;
  /** Rough entropy estimate in bits. */
  bits: number;
  hint: string;
}

/**
 * A strength estimate for the app's meter (pure; safe to run in the renderer on what the user types —
 * the passphrase itself never leaves the dialog except to the main process's unlock call).
 * Character-class entropy with penalties for repeats and sequences; a guide, not a guarantee.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  const p = passphrase.trim();
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(p)) pool += 33;
  const unique = new Set(p).size;
  const effectiveLength = Math.min(p.length, unique * 2);
  let bits = pool > 0 ? effectiveLength * Math.log2(pool) : 0;
  if (/(.)\1\1/.test(p) || /(?:0123|1234|2345|3456|4567|5678|6789|abcd|bcde|qwer|asdf)/i.test(p)) bits *= 0.75;
  bits = Math.round(bits);
  const tooShort = p.length < MIN_PASSPHRASE_LENGTH;
  const score: PassphraseStrength['score'] = tooShort ? 0 : bits < 40 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  const hint = tooShort
    ? `at least ${MIN_PASSPHRASE_LENGTH} characters`
    : score < 3
      ? 'longer is better: several random words, or a password manager'
      : 'good';
  return { score, tooShort, bits, hint };
}
