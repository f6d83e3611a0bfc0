/** What every `trustdesk` command shares: I/O, global options, usage errors, error printing. */
import { parseArgs } from 'node:util';
import { parseReference } from '../core/base/reference.js';
import { toErrorValue, isTrustDeskError } from '../core/base/errors.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  stderrIsTTY?: boolean;
  /** Reads a line from the terminal without echo (passphrases); undefined when there is no TTY. */
  prompt?: (question: string, opts?: { secret?: boolean }) => Promise<string | undefined>;
}

export interface Command {
  name: string;
  /** One line for `trustdesk --help`. */
  summary: string;
  run(args: string[], io: Io): Promise<number>;
}

export class UsageError extends Error {}

export const GLOBAL_OPTIONS = {
  server: { type: 'string', short: 's' },
  tlscacert: { type: 'string' },
  config: { type: 'string' },
  offline: { type: 'boolean' },
  timeout: { type: 'string' },
  'trust-dir': { type: 'string' },
  'trust-pinning': { type: 'string' },
  pins: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** parseArgs with the global options; bad options become usage errors (exit 2). */
export function parseCommandArgs<T extends OptionSpec>(args: string[], extra: T) {
  try {
    return parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function describeError(err: unknown): string {
  const v = toErrorValue(err);
  return `${v.code}: ${v.message}`;
}

export function parseRefOrUsage(input: string) {
  try {
    return parseReference(input);
  } catch (err) {
    if (isTrustDeskError(err, 'INVALID_REFERENCE')) throw new UsageError(err.message);
    throw err;
  }
}
