/**
 * `trustdesk key rotate REPO ROLE [--server-managed]`: a new key for targets (re-signs targets),
 * snapshot (local, or the server's with --server-managed), timestamp (always the server's) or root
 * (new root certificate; the new root is signed by the old and the new root key, so clients that
 * trust the old root accept it). Root changes version; notary's rules (notary-metadata.md §11).
 */
import { TrustDeskError } from '../../base/errors.js';
import type { BaseRoleName } from '../../publishing/changelist.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference, rootTokenRequest, run, toOperationResult, type OperationResult, type RootTokenChoice } from './context.js';

export interface RotateOptions {
  repository: string;
  role: string;
  serverManaged?: boolean;
  dryRun?: boolean;
  /** Root only: the new root key on a hardware token (`--to-token LABEL`), found with `ctx.tokens`. */
  toToken?: RootTokenChoice;
}

export async function rotateKey(ctx: TrustContext, opts: RotateOptions): Promise<OperationResult> {
  const toToken = opts.toToken ? await rootTokenRequest(ctx, opts.toToken) : undefined;
  const role = opts.role as BaseRoleName;
  if (!['root', 'targets', 'snapshot', 'timestamp'].includes(role)) {
    throw new TrustDeskError('INVALID_ARGUMENT', `cannot rotate the key of ${opts.role}: give root, targets, snapshot or timestamp`);
  }
  if (toToken && role !== 'root') throw new TrustDeskError('INVALID_ARGUMENT', `only the root key goes on a hardware token (not ${role})`);
  const ref = parseReference(repositoryReference(opts.repository).gun);
  const r = await run(ctx, ref, [{ kind: 'rotate-key', role, ...(opts.serverManaged ? { serverManaged: true } : {}) }], {
    dryRun: opts.dryRun,
    ...(toToken ? { rotateRootTo: toToken } : {}),
  });
  return toOperationResult(r);
}
