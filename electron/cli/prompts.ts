/** The terminal as the source of secrets: key passphrases and token PINs, never echoed or logged. */
import { MIN_PASSPHRASE_LENGTH, type PassphraseProvider } from '../core/keystore/passphrase-sources.js';
import type { PinProvider } from '../core/signing/token/tokens.js';
import type { Io } from './cli-support.js';

/** The terminal as a passphrase source, with notary's prompt texts (docker's aliases for root/targets). */
export function passphrasePrompt(io: Io): PassphraseProvider | undefined {
  const ask = io.prompt;
  if (!ask) return undefined;
  return async (req) => {
    const id = req.keyId.slice(0, 7);
    const alias = req.role === 'targets' ? 'repository' : req.role;
    if (req.purpose === 'unlock') {
      if (req.attempt > 1) io.stderr('Passphrase incorrect. Please retry.\n');
      return ask(`Enter passphrase for ${alias} key with ID ${id}: `, { secret: true });
    }
    for (;;) {
      const first = await ask(`Enter passphrase for new ${alias} key with ID ${id}: `, { secret: true });
      if (first === undefined) return undefined;
      if (first.trim().length < MIN_PASSPHRASE_LENGTH) {
        io.stderr('Passphrase is too short. Please use a password manager to generate and store a good random passphrase.\n');
        return first;
      }
      const again = await ask(`Repeat passphrase for new ${alias} key with ID ${id}: `, { secret: true });
      if (again === undefined) return undefined;
      if (again === first) return first;
      io.stderr('Passphrases do not match. Please retry.\n');
    }
  };
}

/** The terminal as a PIN source: says which token and what the PIN is for; never echoes. */
export function pinPrompt(io: Io): PinProvider | undefined {
  const ask = io.prompt;
  if (!ask) return undefined;
  return (req) =>
    ask(`Enter ${req.as === 'so' ? 'SO PIN (YubiKey: management key)' : 'PIN'} for token "${req.token}" to ${req.summary}: `, { secret: true });
}
