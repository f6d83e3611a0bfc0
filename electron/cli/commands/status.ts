/**
 * `trustdesk status [--json] [--require-signed] NAME...`: registry tags joined with their signatures.
 * Parse → use case (use-cases/repository/repository-state.ts, or the archive's) → print. A problem
 * (trust refused, registry unreadable) exits 1; an unreadable registry still prints the verdicts of
 * the verified trust data, with the problem on stderr (and in `problems` with --json).
 */
import type { ErrorValue } from '../../core/base/errors.js';
import type { RepositoryStatus } from '../../core/tuf/verdicts.js';
import type { TrustPinning } from '../../core/tuf/trust-pinning.js';
import { formatStatusText } from '../status-text.js';
import { repositoryState, type RepositoryState, type StateProblem } from '../../core/use-cases/repository/repository-state.js';
import { contextFromFlags } from '../context.js';
import { parseCommandArgs, parseRefOrUsage, UsageError, type Command, type Io } from '../cli-support.js';
import { MANY_REPOSITORIES_HELP, progressLine } from '../progress.js';

/** Status from a trust archive, no network (its code loads only when asked for). */
async function fromArchive(file: string, names: string[], pinning: TrustPinning): Promise<StatusResult[]> {
  const { openArchive } = await import('../../core/use-cases/archive/archive.js');
  return (await openArchive(file, { names, pinning })).repositories.map((r) => ({ input: r.name, status: r.status, error: r.error }));
}

interface StatusResult {
  input: string;
  /** Nothing to show: only this error. */
  error?: ErrorValue;
  status?: RepositoryStatus;
  /** Problems besides a status (the registry's). */
  problems?: StateProblem[];
}

function fromState(input: string, s: RepositoryState): StatusResult {
  if (s.error) return { input, error: { code: s.error.code, message: s.error.message } };
  return { input, status: s.status, ...(s.problems.length ? { problems: s.problems } : {}) };
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    'require-signed': { type: 'boolean' },
    archive: { type: 'string' },
    expiring: { type: 'string' },
  });
  if (values.expiring !== undefined && !values.help) return (await import('./status-expiring.js')).runExpiring(values, positionals, io);
  if (values.help) {
    io.stdout(
      `Usage: trustdesk status [--json] [--require-signed] NAME [NAME...]\n       trustdesk status --archive FILE [--json] [NAME...]   from a trust archive, no network\n\n` +
        MANY_REPOSITORIES_HELP,
    );
    return 0;
  }
  const archiveFile = values.archive as string | undefined;
  if (positionals.length === 0 && !archiveFile) throw new UsageError('"trustdesk status" requires at least 1 argument');
  const refs = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  const ctx = contextFromFlags(values, io);
  let results: StatusResult[];
  const progress = progressLine(io, archiveFile ? 0 : refs.length, 'status:');
  try {
    results = archiveFile
      ? await fromArchive(archiveFile, positionals, await ctx.session.trustPinning())
      : await Promise.all(
          refs.map(async ({ input, ref }) => {
            const state = fromState(input, await repositoryState(ctx, { ref, name: input }));
            progress.tick();
            return state;
          }),
        );
  } finally {
    progress.done();
    ctx.close();
  }
  let code = 0;
  for (const r of results) {
    if (r.error || r.problems?.length) code = 1;
    else if (values['require-signed'] && r.status!.tags.some((t) => t.verdict !== 'signed')) code = 1;
  }
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        results.map((r) => (r.error ? { name: r.input, error: r.error } : { ...r.status, ...(r.problems ? { problems: r.problems } : {}) })),
        null,
        2,
      )}\n`,
    );
  } else {
    const now = ctx.now();
    for (const r of results) {
      if (r.error) io.stderr(`${r.input}: ${r.error.code}: ${r.error.message}\n`);
      else io.stdout(formatStatusText(r.status as RepositoryStatus, now));
      for (const p of r.problems ?? []) io.stderr(`${r.input}: ${p.code}: ${p.message}\n`);
    }
  }
  return code;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'status [--json] [--require-signed] NAME...   every registry tag with its verdict and role expiry',
  run,
};
