/** Shared by the publishing commands (init, sign, revoke, signer, key rotate): context, prompts, output. */
import { passphrasePrompt } from '../prompts.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import type { OperationResult, PublishingContext } from '../../core/use-cases/publish/context.js';
import type { TrustSession } from '../../core/session/trust-session.js';
import type { Io } from '../cli-support.js';
export { passphrasePrompt };
import { tokenAccess } from './token-support.js';

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
