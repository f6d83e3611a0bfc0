/**
 * `trustdesk sign NAME:TAG...`: signs tags with the digest and size the registry serves (a HEAD of
 * the manifest; no engine, no push). Roles as docker chooses them (every `targets/*` role this
 * machine holds a key of: targets/releases and the signer's own), or `targets` for a repository
 * admin (`roles: ['targets']`). Many tags go out in one publish. An uninitialised repository is
 * initialised first, as docker does (server-managed snapshot).
 */
import { TrustDeskError, isTrustDeskError } from '../../base/errors.js';
import type { Change } from '../../publishing/changelist.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import { parseReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference, run, toOperationResult, type OperationResult } from './context.js';

export interface SignOptions {
  /** `NAME:TAG` references of one repository, or a repository with `tags`. */
  references: string[];
  roles?: string[];
  dryRun?: boolean;
}

export interface SignedTagInfo {
  tag: string;
  digest: string;
  size: number;
  /** Signers that had signed this tag with the same digest before (docker's "Existing signatures"). */
  existingSigners: string[];
}

export interface SignResult extends OperationResult {
  tags: SignedTagInfo[];
  initialised: boolean;
}

function existingSigners(trust: RepositoryTrust | undefined, tag: string, sha256B64: string): string[] {
  if (!trust) return [];
  const out: string[] = [];
  const roles = [
    { role: 'targets', targets: trust.targets.signed.targets },
    ...trust.delegations.map((d) => ({ role: d.env.role, targets: d.env.signed.targets })),
  ];
  for (const r of roles) {
    if (r.targets[tag]?.hashes.sha256 === sha256B64)
      out.push(r.role === 'targets' || r.role === 'targets/releases' ? 'Repo Admin' : r.role.slice('targets/'.length));
  }
  return [...new Set(out)];
}

export async function signTags(ctx: TrustContext, opts: SignOptions): Promise<SignResult> {
  if (opts.references.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'no tag given');
  const refs = opts.references.map((r) => repositoryReference(r));
  const gun = refs[0]!.gun;
  for (const r of refs) {
    if (!r.tag) throw new TrustDeskError('INVALID_ARGUMENT', `no tag specified for ${r.input}`);
    if (r.gun !== gun) throw new TrustDeskError('INVALID_ARGUMENT', `all tags of one sign must be in one repository (${gun}, not ${r.gun})`);
  }
  const ref = parseReference(gun);
  const tags = [...new Set(refs.map((r) => r.tag!))];
  const registry = await ctx.session.registry(ref);
  const digests = await registry.manifestDigests(ref.repository, tags, { concurrency: 16 });
  const changes: Change[] = [];
  const info: SignedTagInfo[] = [];
  for (const tag of tags) {
    const d = digests.get(tag)!;
    if (!d.ok) {
      if (d.error.code === 'MANIFEST_UNKNOWN' || d.error.code === 'REGISTRY_NAME_UNKNOWN') {
        throw new TrustDeskError(
          'TARGET_NOT_FOUND',
          `tag ${tag} is not in the registry ${ref.registry} (${ref.repository}): push it before signing; nothing was published`,
        );
      }
      throw new TrustDeskError(d.error.code, `${tag}: ${d.error.message}`);
    }
    const hex = d.digest.slice('sha256:'.length);
    changes.push({ kind: 'add-target', name: tag, target: { sha256Hex: hex, length: d.size }, ...(opts.roles ? { roles: opts.roles } : {}) });
    info.push({ tag, digest: d.digest, size: d.size, existingSigners: [] });
  }
  let trust: RepositoryTrust | undefined;
  try {
    trust = await loadRemoteTrust(ctx.session, ref);
  } catch (err) {
    if (!isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) throw err;
  }
  for (const i of info) i.existingSigners = existingSigners(trust, i.tag, Buffer.from(i.digest.slice(7), 'hex').toString('base64'));
  const r = await run(ctx, ref, changes, { dryRun: opts.dryRun, ...(trust ? {} : { init: { snapshotServerManaged: true } }) });
  return { ...toOperationResult(r), tags: info, initialised: !trust };
}
