/**
 * Applies a change list to the verified current state of a repository (or to a new repository)
 * and signs what changed: every changed Targets role with its own keys, root when it changed or
 * nears expiry (by the previous root's keys too when the root keys change), snapshot when its key is
 * held here (else the server signs it). Versions go up by one, expiries are notary's defaults.
 * The result is the multipart upload and the exact preview of it; nothing is sent from here.
 */
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { assertNever, TrustDeskError } from '../base/errors.js';
import { canonicalKeyId, keyId, type PublicKeyJson } from '../tuf/keys.js';
import { serialiseEnvelope, type SignatureJson } from '../tuf/metadata/envelope.js';
import { fileMetaFor, type FileMeta } from '../tuf/metadata/file-meta.js';
import type { RootSigned } from '../tuf/metadata/root.js';
import type { SnapshotSigned } from '../tuf/metadata/snapshot.js';
import { pathAllowed, type DelegatedRole, type TargetMeta, type TargetsSigned } from '../tuf/metadata/targets.js';
import type { RepositoryTrust } from '../tuf/repository-updater.js';
import type { MetadataPart } from '../remote/notary-publisher.js';
import { describeChange, parentRole, type BaseRoleName, type Change } from './changelist.js';
import { diffRoot, diffTargets, emptyRolePreview, type PublishPreview, type RolePreview } from './diff-preview.js';
import { expiresIn, goTime, LIFETIME_DAYS, nearExpiry } from './expiry.js';
import type { Signer } from '../signing/signer.js';

/** Finds the local signer of a metadata key (a key file, a freshly made key, later a token). */
export interface SignerLookup {
  signerFor(key: PublicKeyJson): Promise<Signer | undefined>;
}

/** Local signers first, then a fallback lookup (the trust dir's key ring). */
export class SignerSet implements SignerLookup {
  private readonly extra: Signer[] = [];

  constructor(private readonly fallback?: SignerLookup) {}

  add(s: Signer): void {
    if (!this.extra.some((e) => e.keyId === s.keyId)) this.extra.push(s);
  }

  async signerFor(key: PublicKeyJson): Promise<Signer | undefined> {
    let id: string;
    try {
      id = canonicalKeyId(key);
    } catch {
      return undefined;
    }
    return this.extra.find((s) => s.keyId === id) ?? (await this.fallback?.signerFor(key));
  }
}

/** A key change resolved once per publish (the new key is made before the first attempt). */
export interface ResolvedRotation {
  role: BaseRoleName;
  /** The new key as root.json lists it (a certificate key for root). */
  key: PublicKeyJson;
  serverManaged: boolean;
}

/** Keys of a repository being initialised. */
export interface NewRepositoryKeys {
  /** Root certificate key (`ecdsa-x509`), its signer in the SignerLookup. */
  root: PublicKeyJson;
  targets: PublicKeyJson;
  snapshot: PublicKeyJson;
  /** True when the server holds the snapshot key. */
  snapshotServerManaged: boolean;
  timestamp: PublicKeyJson;
}

export interface BuildOptions {
  gun: string;
  now: Date;
  /** The verified current state; absent when initialising. */
  trust?: RepositoryTrust;
  init?: NewRepositoryKeys;
  changes: readonly Change[];
  rotations?: Map<BaseRoleName, ResolvedRotation>;
  signers: SignerLookup;
  /**
   * Current versions of delegated roles the server still holds but the verified state does not list
   * (a removed delegation stays on the server): a role added again continues from that version.
   */
  versionHints?: Record<string, number>;
  /** Lifetime (ms) of the roles renewed by `renew` changes, instead of notary's defaults (renewal's `--expires`). */
  lifetimeMs?: number;
}

export interface BuiltUpdate {
  parts: MetadataPart[];
  preview: PublishPreview;
  /** sha256 (hex) of the snapshot this was built on (absent for a new repository). */
  basedOnSnapshot?: string;
  /** Delegated roles written as new that the server already has a file for: rebuild with versionHints. */
  needsVersionHints?: string[];
}

interface WorkingRole {
  signed: TargetsSigned;
  old?: TargetsSigned;
  changed: boolean;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function emptyTargets(): TargetsSigned {
  return { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: '', targets: {}, version: 0 };
}

function hexToB64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function noKey(role: string, need: number, ids: string[]): TrustDeskError {
  return new TrustDeskError(
    'NO_SIGNING_KEY',
    `no key on this machine can sign ${role}: it needs ${need} of the key(s) ${ids.map((k) => k.slice(0, 12)).join(', ') || '(none)'} in the trust dir`,
  );
}

/** root.json of a repository being initialised, version 0 until it is signed. */
function newRoot(k: NewRepositoryKeys, now: Date): RootSigned {
  const ids = { root: keyId(k.root), targets: keyId(k.targets), snapshot: keyId(k.snapshot), timestamp: keyId(k.timestamp) };
  return {
    _type: 'Root',
    consistent_snapshot: false,
    expires: expiresIn(now, LIFETIME_DAYS.root),
    keys: { [ids.root]: k.root, [ids.targets]: k.targets, [ids.snapshot]: k.snapshot, [ids.timestamp]: k.timestamp },
    roles: {
      root: { keyids: [ids.root], threshold: 1 },
      snapshot: { keyids: [ids.snapshot], threshold: 1 },
      targets: { keyids: [ids.targets], threshold: 1 },
      timestamp: { keyids: [ids.timestamp], threshold: 1 },
    },
    version: 0,
  };
}

type ChangeOf<K extends Change['kind']> = Extract<Change, { kind: K }>;

/** The keys, key IDs and threshold that sign one role. */
interface RoleKeySet {
  keys: Record<string, PublicKeyJson>;
  keyids: string[];
  threshold: number;
}

/**
 * Working copies of a repository's root and Targets roles (TUF's "repository" side, like
 * python-tuf's `Repository`): `apply` edits them one change at a time, `build` signs what changed,
 * writes the snapshot when its key is here, and returns the upload and its preview.
 */
export class WorkingRepository {
  private readonly gun: string;
  private readonly now: Date;
  private readonly trust: RepositoryTrust | undefined;
  private readonly warnings: string[] = [];
  /** The root as verified (absent for a new repository). */
  private readonly oldRoot: RootSigned | undefined;
  private readonly root: RootSigned;
  private rootChanged: boolean;
  /** targets and every delegated role, by name: verified ones first, then those the changes create. */
  private readonly roles = new Map<string, WorkingRole>();
  /** Snapshot meta, updated as roles are signed. */
  private readonly snapshotMeta: Record<string, FileMeta>;
  /** Roles the update skipped (expired, or below threshold with the keys listed now). */
  private readonly skipped: Set<string>;
  /** Roles named by `renew` changes (their expiry may be `lifetimeMs`). */
  private readonly renewed = new Set<string>();

  constructor(private readonly opts: BuildOptions) {
    const { gun, now, trust } = opts;
    if (!trust && !opts.init) throw new TrustDeskError('INTERNAL', 'buildUpdate needs the current state or new repository keys');
    this.gun = gun;
    this.now = now;
    this.trust = trust;
    this.oldRoot = trust ? trust.root.signed : undefined;
    this.root = trust ? clone(trust.root.signed) : newRoot(opts.init!, now);
    this.rootChanged = !trust;
    if (trust) {
      this.roles.set('targets', { signed: clone(trust.targets.signed), old: trust.targets.signed, changed: false });
      for (const d of trust.delegations) this.roles.set(d.env.role, { signed: clone(d.env.signed), old: d.env.signed, changed: false });
    } else {
      this.roles.set('targets', { signed: emptyTargets(), changed: true });
    }
    this.snapshotMeta = trust ? clone(trust.snapshot.signed.meta) : {};
    this.skipped = new Set((trust?.skipped ?? []).map((s) => s.role));
  }

  /** Applies one staged change to the working copies. */
  async apply(change: Change): Promise<void> {
    switch (change.kind) {
      case 'add-target':
        return this.addTarget(change);
      case 'remove-target':
        return this.removeTarget(change);
      case 'add-delegation':
        return this.addDelegation(change);
      case 'set-delegation':
        return this.setDelegation(change);
      case 'remove-delegation-keys':
        return this.removeDelegationKeys(change);
      case 'remove-delegation':
        return this.removeDelegation(change);
      case 'rotate-key':
        return this.rotateKey(change);
      case 'renew':
        return this.renew(change);
      default:
        return assertNever(change, 'change');
    }
  }

  /** Adds (or replaces) a target in the given roles, by default those docker would choose. */
  private async addTarget(c: ChangeOf<'add-target'>): Promise<void> {
    const targetRoles = c.roles ?? (await this.signableRoles(c.name));
    const meta: TargetMeta = {
      hashes: { sha256: hexToB64(c.target.sha256Hex), ...(c.target.sha512Hex ? { sha512: hexToB64(c.target.sha512Hex) } : {}) },
      length: c.target.length,
    };
    for (const r of targetRoles) {
      const w = this.workingRole(r);
      if (r !== 'targets') {
        const { paths } = this.roleKeys(r);
        if (!pathAllowed(c.name, paths))
          throw new TrustDeskError('INVALID_ARGUMENT', `${r} may not sign ${c.name}: its paths are ${JSON.stringify(paths)}`);
      }
      w.signed.targets[c.name] = meta;
      w.changed = true;
    }
  }

  /** Removes a target from the given roles, by default every role this machine can sign that holds it. */
  private async removeTarget(c: ChangeOf<'remove-target'>): Promise<void> {
    let candidates: string[];
    if (c.roles) candidates = c.roles;
    else {
      const t = this.roles.get('targets')!;
      const children = t.signed.delegations?.roles ?? [];
      candidates = [];
      // every role this machine can sign (docker: the targets/* children; we add targets when its key is here)
      if (children.length === 0 || (await this.holdsKeyOf('targets'))) candidates.push('targets');
      for (const d of children) if (await this.holdsKeyOf(d.name)) candidates.push(d.name);
      if (candidates.length === 0)
        throw new TrustDeskError('NO_SIGNING_KEY', `could not remove signature for ${c.name}: no valid signing keys for delegation roles`);
    }
    let removed = 0;
    for (const r of candidates) {
      const w = this.roles.get(r);
      if (w && c.name in w.signed.targets) {
        delete w.signed.targets[c.name];
        w.changed = true;
        removed++;
      }
    }
    if (removed === 0) throw new TrustDeskError('TARGET_NOT_FOUND', `could not remove signature for ${c.name}: No valid trust data for ${c.name}`);
  }

  /** Creates a delegation in its parent, or adds keys and paths to it. */
  private async addDelegation(c: ChangeOf<'add-delegation'>): Promise<void> {
    const parent = this.workingRole(parentRole(c.role));
    parent.signed.delegations ??= { keys: {}, roles: [] };
    const d = parent.signed.delegations;
    let entry = d.roles.find((r) => r.name === c.role);
    if (!entry) {
      entry = { keyids: [], name: c.role, paths: c.paths ?? [''], threshold: c.threshold ?? 1 };
      d.roles.push(entry);
    } else {
      if (c.paths) entry.paths = [...new Set([...(entry.paths ?? []), ...c.paths])];
      if (c.threshold !== undefined) entry.threshold = c.threshold;
    }
    for (const k of c.keys) {
      const key: PublicKeyJson = { keytype: k.keytype, keyval: { private: null, public: k.keyval.public } };
      const id = keyId(key);
      d.keys[id] = key;
      if (!entry.keyids.includes(id)) entry.keyids.push(id);
    }
    if (entry.threshold > entry.keyids.length) {
      throw new TrustDeskError('INVALID_ARGUMENT', `${c.role} would need ${entry.threshold} signatures but has only ${entry.keyids.length} key(s)`);
    }
    if (entry.paths && entry.paths.length === 0) delete entry.paths;
    parent.changed = true;
  }

  /** Replaces a delegation's paths and/or threshold. */
  private async setDelegation(c: ChangeOf<'set-delegation'>): Promise<void> {
    const found = this.delegationEntry(c.role);
    if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${this.gun} has no delegation ${c.role}`);
    if (c.paths) {
      if (c.paths.length === 0) delete found.entry.paths;
      else found.entry.paths = [...c.paths];
    }
    if (c.threshold !== undefined) {
      if (c.threshold > found.entry.keyids.length)
        throw new TrustDeskError(
          'INVALID_ARGUMENT',
          `${c.role} has only ${found.entry.keyids.length} key(s): threshold ${c.threshold} could never be met`,
        );
      found.entry.threshold = c.threshold;
    }
    found.parent.changed = true;
  }

  /** Removes keys from a delegation: one left without keys goes, a threshold above the keys left is lowered. */
  private async removeDelegationKeys(c: ChangeOf<'remove-delegation-keys'>): Promise<void> {
    const found = this.delegationEntry(c.role);
    if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${this.gun} has no delegation ${c.role}`);
    const before = found.entry.keyids.length;
    found.entry.keyids = found.entry.keyids.filter((k) => !c.keyIds.includes(k));
    if (found.entry.keyids.length === before) return;
    if (found.entry.keyids.length === 0) {
      found.parent.signed.delegations!.roles = found.parent.signed.delegations!.roles.filter((r) => r.name !== c.role);
      this.warnings.push(`${c.role} has no keys left and is removed`);
    } else if (found.entry.threshold > found.entry.keyids.length) {
      this.warnings.push(
        `${c.role} keeps ${found.entry.keyids.length} key(s): its threshold is lowered from ${found.entry.threshold} to ${found.entry.keyids.length}`,
      );
      found.entry.threshold = found.entry.keyids.length;
    }
    this.removeUnusedDelegationKeys(found.parent);
    found.parent.changed = true;
  }

  /** Removes a delegation from its parent (its file stays on the server, as with notary). */
  private async removeDelegation(c: ChangeOf<'remove-delegation'>): Promise<void> {
    const found = this.delegationEntry(c.role);
    if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${this.gun} has no delegation ${c.role}`);
    found.parent.signed.delegations!.roles = found.parent.signed.delegations!.roles.filter((r) => r.name !== c.role);
    this.removeUnusedDelegationKeys(found.parent);
    found.parent.changed = true;
  }

  /** Lists a base role's new key in root (the key was made before the first attempt). */
  private async rotateKey(c: ChangeOf<'rotate-key'>): Promise<void> {
    const rot = this.opts.rotations?.get(c.role);
    if (!rot) throw new TrustDeskError('INTERNAL', `the new ${c.role} key was not prepared`);
    const id = keyId(rot.key);
    this.root.keys[id] = rot.key;
    this.root.roles[c.role] = { keyids: [id], threshold: 1 };
    this.removeUnusedRootKeys();
    this.rootChanged = true;
    if (c.role === 'targets') this.markChanged('targets'); // re-signed with the new key
  }

  /**
   * Marks a role to be re-signed as it is: a verified Targets role, root, or snapshot when its key
   * is here. Its content stays, its version goes up by one and it gets a new expiry.
   */
  private async renew(c: ChangeOf<'renew'>): Promise<void> {
    if (!this.trust) throw new TrustDeskError('INVALID_ARGUMENT', `${this.gun} has no trust data to renew`);
    this.renewed.add(c.role);
    if (c.role === 'root') {
      this.rootChanged = true;
      return;
    }
    if (c.role === 'snapshot') {
      if (!(await this.holdsKeyOf('snapshot'))) throw noKey('snapshot', this.root.roles.snapshot.threshold, this.root.roles.snapshot.keyids);
      return;
    }
    const w = this.roles.get(c.role);
    if (!w?.old) throw new TrustDeskError('DELEGATION_INVALID', `${this.gun} has no verified ${c.role} to renew`);
    w.changed = true;
  }

  /** The expiry of a role signed now: `lifetimeMs` for a renewed role when given, else notary's default. */
  private expiryOf(role: string, days: number): string {
    const ms = this.opts.lifetimeMs;
    return ms !== undefined && this.renewed.has(role) ? goTime(new Date(this.now.getTime() + ms)) : expiresIn(this.now, days);
  }

  /**
   * Signs every changed role with a new version and expiry: Targets roles, then root (when changed,
   * or near expiry as notary re-signs it), then snapshot when its key is here (else the server signs
   * it). Timestamp is always the server's.
   */
  async build(): Promise<BuiltUpdate> {
    const { gun, now, trust, opts, root, oldRoot } = this;
    // a renewal decides about root itself (its key may be elsewhere)
    if (!this.rootChanged && this.renewed.size === 0 && trust && nearExpiry(trust.root.expires, now)) {
      this.rootChanged = true;
      this.warnings.push(`root expires on ${trust.root.expires.toISOString()}: re-signed with a new expiry`);
    }
    const snapshotServer = !(await this.holdsKeyOf('snapshot'));
    if (opts.init && !opts.init.snapshotServerManaged && snapshotServer) throw noKey('snapshot', 1, root.roles.snapshot.keyids);

    const parts: MetadataPart[] = [];
    const previews: RolePreview[] = [];

    // Targets roles (parents before children in the upload; order does not matter to the server)
    const changedRoles = [...this.roles.entries()].filter(([, w]) => w.changed);
    for (const [role, w] of changedRoles) {
      const from = w.old?.version;
      w.signed.version = (from ?? w.signed.version) + 1;
      w.signed.expires = this.expiryOf(role, role === 'targets' ? LIFETIME_DAYS.targets : LIFETIME_DAYS.delegation);
      w.signed.delegations ??= { keys: {}, roles: [] };
      const { raw, by } = await this.signBody(role, w.signed, [this.roleKeys(role)]);
      parts.push({ role, raw });
      this.snapshotMeta[role] = fileMetaFor(raw);
      const p = emptyRolePreview(role, w.signed.version, 'local', from);
      p.signingKeyIds = by;
      p.expires = w.signed.expires;
      if (w.old) p.fromExpires = w.old.expires;
      diffTargets(p, w.old, w.signed);
      previews.push(p);
    }

    if (this.rootChanged) {
      root.version = (oldRoot?.version ?? 0) + 1;
      root.expires = this.expiryOf('root', LIFETIME_DAYS.root);
      // a new set of root keys is signed by the previous root's keys too, so clients can follow it
      const sets: RoleKeySet[] = [{ keys: root.keys, keyids: root.roles.root.keyids, threshold: root.roles.root.threshold }];
      const rootKeysChanged = oldRoot && JSON.stringify(oldRoot.roles.root.keyids) !== JSON.stringify(root.roles.root.keyids);
      if (oldRoot && rootKeysChanged) sets.push({ keys: oldRoot.keys, keyids: oldRoot.roles.root.keyids, threshold: oldRoot.roles.root.threshold });
      const { raw, by } = await this.signBody('root', root, sets);
      parts.unshift({ role: 'root', raw });
      this.snapshotMeta.root = fileMetaFor(raw);
      const p = emptyRolePreview('root', root.version, 'local', oldRoot?.version);
      p.signingKeyIds = by;
      p.expires = root.expires;
      if (oldRoot) p.fromExpires = oldRoot.expires;
      diffRoot(p, oldRoot, root);
      previews.unshift(p);
    }

    if (parts.length === 0 && !(this.renewed.has('snapshot') && !snapshotServer))
      throw new TrustDeskError('INVALID_ARGUMENT', `nothing to publish for ${gun}: the changes leave the trust data as it is`);

    const oldSnapshotVersion = trust?.snapshot.signed.version;
    if (!snapshotServer) {
      const snap: SnapshotSigned = {
        _type: 'Snapshot',
        expires: this.expiryOf('snapshot', LIFETIME_DAYS.snapshot),
        meta: this.snapshotMeta,
        version: (oldSnapshotVersion ?? 0) + 1,
      };
      const { raw, by } = await this.signBody('snapshot', snap, [this.roleKeys('snapshot')]);
      parts.push({ role: 'snapshot', raw });
      const p = emptyRolePreview('snapshot', snap.version, 'local', oldSnapshotVersion);
      p.signingKeyIds = by;
      p.expires = snap.expires;
      if (trust) p.fromExpires = trust.snapshot.signed.expires;
      previews.push(p);
    } else {
      previews.push(emptyRolePreview('snapshot', (oldSnapshotVersion ?? 0) + 1, 'server', oldSnapshotVersion));
    }
    const oldTs = trust?.timestamp.signed.version;
    previews.push(emptyRolePreview('timestamp', (oldTs ?? 0) + 1, 'server', oldTs));

    const unlistedOnServer = changedRoles
      .map(([role]) => role)
      .filter(
        (role) => role !== 'targets' && !this.roles.get(role)!.old && trust?.snapshot.signed.meta[role] && opts.versionHints?.[role] === undefined,
      );
    return {
      parts,
      ...(unlistedOnServer.length ? { needsVersionHints: unlistedOnServer } : {}),
      preview: { gun, initialise: !trust, changes: opts.changes.map(describeChange), roles: previews, warnings: this.warnings },
      ...(trust ? { basedOnSnapshot: createHash('sha256').update(trust.snapshot.raw).digest('hex') } : {}),
    };
  }

  /**
   * Signs `signed` to meet every key set's threshold (a key in two sets signs once) and returns the
   * envelope and the key IDs that signed.
   */
  private async signBody(role: string, signed: unknown, keySets: RoleKeySet[]): Promise<{ raw: Buffer; by: string[] }> {
    const message = canonicalBytes(signed);
    const signatures: SignatureJson[] = [];
    const by: string[] = [];
    const done = new Set<string>();
    for (const set of keySets) {
      let count = 0;
      for (const id of set.keyids) {
        const key = set.keys[id];
        if (!key) continue;
        if (done.has(id)) {
          count++;
          continue;
        }
        const signer = await this.opts.signers.signerFor(key);
        if (!signer) continue;
        const version = (signed as { version?: unknown }).version;
        const s = await signer.sign(message, {
          summary: `sign ${role}.json${typeof version === 'number' ? ` version ${version}` : ''} of ${this.gun}`,
        });
        signatures.push({ keyid: id, method: s.method, sig: s.sig });
        by.push(id);
        done.add(id);
        count++;
      }
      if (count < set.threshold) throw noKey(role, set.threshold, set.keyids);
    }
    return { raw: serialiseEnvelope(signed, signatures), by };
  }

  /** A delegation's entry in its parent, and the parent. */
  private delegationEntry(role: string): { parent: WorkingRole; entry: DelegatedRole } | undefined {
    const parent = this.roles.get(parentRole(role));
    const entry = parent?.signed.delegations?.roles.find((d) => d.name === role);
    return parent && entry ? { parent, entry } : undefined;
  }

  /** The working copy of a Targets role; a delegation with no file yet starts empty. */
  private workingRole(role: string): WorkingRole {
    let w = this.roles.get(role);
    if (!w) {
      if (role !== 'targets' && !this.delegationEntry(role)) throw new TrustDeskError('DELEGATION_INVALID', `${this.gun} has no delegation ${role}`);
      if (this.skipped.has(role)) {
        // its file does not verify with the keys listed now (e.g. a signer added again with a new key)
        // or has expired: it is written anew, continuing the server's version
        const why = this.trust?.skipped.find((x) => x.role === role)?.error.message ?? 'it could not be verified';
        this.warnings.push(`${role} is written anew: the file on the server was skipped (${why}); its old tags are not carried over`);
      }
      w = { signed: { ...emptyTargets(), version: this.opts.versionHints?.[role] ?? 0 }, changed: false };
      this.roles.set(role, w);
    }
    return w;
  }

  /** Key objects of a role: base roles from root, delegations from their parent. */
  private roleKeys(role: string): RoleKeySet & { paths?: string[] } {
    if (role === 'targets' || role === 'root' || role === 'snapshot' || role === 'timestamp') {
      const r = this.root.roles[role];
      return { keys: this.root.keys, keyids: r.keyids, threshold: r.threshold };
    }
    const d = this.delegationEntry(role);
    if (!d) throw new TrustDeskError('DELEGATION_INVALID', `${this.gun} has no delegation ${role}`);
    return { keys: d.parent.signed.delegations!.keys, keyids: d.entry.keyids, threshold: d.entry.threshold, paths: d.entry.paths ?? [] };
  }

  private async holdsKeyOf(role: string): Promise<boolean> {
    const { keys, keyids } = this.roleKeys(role);
    for (const id of keyids) if (keys[id] && (await this.opts.signers.signerFor(keys[id]!))) return true;
    return false;
  }

  /** docker's GetSignableRoles: direct children of targets this machine holds a key of, paths permitting; else targets. */
  private async signableRoles(name: string): Promise<string[]> {
    const t = this.roles.get('targets')!;
    const children = t.signed.delegations?.roles ?? [];
    if (children.length === 0) return ['targets'];
    const held: DelegatedRole[] = [];
    for (const d of children) if (await this.holdsKeyOf(d.name)) held.push(d);
    const own = held.filter((d) => d.name !== 'targets/releases');
    const out: string[] = [];
    for (const d of held) {
      if (!pathAllowed(name, d.paths ?? [])) continue;
      // releases has paths [""] for every signer: a signer whose own role's paths exclude the tag
      // does not release it either (TrustDesk's policy; the keys could, cryptographically)
      if (d.name === 'targets/releases' && own.length > 0 && !own.some((o) => pathAllowed(name, o.paths ?? []))) continue;
      out.push(d.name);
    }
    if (out.length === 0) {
      throw new TrustDeskError(
        'NO_SIGNING_KEY',
        held.length
          ? `no valid signing keys for delegation roles: the paths of ${held.map((d) => `${d.name} ${JSON.stringify(d.paths ?? [])}`).join(', ')} do not cover ${name}`
          : 'no valid signing keys for delegation roles',
      );
    }
    return out;
  }

  private markChanged(role: string): void {
    this.workingRole(role).changed = true;
  }

  private removeUnusedDelegationKeys(w: WorkingRole): void {
    const d = w.signed.delegations!;
    const used = new Set(d.roles.flatMap((r) => r.keyids));
    for (const id of Object.keys(d.keys)) if (!used.has(id)) delete d.keys[id];
  }

  private removeUnusedRootKeys(): void {
    const { root, oldRoot } = this;
    // notary keeps old root keys in `keys`; drop only unused keys of the other roles
    const used = new Set(Object.values(root.roles).flatMap((r) => r.keyids));
    const oldRootKeys = new Set(oldRoot?.roles.root.keyids ?? []);
    for (const id of Object.keys(root.keys))
      if (!used.has(id) && !oldRootKeys.has(id) && oldRoot?.keys[id]?.keytype !== 'ecdsa-x509') delete root.keys[id];
  }
}

/** Applies `opts.changes` in order to a WorkingRepository and signs the result. */
export async function buildUpdate(opts: BuildOptions): Promise<BuiltUpdate> {
  const repo = new WorkingRepository(opts);
  for (const change of opts.changes) await repo.apply(change);
  return repo.build();
}
