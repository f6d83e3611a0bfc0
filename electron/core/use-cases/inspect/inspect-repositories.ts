/**
 * `inspect` for several repositories: each verified (online, offline from the cache, or from a trust
 * archive's bytes as of the archive time) and turned into docker trust inspect's result, in the order
 * asked. All load in parallel over the context's one connection pool; a failure stays with its name.
 */
import { readArchive } from '../../cache/trust-archive.js';
import type { ParsedReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import type { TrustContext } from '../../session/context.js';
import { verifyArchivedRepository } from '../archive/archive.js';
import { inspectResult, type InspectResult } from './inspect.js';

export interface InspectOutcome {
  input: string;
  result?: InspectResult;
  error?: unknown;
}

export async function inspectRepositories(
  ctx: Pick<TrustContext, 'session'>,
  input: { repositories: { input: string; ref: ParsedReference }[]; archive?: string },
): Promise<InspectOutcome[]> {
  const archive = input.archive ? await readArchive(input.archive) : undefined;
  const pinning = archive ? await ctx.session.trustPinning() : undefined;
  const load = async (ref: ParsedReference): Promise<RepositoryTrust> =>
    archive ? (await verifyArchivedRepository(archive, ref.gun, pinning)).trust : ctx.session.loadTrust(ref);
  return Promise.all(
    input.repositories.map(async ({ input: name, ref }) => {
      try {
        return { input: name, result: inspectResult(await load(ref), name, ref.tag) };
      } catch (err) {
        return { input: name, error: err };
      }
    }),
  );
}
