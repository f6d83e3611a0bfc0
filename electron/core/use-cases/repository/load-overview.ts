/**
 * Loads one repository's overview through a TrustSession: the verified trust data and the registry's
 * tags at once. No trust data is an empty state, not an error; an unreachable registry is kept as
 * `registryError` so the Notary side still shows.
 */
import { isTrustDeskError, toErrorValue, TrustDeskError, type ErrorValue } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustSession } from '../../session/trust-session.js';
import { repositoryOverview } from './repository-overview.js';
import type { RepositoryOverview } from '../../../../shared/view-model.js';

const NO_TRUST_DATA = ['REPOSITORY_NOT_SIGNED', 'METADATA_NOT_FOUND'] as const;

export async function loadRepositoryOverview(
  session: TrustSession,
  name: string,
  opts: { offline?: boolean; now?: Date; tokenKeyIds?: ReadonlySet<string>; warnings?: string[] } = {},
): Promise<RepositoryOverview> {
  const ref = parseReference(name);
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository without a tag or digest`);
  const [trust, tags] = await Promise.allSettled([
    session.loadTrust(ref),
    opts.offline
      ? Promise.reject(new TrustDeskError('NETWORK_UNREACHABLE', 'offline mode: the registry was not contacted'))
      : session.registryTags(ref),
  ]);
  if (trust.status === 'rejected' && !NO_TRUST_DATA.some((c) => isTrustDeskError(trust.reason, c))) throw trust.reason;
  let registryError: ErrorValue | undefined;
  if (tags.status === 'rejected') {
    registryError = toErrorValue(tags.reason);
    if (trust.status === 'rejected') throw tags.reason;
  }
  return repositoryOverview({
    name: ref.gun,
    trust: trust.status === 'fulfilled' ? trust.value : undefined,
    registryTags: tags.status === 'fulfilled' ? tags.value : [],
    registryError,
    trustDir: session.cache.trustDir,
    tokenKeyIds: opts.tokenKeyIds,
    warnings: opts.warnings,
    now: opts.now ?? new Date(),
  });
}
