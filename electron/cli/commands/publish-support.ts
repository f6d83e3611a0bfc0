/** Shared by the publishing commands (init, sign, revoke, signer, publish, key rotate): options, prompts, output. */
import { passphrasePrompt } from '../prompts.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import type { OperationResult } from '../../core/use-cases/publish/context.js';
import type { Io } from '../cli-support.js';
export { passphrasePrompt };

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
