/**
 * Passphrases as docker and notary take them, then an interactive source (the CLI's TTY prompt, the
 * app's dialog).
 *
 * Environment variables (keystore.md §5):
 *   root                 DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE, NOTARY_ROOT_PASSPHRASE
 *   targets              DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE, NOTARY_TARGETS_PASSPHRASE
 *   snapshot             DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE, NOTARY_SNAPSHOT_PASSPHRASE
 *   anything else        DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE, NOTARY_DELEGATION_PASSPHRASE
 * Commands named after docker's (generate, load) prefer docker's variable when both are set; the
 * others prefer notary's. To open a key every candidate is tried; none is ever logged.
 *
 * Interactive passphrases are whitespace-trimmed as notary trims them (so a key works in both
 * tools); environment values are used as-is, as docker and notary use them. New interactive
 * passphrases need at least 8 characters (notary's rule).
 *
 * Secrets: values become Buffers at once and callers zero-fill them after use (`clearAll`). JS
 * strings (process.env, a prompt's answer) cannot be wiped; they are dropped as soon as converted.
 */
import type { KeyObject } from 'node:crypto';
import { TrustDeskError, isTrustDeskError } from '../base/errors.js';

import { MIN_PASSPHRASE_LENGTH } from '../../../shared/passphrase.js';

export { MIN_PASSPHRASE_LENGTH, passphraseStrength, type PassphraseStrength } from '../../../shared/passphrase.js';
/** Wrong interactive answers before giving up (notary gives up after a wrong env value or 10 prompts). */
export const MAX_PROMPT_ATTEMPTS = 3;

export type Preference = 'docker' | 'notary';

export interface PassphraseRequest {
  /** What the passphrase is for: opening an existing key, or encrypting a new one. */
  purpose: 'unlock' | 'new';
  /** The key ID; '' when it is not known before decryption (a key being imported: see `source`). */
  keyId: string;
  role: string;
  gun?: string;
  /** The file a key being imported comes from. */
  source?: string;
  /** 1 for the first question; > 1 after a wrong answer. */
  attempt: number;
}

/**
 * An interactive source. Returns the passphrase, or undefined when it cannot ask (no TTY) or the
 * user cancelled. For `new`, the source itself asks twice and compares (a dialog does it in one form).
 */
export type PassphraseProvider = (req: PassphraseRequest) => Promise<string | undefined>;

export interface PassphraseSources {
  env: NodeJS.ProcessEnv;
  prompt?: PassphraseProvider;
  prefer?: Preference;
  /** For `passwd`: the new passphrase comes from here (env TRUSTDESK_NEW_PASSPHRASE) or the prompt, never from the role's variables. */
  newPassphraseEnv?: string;
}

function isBaseRole(role: string): role is 'root' | 'targets' | 'snapshot' {
  return role === 'root' || role === 'targets' || role === 'snapshot';
}

/** The environment variable names for a role, most preferred first. */
export function passphraseEnvVars(role: string, prefer: Preference = 'notary'): string[] {
  const dockerVar = role === 'root' ? 'DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE' : 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE';
  const notaryVar = isBaseRole(role) ? `NOTARY_${role.toUpperCase()}_PASSPHRASE` : 'NOTARY_DELEGATION_PASSPHRASE';
  return prefer === 'docker' ? [dockerVar, notaryVar] : [notaryVar, dockerVar];
}

export function clearAll(...bufs: (Buffer | undefined)[]): void {
  for (const b of bufs) b?.fill(0);
}

function envCandidates(role: string, src: PassphraseSources): { name: string; value: Buffer }[] {
  const seen = new Set<string>();
  const out: { name: string; value: Buffer }[] = [];
  for (const name of passphraseEnvVars(role, src.prefer)) {
    const v = src.env[name];
    if (v === undefined || v === '' || seen.has(v)) continue;
    seen.add(v);
    out.push({ name, value: Buffer.from(v, 'utf8') });
  }
  return out;
}

/**
 * Opens a key with the passphrase sources: every environment candidate, then up to
 * MAX_PROMPT_ATTEMPTS interactive answers. Returns the key and the passphrase that opened it (the
 * caller clears it). PASSPHRASE_WRONG when every answer was wrong, PASSPHRASE_REQUIRED when there
 * was nothing to try.
 */
export async function unlockWith<T extends KeyObject>(
  info: { keyId: string; role: string; gun?: string; source?: string },
  src: PassphraseSources,
  open: (passphrase: Buffer) => T,
): Promise<{ key: T; passphrase: Buffer }> {
  let tried = 0;
  const attempt = (p: Buffer) => {
    tried++;
    try {
      return open(p);
    } catch (err) {
      if (isTrustDeskError(err, 'PASSPHRASE_WRONG')) return undefined;
      clearAll(p);
      throw err;
    }
  };
  const candidates = envCandidates(info.role, src);
  for (const [i, c] of candidates.entries()) {
    let key: T | undefined;
    try {
      key = attempt(c.value);
    } catch (err) {
      clearAll(...candidates.map((x) => x.value));
      throw err;
    }
    if (key) {
      clearAll(...candidates.filter((_, j) => j !== i).map((x) => x.value));
      return { key, passphrase: c.value };
    }
    clearAll(c.value);
  }
  if (src.prompt) {
    for (let i = 1; i <= MAX_PROMPT_ATTEMPTS; i++) {
      const answer = await src.prompt({
        purpose: 'unlock',
        keyId: info.keyId,
        role: info.role,
        gun: info.gun,
        ...(info.source ? { source: info.source } : {}),
        attempt: i,
      });
      if (answer === undefined) break;
      const p = Buffer.from(answer.trim(), 'utf8');
      const key = attempt(p);
      if (key) return { key, passphrase: p };
      clearAll(p);
    }
  }
  const vars = passphraseEnvVars(info.role, src.prefer).join(' or ');
  const what = info.keyId ? info.keyId.slice(0, 7) : `in ${info.source ?? 'the file'}`;
  if (tried > 0) {
    throw new TrustDeskError(
      'PASSPHRASE_WRONG',
      `wrong passphrase for ${info.role} key ${what}: it cannot be decrypted with the passphrase given (${vars}, or the prompt)`,
    );
  }
  throw new TrustDeskError('PASSPHRASE_REQUIRED', `the ${info.role} key ${what} is encrypted: set ${vars}, or run in a terminal to be asked`);
}

/** The passphrase for a new key (or `passwd`'s new passphrase). The caller clears it. */
export async function newPassphrase(info: { keyId: string; role: string; gun?: string }, src: PassphraseSources): Promise<Buffer> {
  if (src.newPassphraseEnv !== undefined) {
    const v = src.env[src.newPassphraseEnv];
    if (v !== undefined && v !== '') return Buffer.from(v, 'utf8');
  } else {
    const [first, ...rest] = envCandidates(info.role, src);
    clearAll(...rest.map((x) => x.value));
    if (first) return first.value;
  }
  if (src.prompt) {
    let short = false;
    for (let i = 1; i <= MAX_PROMPT_ATTEMPTS; i++) {
      const answer = await src.prompt({ purpose: 'new', keyId: info.keyId, role: info.role, gun: info.gun, attempt: i });
      if (answer === undefined) break;
      const trimmed = answer.trim();
      if (trimmed.length >= MIN_PASSPHRASE_LENGTH) return Buffer.from(trimmed, 'utf8');
      short = true;
    }
    if (short) {
      throw new TrustDeskError(
        'PASSPHRASE_TOO_SHORT',
        `Passphrase is too short (at least ${MIN_PASSPHRASE_LENGTH} characters). Please use a password manager to generate and store a good random passphrase.`,
      );
    }
  }
  const vars = src.newPassphraseEnv ?? passphraseEnvVars(info.role, src.prefer).join(' or ');
  throw new TrustDeskError(
    'PASSPHRASE_REQUIRED',
    `a passphrase is needed for the new ${info.role} key: set ${vars}, or run in a terminal to be asked`,
  );
}

/**
 * A provider for one request/response exchange (the app): the passphrases the dialog collected,
 * each answered once. A wrong one ends in PASSPHRASE_WRONG, a short new one in PASSPHRASE_TOO_SHORT,
 * and the dialog asks again with a new call. The strings are dropped with the provider.
 */
export function oneShotProvider(answers: { unlock?: string; new?: string }): PassphraseProvider {
  return async (req) => (req.attempt === 1 ? (req.purpose === 'unlock' ? answers.unlock : answers.new) : undefined);
}
