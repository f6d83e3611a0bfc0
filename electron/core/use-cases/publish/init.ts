/**
 * `trustdesk init REPO`: a repository's first trust data, as `notary init` + `publish` or docker's
 * implicit initialisation: root from the trust dir's first root key (or a new one) with a
 * notary-profile certificate, a new targets key, the snapshot key held by the server (docker's
 * default) or here (`--local-snapshot`, notary's), the server's timestamp key.
 */
import type { Change } from '../../publishing/changelist.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference, rootTokenRequest, run, toOperationResult, type OperationResult, type RootTokenChoice } from './context.js';

export interface InitOptions {
  repository: string;
  /** Default true: the server signs snapshots (docker); false: a local snapshot key (notary init). */
  snapshotServerManaged?: boolean;
  rootKeyId?: string;
  /** The root key on a hardware token (`--root-token LABEL`), found with `ctx.tokens`. */
  rootToken?: RootTokenChoice;
  dryRun?: boolean;
  /** Further changes published with the first version (e.g. a signer). */
  changes?: Change[];
}

export async function initRepository(ctx: TrustContext, opts: InitOptions): Promise<OperationResult> {
  const rootToken = opts.rootToken ? await rootTokenRequest(ctx, opts.rootToken) : undefined;
  const ref = repositoryReference(opts.repository);
  const r = await run(ctx, ref, opts.changes ?? [], {
    dryRun: opts.dryRun,
    init: {
      snapshotServerManaged: opts.snapshotServerManaged ?? true,
      ...(opts.rootKeyId ? { rootKeyId: opts.rootKeyId } : {}),
      ...(rootToken ? { rootToken } : {}),
    },
  });
  return toOperationResult(r);
}
