/**
 * The app's Repository view of one repository: its state (repository-state.ts: the one trust +
 * registry join, with its rules) as the view model. No trust data is an empty state, not an error;
 * an unreadable registry is kept as `registryError` so the Notary side still shows; offline, the
 * registry is not read and `registryError` says so (the view's "registry not read" banner).
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryOverview } from './repository-overview.js';
import { repositoryState } from './repository-state.js';
import type { RepositoryOverview } from '../../../../shared/view-model.js';

export interface OverviewRequest {
  name: string;
  /** Key IDs held on PKCS#11 tokens (the admin roles' "on a token" mark). */
  tokenKeyIds?: ReadonlySet<string>;
  warnings?: string[];
}

export async function loadRepositoryOverview(
  ctx: Pick<TrustContext, 'session' | 'offline' | 'now' | 'trustDir'>,
  req: OverviewRequest,
): Promise<RepositoryOverview> {
  const ref = parseReference(req.name);
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${req.name}: give a repository without a tag or digest`);
  const state = await repositoryState(ctx, { ref, name: ref.gun });
  if (state.error) throw new TrustDeskError(state.error.code, state.error.message);
  const registryError =
    state.registryProblem ??
    (state.registry === 'offline' ? { code: 'NETWORK_UNREACHABLE' as const, message: 'offline mode: the registry was not contacted' } : undefined);
  return repositoryOverview({
    name: ref.gun,
    trust: state.trust,
    registryTags: state.registryTags,
    registryError,
    trustDir: ctx.trustDir,
    tokenKeyIds: req.tokenKeyIds,
    warnings: req.warnings,
    now: ctx.now(),
  });
}
