/**
 * Applies a change list to the verified current state of a repository (or to a new repository)
 * and signs what changed: every changed Targets role with its own keys, root when it changed or
 * nears expiry (by the previous root's keys too when the root keys change), snapshot when its key is
 * held here (else the server signs it). Versions go up by one, expiries are notary's defaults.
 * The result is the multipart upload and the exact preview of it; nothing is sent from here.
 */
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { TrustDeskError } from '../base/errors.js';
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
import { expiresIn, LIFETIME_DAYS, nearExpiry } from './expiry.js';
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

export async function buildUpdate(opts: BuildOptions): Promise<BuiltUpdate> {
  const { gun, now, trust } = opts;
  if (!trust && !opts.init) throw new TrustDeskError('INTERNAL', 'buildUpdate needs the current state or new repository keys');
  const warnings: string[] = [];

  // --- working copies ---
  const oldRoot: RootSigned | undefined = trust ? trust.root.signed : undefined;
  let root: RootSigned;
  if (trust) {
    root = clone(trust.root.signed);
  } else {
    const k = opts.init!;
    const ids = { root: keyId(k.root), targets: keyId(k.targets), snapshot: keyId(k.snapshot), timestamp: keyId(k.timestamp) };
    root = {
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
  let rootChanged = !trust;
  const roles = new Map<string, WorkingRole>();
  if (trust) {
    roles.set('targets', { signed: clone(trust.targets.signed), old: trust.targets.signed, changed: false });
    for (const d of trust.delegations) roles.set(d.env.role, { signed: clone(d.env.signed), old: d.env.signed, changed: false });
  } else {
    roles.set('targets', { signed: emptyTargets(), changed: true });
  }
  const snapshotMeta: Record<string, FileMeta> = trust ? clone(trust.snapshot.signed.meta) : {};
  const skipped = new Set((trust?.skipped ?? []).map((s) => s.role));

  const delegationEntry = (role: string): { parent: WorkingRole; entry: DelegatedRole } | undefined => {
    const parent = roles.get(parentRole(role));
    const entry = parent?.signed.delegations?.roles.find((d) => d.name === role);
    return parent && entry ? { parent, entry } : undefined;
  };

  const workingRole = (role: string): WorkingRole => {
    let w = roles.get(role);
    if (!w) {
      if (role !== 'targets' && !delegationEntry(role)) throw new TrustDeskError('DELEGATION_INVALID', `${gun} has no delegation ${role}`);
      if (skipped.has(role)) {
        // its file does not verify with the keys listed now (e.g. a signer added again with a new key)
        // or has expired: it is written anew, continuing the server's version
        const why = trust?.skipped.find((x) => x.role === role)?.error.message ?? 'it could not be verified';
        warnings.push(`${role} is written anew: the file on the server was skipped (${why}); its old tags are not carried over`);
      }
      w = { signed: { ...emptyTargets(), version: opts.versionHints?.[role] ?? 0 }, changed: false };
      roles.set(role, w);
    }
    return w;
  };

  /** Key objects of a role: base roles from root, delegations from their parent. */
  const roleKeys = (role: string): { keys: Record<string, PublicKeyJson>; keyids: string[]; threshold: number; paths?: string[] } => {
    if (role === 'targets' || role === 'root' || role === 'snapshot' || role === 'timestamp') {
      const r = root.roles[role];
      return { keys: root.keys, keyids: r.keyids, threshold: r.threshold };
    }
    const d = delegationEntry(role);
    if (!d) throw new TrustDeskError('DELEGATION_INVALID', `${gun} has no delegation ${role}`);
    return { keys: d.parent.signed.delegations!.keys, keyids: d.entry.keyids, threshold: d.entry.threshold, paths: d.entry.paths ?? [] };
  };

  const holdsKeyOf = async (role: string): Promise<boolean> => {
    const { keys, keyids } = roleKeys(role);
    for (const id of keyids) if (keys[id] && (await opts.signers.signerFor(keys[id]!))) return true;
    return false;
  };

  /** docker's GetSignableRoles: direct children of targets this machine holds a key of, paths permitting; else targets. */
  const signableRoles = async (name: string): Promise<string[]> => {
    const t = roles.get('targets')!;
    const children = t.signed.delegations?.roles ?? [];
    if (children.length === 0) return ['targets'];
    const held: DelegatedRole[] = [];
    for (const d of children) if (await holdsKeyOf(d.name)) held.push(d);
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
        held.length ? `no valid signing keys for delegation roles: the paths of ${held.map((d) => `${d.name} ${JSON.stringify(d.paths ?? [])}`).join(', ')} do not cover ${name}` : 'no valid signing keys for delegation roles',
      );
    }
    return out;
  };

  const markChanged = (role: string) => {
    workingRole(role).changed = true;
  };

  const removeUnusedDelegationKeys = (w: WorkingRole) => {
    const d = w.signed.delegations!;
    const used = new Set(d.roles.flatMap((r) => r.keyids));
    for (const id of Object.keys(d.keys)) if (!used.has(id)) delete d.keys[id];
  };

  const removeUnusedRootKeys = () => {
    // notary keeps old root keys in `keys`; drop only unused keys of the other roles
    const used = new Set(Object.values(root.roles).flatMap((r) => r.keyids));
    const oldRootKeys = new Set(oldRoot?.roles.root.keyids ?? []);
    for (const id of Object.keys(root.keys)) if (!used.has(id) && !oldRootKeys.has(id) && oldRoot?.keys[id]?.keytype !== 'ecdsa-x509') delete root.keys[id];
  };

  // --- apply ---
  for (const c of opts.changes) {
    switch (c.kind) {
      case 'add-target': {
        const targetRoles = c.roles ?? (await signableRoles(c.name));
        const meta: TargetMeta = {
          hashes: { sha256: hexToB64(c.target.sha256Hex), ...(c.target.sha512Hex ? { sha512: hexToB64(c.target.sha512Hex) } : {}) },
          length: c.target.length,
        };
        for (const r of targetRoles) {
          const w = workingRole(r);
          if (r !== 'targets') {
            const { paths } = roleKeys(r);
            if (!pathAllowed(c.name, paths)) throw new TrustDeskError('INVALID_ARGUMENT', `${r} may not sign ${c.name}: its paths are ${JSON.stringify(paths)}`);
          }
          w.signed.targets[c.name] = meta;
          w.changed = true;
        }
        break;
      }
      case 'remove-target': {
        let candidates: string[];
        if (c.roles) candidates = c.roles;
        else {
          const t = roles.get('targets')!;
          const children = t.signed.delegations?.roles ?? [];
          candidates = [];
          // every role this machine can sign (docker: the targets/* children; we add targets when its key is here)
          if (children.length === 0 || (await holdsKeyOf('targets'))) candidates.push('targets');
          for (const d of children) if (await holdsKeyOf(d.name)) candidates.push(d.name);
          if (candidates.length === 0) throw new TrustDeskError('NO_SIGNING_KEY', `could not remove signature for ${c.name}: no valid signing keys for delegation roles`);
        }
        let removed = 0;
        for (const r of candidates) {
          const w = roles.get(r);
          if (w && c.name in w.signed.targets) {
            delete w.signed.targets[c.name];
            w.changed = true;
            removed++;
          }
        }
        if (removed === 0) throw new TrustDeskError('TARGET_NOT_FOUND', `could not remove signature for ${c.name}: No valid trust data for ${c.name}`);
        break;
      }
      case 'add-delegation': {
        const parent = workingRole(parentRole(c.role));
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
        break;
      }
      case 'set-delegation': {
        const found = delegationEntry(c.role);
        if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${gun} has no delegation ${c.role}`);
        if (c.paths) {
          if (c.paths.length === 0) delete found.entry.paths;
          else found.entry.paths = [...c.paths];
        }
        if (c.threshold !== undefined) {
          if (c.threshold > found.entry.keyids.length) throw new TrustDeskError('INVALID_ARGUMENT', `${c.role} has only ${found.entry.keyids.length} key(s): threshold ${c.threshold} could never be met`);
          found.entry.threshold = c.threshold;
        }
        found.parent.changed = true;
        break;
      }
      case 'remove-delegation-keys': {
        const found = delegationEntry(c.role);
        if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${gun} has no delegation ${c.role}`);
        const before = found.entry.keyids.length;
        found.entry.keyids = found.entry.keyids.filter((k) => !c.keyIds.includes(k));
        if (found.entry.keyids.length === before) break;
        if (found.entry.keyids.length === 0) {
          found.parent.signed.delegations!.roles = found.parent.signed.delegations!.roles.filter((r) => r.name !== c.role);
          warnings.push(`${c.role} has no keys left and is removed`);
        } else if (found.entry.threshold > found.entry.keyids.length) {
          warnings.push(`${c.role} keeps ${found.entry.keyids.length} key(s): its threshold is lowered from ${found.entry.threshold} to ${found.entry.keyids.length}`);
          found.entry.threshold = found.entry.keyids.length;
        }
        removeUnusedDelegationKeys(found.parent);
        found.parent.changed = true;
        break;
      }
      case 'remove-delegation': {
        const found = delegationEntry(c.role);
        if (!found) throw new TrustDeskError('SIGNER_NOT_FOUND', `${gun} has no delegation ${c.role}`);
        found.parent.signed.delegations!.roles = found.parent.signed.delegations!.roles.filter((r) => r.name !== c.role);
        removeUnusedDelegationKeys(found.parent);
        found.parent.changed = true;
        break;
      }
      case 'rotate-key': {
        const rot = opts.rotations?.get(c.role);
        if (!rot) throw new TrustDeskError('INTERNAL', `the new ${c.role} key was not prepared`);
        const id = keyId(rot.key);
        root.keys[id] = rot.key;
        root.roles[c.role] = { keyids: [id], threshold: 1 };
        removeUnusedRootKeys();
        rootChanged = true;
        if (c.role === 'targets') markChanged('targets'); // re-signed with the new key
        break;
      }
    }
  }

  // --- root: changed, or re-signed near expiry as notary does ---
  if (!rootChanged && trust && nearExpiry(trust.root.expires, now)) {
    rootChanged = true;
    warnings.push(`root expires on ${trust.root.expires.toISOString()}: re-signed with a new expiry`);
  }
  const snapshotServer = await (async () => {
    const { keys, keyids } = roleKeys('snapshot');
    for (const id of keyids) if (keys[id] && (await opts.signers.signerFor(keys[id]!))) return false;
    return true;
  })();
  if (opts.init && !opts.init.snapshotServerManaged && snapshotServer) throw noKey('snapshot', 1, root.roles.snapshot.keyids);

  const parts: MetadataPart[] = [];
  const previews: RolePreview[] = [];

  const signBody = async (role: string, signed: unknown, keySets: { keys: Record<string, PublicKeyJson>; keyids: string[]; threshold: number }[]): Promise<{ raw: Buffer; by: string[] }> => {
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
        const signer = await opts.signers.signerFor(key);
        if (!signer) continue;
        const version = (signed as { version?: unknown }).version;
        const s = await signer.sign(message, { summary: `sign ${role}.json${typeof version === 'number' ? ` version ${version}` : ''} of ${gun}` });
        signatures.push({ keyid: id, method: s.method, sig: s.sig });
        by.push(id);
        done.add(id);
        count++;
      }
      if (count < set.threshold) throw noKey(role, set.threshold, set.keyids);
    }
    return { raw: serialiseEnvelope(signed, signatures), by };
  };

  // Targets roles (parents before children in the upload; order does not matter to the server)
  const changedRoles = [...roles.entries()].filter(([, w]) => w.changed);
  for (const [role, w] of changedRoles) {
    const from = w.old?.version;
    w.signed.version = (from ?? w.signed.version) + 1;
    w.signed.expires = expiresIn(now, role === 'targets' ? LIFETIME_DAYS.targets : LIFETIME_DAYS.delegation);
    w.signed.delegations ??= { keys: {}, roles: [] };
    const ks = roleKeys(role);
    const { raw, by } = await signBody(role, w.signed, [ks]);
    parts.push({ role, raw });
    snapshotMeta[role] = fileMetaFor(raw);
    const p = emptyRolePreview(role, w.signed.version, 'local', from);
    p.signingKeyIds = by;
    p.expires = w.signed.expires;
    diffTargets(p, w.old, w.signed);
    previews.push(p);
  }

  if (rootChanged) {
    root.version = (oldRoot?.version ?? 0) + 1;
    root.expires = expiresIn(now, LIFETIME_DAYS.root);
    const sets = [{ keys: root.keys, keyids: root.roles.root.keyids, threshold: root.roles.root.threshold }];
    const rootKeysChanged = oldRoot && JSON.stringify(oldRoot.roles.root.keyids) !== JSON.stringify(root.roles.root.keyids);
    if (oldRoot && rootKeysChanged) sets.push({ keys: oldRoot.keys, keyids: oldRoot.roles.root.keyids, threshold: oldRoot.roles.root.threshold });
    const { raw, by } = await signBody('root', root, sets);
    parts.unshift({ role: 'root', raw });
    snapshotMeta.root = fileMetaFor(raw);
    const p = emptyRolePreview('root', root.version, 'local', oldRoot?.version);
    p.signingKeyIds = by;
    p.expires = root.expires;
    diffRoot(p, oldRoot, root);
    previews.unshift(p);
  }

  if (parts.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', `nothing to publish for ${gun}: the changes leave the trust data as it is`);

  const oldSnapshotVersion = trust?.snapshot.signed.version;
  if (!snapshotServer) {
    const snap: SnapshotSigned = {
      _type: 'Snapshot',
      expires: expiresIn(now, LIFETIME_DAYS.snapshot),
      meta: snapshotMeta,
      version: (oldSnapshotVersion ?? 0) + 1,
    };
    const ks = roleKeys('snapshot');
    const { raw, by } = await signBody('snapshot', snap, [ks]);
    parts.push({ role: 'snapshot', raw });
    const p = emptyRolePreview('snapshot', snap.version, 'local', oldSnapshotVersion);
    p.signingKeyIds = by;
    p.expires = snap.expires;
    previews.push(p);
  } else {
    previews.push(emptyRolePreview('snapshot', (oldSnapshotVersion ?? 0) + 1, 'server', oldSnapshotVersion));
  }
  const oldTs = trust?.timestamp.signed.version;
  previews.push(emptyRolePreview('timestamp', (oldTs ?? 0) + 1, 'server', oldTs));

  const unlistedOnServer = changedRoles.map(([role]) => role).filter((role) => role !== 'targets' && !roles.get(role)!.old && trust?.snapshot.signed.meta[role] && opts.versionHints?.[role] === undefined);
  return {
    parts,
    ...(unlistedOnServer.length ? { needsVersionHints: unlistedOnServer } : {}),
    preview: { gun, initialise: !trust, changes: opts.changes.map(describeChange), roles: previews, warnings },
    ...(trust ? { basedOnSnapshot: createHash('sha256').update(trust.snapshot.raw).digest('hex') } : {}),
  };
}
