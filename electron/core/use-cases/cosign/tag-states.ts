/**
 * The cosign state of every registry tag of a repository for a public key file (the app's cosign
 * tags view). The registry's tags come from the one repository join (repository-state.ts, registry
 * side only): an unreadable registry, or offline, is the answer's error.
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { publicKeyFromSpec } from '../../signing/cosign/key-spec.js';
import { repositoryCosignStates, type RepositoryCosignStates } from '../../cosign/tag-signatures.js';
import { repositoryState } from '../repository/repository-state.js';

export async function cosignTagStates(ctx: TrustContext, req: { name: string; keyFile: string }): Promise<RepositoryCosignStates> {
  const ref = parseReference(req.name);
  // A PEM public key file only (no notary:/token: here: those could prompt).
  const keyFile = req.keyFile.startsWith('notary:') || req.keyFile.startsWith('token:') ? `./${req.keyFile}` : req.keyFile;
  const key = await publicKeyFromSpec(keyFile, { trustDir: ctx.trustDir, env: ctx.env });
  const state = await repositoryState(ctx, { ref, name: ref.gun, trust: false });
  const problem = state.registryProblem ?? state.error;
  if (problem) throw new TrustDeskError(problem.code, problem.message);
  if (state.registry === 'offline') throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the registry is not contacted');
  return repositoryCosignStates(ctx.session, ref.gun, key, { tags: state.registryTags });
}
