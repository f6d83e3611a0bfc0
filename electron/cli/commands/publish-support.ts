/** Shared by the publishing commands (init, sign, revoke, signer, key rotate): context, prompts, output. */
import { MIN_PASSPHRASE_LENGTH, type PassphraseProvider } from '../../core/keystore/passphrase-sources.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import type { OperationResult, PublishingContext } from '../../core/use-cases/publish/context.js';
import type { TrustSession } from '../../core/session/trust-session.js';
import type { Io } from '../cli-support.js';
import { tokenAccess } from './token-support.js';

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

export function publishingContext(session: TrustSession, io: Io): PublishingContext {
  const prompt = passphrasePrompt(io);
  // keys on hardware tokens sign too (records in the trust dir; the token worker starts only when one signs)
  return { session, env: io.env, ...(prompt ? { prompt } : {}), tokens: tokenAccess(io, session.cache.trustDir) };
}

export const PUBLISH_OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `--dry-run`: the exact change; `--json`: the IPC-safe result. */
export function printResult(io: Io, values: Record<string, unknown>, result: unknown, r: OperationResult | undefined): boolean {
  if (values.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return true;
  }
  if (r && values['dry-run']) {
    io.stdout(formatPreview(r.preview));
    return true;
  }
  for (const w of r?.warnings ?? []) io.stderr(`warning: ${w}\n`);
  return false;
}

/** Asks y/N on the terminal: true for y/yes, false for anything else; undefined when nobody can answer (no TTY). */
export async function confirm(io: Io, question: string): Promise<boolean | undefined> {
  if (!io.prompt) return undefined;
  const a = await io.prompt(question);
  if (a === undefined) return undefined;
  return /^(y|yes)$/i.test(a.trim());
}
