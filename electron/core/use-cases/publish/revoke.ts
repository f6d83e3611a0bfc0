/**
 * `trustdesk revoke NAME[:TAG]`: removes a tag's signature from every role this machine can sign
 * that holds it (docker's rule), or from `targets` for an admin; without a tag, every released tag.
 */
import { TrustDeskError } from '../../base/errors.js';
import type { Change } from '../../publishing/changelist.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference, run, toOperationResult, type OperationResult } from './context.js';

export interface RevokeOptions {
  reference: string;
  roles?: string[];
  dryRun?: boolean;
}

export interface RevokeResult extends OperationResult {
  tags: string[];
}

export async function revokeTags(ctx: TrustContext, opts: RevokeOptions): Promise<RevokeResult> {
  const input = repositoryReference(opts.reference);
  const ref = parseReference(input.gun);
  let tags: string[];
  if (input.tag) tags = [input.tag];
  else {
    const trust = await loadRemoteTrust(ctx.session, ref);
    const released = new Set<string>(Object.keys(trust.targets.signed.targets));
    for (const d of trust.delegations) if (d.env.role === 'targets/releases') for (const t of Object.keys(d.env.signed.targets)) released.add(t);
    tags = [...released].sort();
    if (tags.length === 0) throw new TrustDeskError('TARGET_NOT_FOUND', 'no signed tags to remove');
  }
  const changes: Change[] = tags.map((name) => ({ kind: 'remove-target', name, ...(opts.roles ? { roles: opts.roles } : {}) }));
  const r = await run(ctx, ref, changes, { dryRun: opts.dryRun });
  return { ...toOperationResult(r), tags };
}
