/**
 * `inspect` for several repositories: each verified (online, offline from the cache, or from a trust
 * archive's bytes as of the archive time) and turned into docker trust inspect's result, in the order
 * asked. All load in parallel over the context's one connection pool; a failure stays with its name.
 */
import type { ParsedReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import type { TrustContext } from '../../session/context.js';
import { inspectResult, type InspectResult } from './inspect.js';

export interface InspectOutcome {
  input: string;
  result?: InspectResult;
  error?: unknown;
}

export async function inspectRepositories(
  ctx: Pick<TrustContext, 'session'>,
  input: {
    repositories: { input: string; ref: ParsedReference }[];
    archive?: string;
    /** Called as each repository is done (verified or failed), for a progress line. */
    onSettled?: () => void;
  },
): Promise<InspectOutcome[]> {
  // the archive code is loaded only for --archive
  const archived = input.archive
    ? await (async () => {
        const [{ readArchive }, { verifyArchivedRepository }] = await Promise.all([
          import('../../cache/trust-archive.js'),
          import('../archive/archive.js'),
        ]);
        const archive = await readArchive(input.archive!);
        const pinning = await ctx.session.trustPinning();
        return async (gun: string) => (await verifyArchivedRepository(archive, gun, pinning)).trust;
      })()
    : undefined;
  const load = (ref: ParsedReference): Promise<RepositoryTrust> => (archived ? archived(ref.gun) : ctx.session.loadTrust(ref));
  return Promise.all(
    input.repositories.map(async ({ input: name, ref }): Promise<InspectOutcome> => {
      try {
        return { input: name, result: inspectResult(await load(ref), name, ref.tag) };
      } catch (err) {
        return { input: name, error: err };
      } finally {
        input.onSettled?.();
      }
    }),
  );
}
