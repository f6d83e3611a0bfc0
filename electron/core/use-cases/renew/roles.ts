/**
 * The expiry of every role of a verified repository and who can renew it: this machine (it holds a
 * threshold of the role's keys, as files or on a token), someone else (named by role and key IDs),
 * or the trust server (timestamp always; snapshot when its key is not here and the server serves it
 * unexpired, i.e. it re-signs it). Shared by `renew` and `status --expiring`. IPC-safe.
 */
import type { PublicKeyJson } from '../../tuf/keys.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import type { TrustContext } from '../../session/context.js';

export interface RoleExpiry {
  role: string;
  version: number;
  /** RFC 3339. */
  expires: string;
  expired: boolean;
  /** `here`: this machine holds enough keys; `elsewhere`: another key holder; `server`: the trust server signs it. */
  signer: 'here' | 'elsewhere' | 'server';
  keyIds: string[];
  threshold: number;
  /** Who renews it, in words (for `elsewhere`: who must). */
  renewer: string;
}

const short = (ids: string[]) => ids.map((k) => k.slice(0, 12)).join(', ') || '(no keys)';

async function held(ctx: TrustContext, keys: Record<string, PublicKeyJson>, keyids: string[], threshold: number): Promise<boolean> {
  let n = 0;
  for (const id of keyids) {
    const k = keys[id];
    if (k && (await ctx.keys.signerFor(k))) n++;
  }
  return n >= threshold && n > 0;
}

/** Every role of `trust` with its expiry and signer, root first, delegations in walk order, timestamp last. */
export async function roleExpiries(ctx: TrustContext, trust: RepositoryTrust, now: Date): Promise<RoleExpiry[]> {
  const root = trust.root.signed;
  const out: RoleExpiry[] = [];
  const add = (role: string, version: number, expires: Date, signer: RoleExpiry['signer'], keyIds: string[], threshold: number, renewer: string) =>
    out.push({ role, version, expires: expires.toISOString(), expired: expires < now, signer, keyIds, threshold, renewer });

  for (const role of ['root', 'targets'] as const) {
    const r = root.roles[role];
    const env = role === 'root' ? trust.root : trust.targets;
    const here = await held(ctx, root.keys, r.keyids, r.threshold);
    add(
      role,
      env.signed.version,
      env.expires,
      here ? 'here' : 'elsewhere',
      r.keyids,
      r.threshold,
      here ? 'this machine' : `the holder of the ${role} key ${short(r.keyids)}${role === 'targets' ? ' (the repository admin)' : ''}`,
    );
  }
  for (const d of trust.delegations) {
    const parent = d.parent === 'targets' ? trust.targets.signed : trust.delegations.find((p) => p.env.role === d.parent)!.env.signed;
    const keys = parent.delegations?.keys ?? {};
    const here = await held(ctx, keys, d.delegation.keyids, d.delegation.threshold);
    const who = d.env.role === 'targets/releases' ? 'a signer of targets/releases' : `signer ${d.env.role.slice('targets/'.length)}`;
    add(
      d.env.role,
      d.env.signed.version,
      d.env.expires,
      here ? 'here' : 'elsewhere',
      d.delegation.keyids,
      d.delegation.threshold,
      here ? 'this machine' : `${who} (key ${short(d.delegation.keyids)})`,
    );
  }
  const s = root.roles.snapshot;
  const snapHere = await held(ctx, root.keys, s.keyids, s.threshold);
  const snapExpired = trust.snapshot.expires < now;
  add(
    'snapshot',
    trust.snapshot.signed.version,
    trust.snapshot.expires,
    snapHere ? 'here' : snapExpired ? 'elsewhere' : 'server',
    s.keyids,
    s.threshold,
    snapHere
      ? 'this machine'
      : snapExpired
        ? `the holder of the snapshot key ${short(s.keyids)} (the server serves it expired, so it does not hold it)`
        : 'the trust server (it re-signs snapshot when it holds the key)',
  );
  const t = root.roles.timestamp;
  add(
    'timestamp',
    trust.timestamp.signed.version,
    trust.timestamp.expires,
    'server',
    t.keyids,
    t.threshold,
    'the trust server (it re-signs timestamp itself)',
  );
  return out;
}
