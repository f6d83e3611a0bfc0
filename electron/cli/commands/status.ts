/** `trustdesk status [--json] [--require-signed] NAME...`: registry tags joined with their signatures. */
import { repositoryStatus, type RepositoryStatus } from '../../core/tuf/verdicts.js';
import { toErrorValue, isTrustDeskError } from '../../core/base/errors.js';
import { formatStatusText } from '../status-text.js';
import { openArchive } from '../../core/use-cases/archive/archive.js';
import { parseCommandArgs, parseRefOrUsage, sessionFrom, UsageError, type Command, type Io } from '../cli-support.js';

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
      `Usage: trustdesk status [--json] [--require-signed] NAME [NAME...]\n       trustdesk status --archive FILE [--json] [NAME...]   from a trust archive, no network\n`,
    );
    return 0;
  }
  const archiveFile = values.archive as string | undefined;
  if (positionals.length === 0 && !archiveFile) throw new UsageError('"trustdesk status" requires at least 1 argument');
  const refs = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  const s = sessionFrom(values, io);
  try {
    const results: { input: string; error?: ReturnType<typeof toErrorValue>; status?: RepositoryStatus }[] = archiveFile
      ? (await openArchive(archiveFile, { names: positionals, pinning: await s.trustPinning() })).repositories.map((r) => ({
          input: r.name,
          status: r.status,
          error: r.error,
        }))
      : await Promise.all(
          refs.map(async ({ input, ref }) => {
            const [trust, tags] = await Promise.allSettled([s.loadTrust(ref), values.offline ? Promise.resolve([]) : s.registryTags(ref)]);
            if (trust.status === 'rejected' && !isTrustDeskError(trust.reason, 'REPOSITORY_NOT_SIGNED')) {
              return { input, error: toErrorValue(trust.reason) };
            }
            if (tags.status === 'rejected') return { input, error: toErrorValue(tags.reason) };
            const status = repositoryStatus(input, trust.status === 'fulfilled' ? trust.value : undefined, tags.value, new Date());
            if (trust.status === 'rejected') status.warnings.push(`${input} has no trust data: every tag is unsigned`);
            return { input, status };
          }),
        );
    let code = 0;
    for (const r of results) {
      if (r.error) code = 1;
      else if (values['require-signed'] && r.status!.tags.some((t) => t.verdict !== 'signed')) code = 1;
    }
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          results.map((r) => (r.error ? { name: r.input, error: r.error } : r.status)),
          null,
          2,
        )}\n`,
      );
    } else {
      for (const r of results) {
        if (r.error) io.stderr(`${r.input}: ${r.error.code}: ${r.error.message}\n`);
        else io.stdout(formatStatusText(r.status as RepositoryStatus, new Date()));
      }
    }
    return code;
  } finally {
    s.close();
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'status [--json] [--require-signed] NAME...   every registry tag with its verdict and role expiry',
  run,
};
