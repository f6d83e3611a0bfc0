/**
 * The exact difference a publish makes, role by role, computed from the old and new signed bodies:
 * versions, expiry, who signs (this machine or the server), keys, targets (tags with digests and
 * sizes) and delegations (keys, paths, threshold). IPC-safe: IDs and names only.
 */
import type { RootSigned } from '../tuf/metadata/root.js';
import type { DelegatedRole, TargetsSigned } from '../tuf/metadata/targets.js';

export interface TargetChange {
  name: string;
  /** `sha256:<hex>`. */
  digest: string;
  size: number;
  /** For a changed target: the digest it had. */
  fromDigest?: string;
}

export interface DelegationChange {
  role: string;
  keyIds: string[];
  paths: string[];
  threshold: number;
  /** For a changed delegation: what it was. */
  from?: { keyIds: string[]; paths: string[]; threshold: number };
}

export interface RoleKeyChange {
  role: string;
  added: string[];
  removed: string[];
  threshold?: { from: number; to: number };
}

export interface RolePreview {
  role: string;
  /** Absent for a role published for the first time. */
  fromVersion?: number;
  toVersion: number;
  signedBy: 'local' | 'server';
  /** Key IDs that sign this version (local signing only). */
  signingKeyIds: string[];
  expires?: string;
  /** The expiry of the version it replaces (absent for a new role or a server-signed one). */
  fromExpires?: string;
  targetsAdded: TargetChange[];
  targetsRemoved: TargetChange[];
  targetsChanged: TargetChange[];
  delegationsAdded: DelegationChange[];
  delegationsRemoved: DelegationChange[];
  delegationsChanged: DelegationChange[];
  /** root only: key changes per base role. */
  roleKeys: RoleKeyChange[];
}

export interface PublishPreview {
  gun: string;
  /** The repository gets its first trust data. */
  initialise: boolean;
  /** The staged changes in words, in order. */
  changes: string[];
  roles: RolePreview[];
  warnings: string[];
}

export function emptyRolePreview(role: string, toVersion: number, signedBy: 'local' | 'server', fromVersion?: number): RolePreview {
  return {
    role,
    ...(fromVersion !== undefined ? { fromVersion } : {}),
    toVersion,
    signedBy,
    signingKeyIds: [],
    targetsAdded: [],
    targetsRemoved: [],
    targetsChanged: [],
    delegationsAdded: [],
    delegationsRemoved: [],
    delegationsChanged: [],
    roleKeys: [],
  };
}

function digestOf(t: { hashes: Record<string, string> }): string {
  const h = t.hashes.sha256;
  return h ? `sha256:${Buffer.from(h, 'base64').toString('hex')}` : '(no sha256)';
}

function delegationValue(d: DelegatedRole) {
  return { keyIds: [...d.keyids], paths: [...(d.paths ?? [])], threshold: d.threshold };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Fills the target and delegation changes of a Targets role. */
export function diffTargets(p: RolePreview, oldS: TargetsSigned | undefined, newS: TargetsSigned): void {
  const oldT = oldS?.targets ?? {};
  for (const [name, t] of Object.entries(newS.targets)) {
    const o = oldT[name];
    if (!o) p.targetsAdded.push({ name, digest: digestOf(t), size: t.length });
    else if (!same(o.hashes, t.hashes) || o.length !== t.length)
      p.targetsChanged.push({ name, digest: digestOf(t), size: t.length, fromDigest: digestOf(o) });
  }
  for (const [name, o] of Object.entries(oldT)) if (!(name in newS.targets)) p.targetsRemoved.push({ name, digest: digestOf(o), size: o.length });
  const oldD = new Map((oldS?.delegations?.roles ?? []).map((d) => [d.name, d]));
  const newD = new Map((newS.delegations?.roles ?? []).map((d) => [d.name, d]));
  for (const [name, d] of newD) {
    const o = oldD.get(name);
    if (!o) p.delegationsAdded.push({ role: name, ...delegationValue(d) });
    else if (!same(delegationValue(o), delegationValue(d)))
      p.delegationsChanged.push({ role: name, ...delegationValue(d), from: delegationValue(o) });
  }
  for (const [name, o] of oldD) if (!newD.has(name)) p.delegationsRemoved.push({ role: name, ...delegationValue(o) });
}

/** Fills the per-role key changes of root. */
export function diffRoot(p: RolePreview, oldS: RootSigned | undefined, newS: RootSigned): void {
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    const o = oldS?.roles[role];
    const n = newS.roles[role];
    const added = n.keyids.filter((k) => !o?.keyids.includes(k));
    const removed = (o?.keyids ?? []).filter((k) => !n.keyids.includes(k));
    const threshold = o && o.threshold !== n.threshold ? { from: o.threshold, to: n.threshold } : undefined;
    if (added.length || removed.length || threshold) p.roleKeys.push({ role, added, removed, ...(threshold ? { threshold } : {}) });
  }
}

/** A plain-text rendering of a preview (CLI `--dry-run`, logs). */
export function formatPreview(preview: PublishPreview): string {
  const lines: string[] = [];
  lines.push(`${preview.initialise ? 'Initialise' : 'Update'} ${preview.gun}:`);
  for (const c of preview.changes) lines.push(`  * ${c}`);
  for (const r of preview.roles) {
    const ver = r.fromVersion === undefined ? `new, version ${r.toVersion}` : `version ${r.fromVersion} -> ${r.toVersion}`;
    const by =
      r.signedBy === 'server' ? 'signed by the server' : `signed by ${r.signingKeyIds.map((k) => k.slice(0, 12)).join(', ') || 'this machine'}`;
    const exp = r.expires ? (r.fromExpires ? `, expires ${r.fromExpires} -> ${r.expires}` : `, expires ${r.expires}`) : '';
    lines.push(`  ${r.role}: ${ver}, ${by}${exp}`);
    for (const k of r.roleKeys) {
      lines.push(
        `    ${k.role} keys: ${[...k.added.map((a) => `+${a.slice(0, 12)}`), ...k.removed.map((x) => `-${x.slice(0, 12)}`)].join(' ')}${k.threshold ? ` threshold ${k.threshold.from} -> ${k.threshold.to}` : ''}`,
      );
    }
    for (const t of r.targetsAdded) lines.push(`    + ${t.name} ${t.digest} (${t.size} bytes)`);
    for (const t of r.targetsChanged) lines.push(`    ~ ${t.name} ${t.fromDigest} -> ${t.digest} (${t.size} bytes)`);
    for (const t of r.targetsRemoved) lines.push(`    - ${t.name} ${t.digest}`);
    const fmt = (d: DelegationChange) =>
      `${d.role} keys ${d.keyIds.map((k) => k.slice(0, 12)).join(', ') || '(none)'} paths ${JSON.stringify(d.paths)} threshold ${d.threshold}`;
    for (const d of r.delegationsAdded) lines.push(`    + delegation ${fmt(d)}`);
    for (const d of r.delegationsChanged) lines.push(`    ~ delegation ${fmt(d)}`);
    for (const d of r.delegationsRemoved) lines.push(`    - delegation ${d.role}`);
  }
  for (const w of preview.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
