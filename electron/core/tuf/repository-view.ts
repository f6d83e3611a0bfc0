/**
 * What a verified repository says, in TUF's words: which role signed which target, who the signers
 * (delegations) are, and which keys administer the repository. Shared by `inspect`, `status` and the
 * app so every view reads the same verified data the same way.
 */
import type { RepositoryTrust } from './repository-updater.js';
import { pathAllowed, type TargetMeta, type DelegatedRole } from './metadata/targets.js';

export interface RoleTarget {
  role: string;
  name: string;
  /** Lowercase hex SHA-256 of the signed bytes (for images: the manifest digest without `sha256:`). */
  sha256: string;
  length: number;
  meta: TargetMeta;
}

/** Docker's names: targets and targets/releases are the "released" roles. */
export const RELEASES_ROLE = 'targets/releases';

export function isReleasedRole(role: string): boolean {
  return role === 'targets' || role === RELEASES_ROLE;
}

/** `targets/alice` → `alice`, as docker names signers. */
export function signerName(role: string): string {
  return role.startsWith('targets/') ? role.slice('targets/'.length) : role;
}

function hexSha256(meta: TargetMeta): string {
  const h = meta.hashes.sha256;
  return h ? Buffer.from(h, 'base64').toString('hex') : '';
}

/** The same SHA-256: equal base64 text is equal bytes; other texts are compared decoded. */
function sameSha256(a: TargetMeta, b: TargetMeta): boolean {
  return a === b || a.hashes.sha256 === b.hashes.sha256 || hexSha256(a) === hexSha256(b);
}

/**
 * Every target of every verified role, in walk order (targets, then delegations depth-first), each
 * only if the role's effective paths allow it (notary `WalkTargets`).
 */
export function roleTargets(trust: RepositoryTrust): RoleTarget[] {
  const out: RoleTarget[] = [];
  const add = (role: string, targets: Record<string, TargetMeta>, paths: string[] | undefined) => {
    for (const [name, meta] of Object.entries(targets)) {
      if (!pathAllowed(name, paths)) continue;
      out.push({ role, name, sha256: hexSha256(meta), length: meta.length, meta });
    }
  };
  add('targets', trust.targets.signed.targets, undefined);
  for (const d of trust.delegations) add(d.env.role, d.env.signed.targets, d.paths);
  return out;
}

export interface ReleasedTarget {
  name: string;
  sha256: string;
  length: number;
  /** Signer names (delegations other than releases holding the same hash), in walk order. */
  signers: string[];
}

/**
 * Docker's "signed tags": (tag, hash) pairs in targets or targets/releases, each with the other roles
 * that hold the same tag with the same hash. A tag with two different released hashes gives two rows.
 */
export function releasedTargets(trust: RepositoryTrust, only?: string): ReleasedTarget[] {
  return releasedOf(targetsNamed(trust, only));
}

function targetsNamed(trust: RepositoryTrust, only: string | undefined): RoleTarget[] {
  const all = roleTargets(trust);
  return only === undefined ? all : all.filter((t) => t.name === only);
}

function releasedOf(all: readonly RoleTarget[]): ReleasedTarget[] {
  const rows = new Map<string, ReleasedTarget>();
  for (const t of all) {
    if (!isReleasedRole(t.role)) continue;
    const key = `${t.name}\0${t.sha256}`;
    if (!rows.has(key)) rows.set(key, { name: t.name, sha256: t.sha256, length: t.length, signers: [] });
  }
  for (const t of all) {
    if (isReleasedRole(t.role)) continue;
    rows.get(`${t.name}\0${t.sha256}`)?.signers.push(signerName(t.role));
  }
  return [...rows.values()];
}

/**
 * The target `docker pull` resolves for each tag, with content trust on: the tag in
 * `targets/releases` first, else in `targets` (docker's `getTrustedPullTargets`:
 * `GetTargetByName(tag, "targets/releases", "targets")`, and `ListTargets` with the same roles for
 * every tag); a tag held only by another delegation is not pulled ("No trust data for TAG"). One row
 * per tag, with its signers as in `releasedTargets`. When the two roles sign different digests for a
 * tag, the `targets/releases` one is the digest docker pulls; the other stays visible in
 * `releasedTargets` (`docker trust inspect` lists both).
 */
export function pulledTargets(trust: RepositoryTrust, only?: string): ReleasedTarget[] {
  // One pass per role over the signed objects, no intermediate list: this runs for every view of a
  // repository, and a repository may hold tens of thousands of targets.
  const wanted = (targets: Record<string, TargetMeta>, name: string, paths: string[] | undefined) =>
    Object.prototype.hasOwnProperty.call(targets, name) && (only === undefined || name === only) && pathAllowed(name, paths);
  const releases = trust.delegations.find((d) => d.env.role === RELEASES_ROLE);
  const chosen = new Map<string, TargetMeta>();
  const choose = (targets: Record<string, TargetMeta>, paths: string[] | undefined) => {
    for (const name in targets) if (!chosen.has(name) && wanted(targets, name, paths)) chosen.set(name, targets[name]!);
  };
  if (releases) choose(releases.env.signed.targets, releases.paths);
  choose(trust.targets.signed.targets, undefined);

  // rows in walk order of their first (tag, chosen hash) among the released roles, as releasedTargets orders them
  const rows = new Map<string, ReleasedTarget & { meta: TargetMeta }>();
  const emit = (targets: Record<string, TargetMeta>, paths: string[] | undefined) => {
    for (const name in targets) {
      if (rows.has(name) || !wanted(targets, name, paths)) continue;
      const pick = chosen.get(name)!;
      const meta = targets[name]!;
      if (sameSha256(meta, pick)) rows.set(name, { name, sha256: hexSha256(pick), length: meta.length, signers: [], meta: pick });
    }
  };
  emit(trust.targets.signed.targets, undefined);
  for (const d of trust.delegations) if (d === releases) emit(d.env.signed.targets, d.paths);
  for (const d of trust.delegations) {
    if (isReleasedRole(d.env.role)) continue;
    const targets = d.env.signed.targets;
    for (const name in targets) {
      const row = rows.get(name);
      if (row && wanted(targets, name, d.paths) && sameSha256(targets[name]!, row.meta)) row.signers.push(signerName(d.env.role));
    }
  }
  return [...rows.values()].map(({ name, sha256, length, signers }) => ({ name, sha256, length, signers }));
}

export interface SignerRole {
  role: string;
  name: string;
  keyIds: string[];
  threshold: number;
  paths?: string[];
  parent: string;
}

/**
 * Every delegation listed by a verified role (targets or a verified delegation), whether or not its
 * own metadata loaded, as `GetDelegationRoles` reports them.
 */
export function delegationRoles(trust: RepositoryTrust): SignerRole[] {
  const out: SignerRole[] = [];
  const add = (parent: string, roles: DelegatedRole[] | undefined) => {
    for (const r of roles ?? []) {
      out.push({ role: r.name, name: signerName(r.name), keyIds: [...r.keyids], threshold: r.threshold, paths: r.paths, parent });
    }
  };
  add('targets', trust.targets.signed.delegations?.roles);
  for (const d of trust.delegations) add(d.env.role, d.env.signed.delegations?.roles);
  return out;
}

export interface RoleExpiry {
  role: string;
  version: number;
  expires: Date;
}

export function roleExpiries(trust: RepositoryTrust): RoleExpiry[] {
  const envs = [trust.root, trust.targets, trust.snapshot, trust.timestamp, ...trust.delegations.map((d) => d.env)];
  return envs.map((e) => ({ role: e.role, version: e.signed.version, expires: e.expires }));
}
