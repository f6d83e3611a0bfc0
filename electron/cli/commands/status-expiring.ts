/** `trustdesk status --expiring DURATION NAME...`: every role of many repositories that expires within DURATION. */
import { parseDuration } from '../../core/base/duration.js';
import { expiringRoles } from '../../core/use-cases/renew/expiring.js';
import { TrustDeskError } from '../../core/base/errors.js';
import { UsageError, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';

/** Exit 0: nothing expires within DURATION; 1: some role does (or a repository could not be read). */
export async function runExpiring(values: Record<string, unknown>, positionals: string[], io: Io): Promise<number> {
  if (positionals.length === 0) throw new UsageError('"trustdesk status --expiring DURATION" requires at least 1 repository');
  let withinMs: number;
  try {
    withinMs = parseDuration(String(values.expiring), '--expiring');
  } catch (err) {
    throw new UsageError((err as TrustDeskError).message);
  }
  const ctx = contextFromFlags(values as Parameters<typeof contextFromFlags>[0], io);
  try {
    const r = await expiringRoles(ctx, { repositories: positionals, withinMs });
    if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    else {
      for (const repo of r.repositories) {
        if (repo.error) {
          io.stderr(`${repo.repository}: ${repo.error.code}: ${repo.error.message}\n`);
          continue;
        }
        if (repo.expiring.length === 0) io.stdout(`${repo.gun}: no role expires before ${r.before}\n`);
        for (const x of repo.expiring) {
          io.stdout(`${repo.gun}\t${x.role}\tversion ${x.version}\t${x.expired ? 'EXPIRED' : 'expires'} ${x.expires}\trenewed by ${x.renewer}\n`);
        }
      }
    }
    return r.count > 0 || r.repositories.some((x) => x.error) ? 1 : 0;
  } finally {
    ctx.close();
  }
}
