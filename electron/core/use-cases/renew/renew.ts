/**
 * `trustdesk renew REPO`: re-signs, with a bumped version and a new expiry, every role that expires
 * within `withinMs` (default 90 days; already expired ones included) or every role named in `roles`
 * whatever its expiry, when this machine holds its keys. The current state is verified as always
 * (signatures, hashes, versions, the root chain, pins) except that the expiry of the candidate roles
 * is accepted: an expired targets.json cannot otherwise be re-signed. A role whose keys are elsewhere
 * is named with who must renew it and left byte-identical. Root keeps its keys and is signed by them
 * (files or a token). Snapshot is re-signed here only when its key is here; timestamp (and a
 * server-managed snapshot) is the server's. Published as one update through the publisher, so the
 * snapshot/timestamp chain follows.
 */
import { TrustDeskError } from '../../base/errors.js';
import type { Change } from '../../publishing/changelist.js';
import type { PublishPreview } from '../../publishing/diff-preview.js';
import { loadRemoteTrust, publishChanges, publishContextOf } from '../../publishing/publisher.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference } from '../publish/context.js';
import { roleExpiries, type RoleExpiry } from './roles.js';

export const DEFAULT_RENEW_WITHIN_MS = 90 * 86_400_000;

export interface RenewOptions {
  repository: string;
  /** Renew these roles whatever their expiry (else: those expiring within `withinMs`). */
  roles?: string[];
  withinMs?: number;
  /** Lifetime of the renewed roles (default: notary's, 10 years root, 3 years the others). */
  expiresMs?: number;
  dryRun?: boolean;
}

export interface RenewedRole {
  role: string;
  fromVersion: number;
  toVersion: number;
  fromExpires: string;
  expires: string;
}

export interface NotRenewedRole {
  role: string;
  /** Absent for a role that is not in the verified trust data. */
  expires?: string;
  expired?: boolean;
  keyIds: string[];
  /** Why, and who must renew it. */
  reason: string;
}

export interface RenewResult {
  gun: string;
  dryRun: boolean;
  published: boolean;
  /** The selection: roles expiring before this time (absent when roles were named). */
  before?: string;
  renewed: RenewedRole[];
  /** Selected roles this machine cannot renew: exit 1. */
  notRenewed: NotRenewedRole[];
  /** Selected roles the trust server renews itself (timestamp, server-managed snapshot). */
  serverRenewed: RoleExpiry[];
  /** Every role with its expiry before renewal. */
  roles: RoleExpiry[];
  preview?: PublishPreview;
  warnings: string[];
}

export async function renewRepository(ctx: TrustContext, opts: RenewOptions): Promise<RenewResult> {
  const ref = repositoryReference(opts.repository);
  if (ref.tag) throw new TrustDeskError('INVALID_ARGUMENT', `renew takes a repository, not a tag: ${opts.repository}`);
  const named = opts.roles?.length ? new Set(opts.roles) : undefined;
  if (named?.has('timestamp')) throw new TrustDeskError('INVALID_ARGUMENT', 'timestamp is signed by the trust server, which renews it itself');
  const acceptExpired = named ? (role: string) => named.has(role) : () => true;
  const now = ctx.session.now();
  const withinMs = opts.withinMs ?? DEFAULT_RENEW_WITHIN_MS;
  const before = new Date(now.getTime() + withinMs);

  const trust = await loadRemoteTrust(ctx.session, ref, { acceptExpired });
  const roles = await roleExpiries(ctx, trust, now);
  const selected = roles.filter((r) => (named ? named.has(r.role) : new Date(r.expires) < before));
  const notRenewed: NotRenewedRole[] = [];
  for (const role of named ?? []) {
    if (roles.some((r) => r.role === role)) continue;
    const skipped = trust.skipped.find((s) => s.role === role);
    notRenewed.push({
      role,
      keyIds: [],
      reason: skipped
        ? `its file does not verify (${skipped.error.message}): it cannot be renewed, only signed anew`
        : `${ref.gun} has no role ${role}`,
    });
  }
  const serverRenewed = selected.filter((r) => r.signer === 'server');
  const mine = selected.filter((r) => r.signer === 'here');
  for (const r of selected.filter((x) => x.signer === 'elsewhere')) {
    notRenewed.push({
      role: r.role,
      expires: r.expires,
      expired: r.expired,
      keyIds: r.keyIds,
      reason: `its key is not on this machine: ${r.renewer} must renew it`,
    });
  }
  const base: RenewResult = {
    gun: ref.gun,
    dryRun: !!opts.dryRun,
    published: false,
    ...(named ? {} : { before: before.toISOString() }),
    renewed: [],
    notRenewed,
    serverRenewed,
    roles,
    warnings: [...trust.warnings],
  };
  if (mine.length === 0) return base;

  const changes: Change[] = mine.map((r) => ({ kind: 'renew', role: r.role }));
  const r = await publishChanges(publishContextOf(ctx), {
    ref,
    changes,
    acceptExpired,
    ...(opts.expiresMs !== undefined ? { lifetimeMs: opts.expiresMs } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
  });
  const renewed: RenewedRole[] = [];
  for (const m of mine) {
    const p = r.preview.roles.find((x) => x.role === m.role && x.signedBy === 'local');
    if (p?.expires)
      renewed.push({
        role: m.role,
        fromVersion: m.version,
        toVersion: p.toVersion,
        fromExpires: m.expires,
        expires: new Date(p.expires).toISOString(),
      });
  }
  return { ...base, published: r.published, renewed, preview: r.preview, warnings: [...base.warnings, ...r.preview.warnings] };
}
