/**
 * Drives the update workflow for one repository (GUN): fetches bytes from the trust server or the
 * cache, hands them to the TrustedMetadataStore, and writes the cache only after everything verified.
 * Steps follow notary's client (`client/tufclient.go`) and TUF 1.0 §5; see trusted-metadata-store.ts.
 */
import { createHash } from 'node:crypto';
import { TrustDeskError, isTrustDeskError, type ErrorCode } from '../base/errors.js';
import { TrustedMetadataStore, type PreviousVersions, type VerifiedDelegation } from './trusted-metadata-store.js';
import { sha256Hex, type FileMeta } from './metadata/file-meta.js';
import type { RootEnvelope } from './metadata/root.js';
import type { TimestampEnvelope } from './metadata/timestamp.js';
import type { SnapshotEnvelope } from './metadata/snapshot.js';
import type { TargetsEnvelope } from './metadata/targets.js';
import type { TrustPinning } from './trust-pinning.js';

/** Where metadata comes from: a notary server (remote/notary-client.ts) or a test double. */
export interface MetadataSource {
  /** `<role>.json`, or `<role>.<checksum>.json` when a checksum is given. 404 → METADATA_NOT_FOUND. */
  fetchRole(gun: string, role: string, opts: { maxBytes: number; checksumHex?: string }): Promise<Buffer>;
  /** `<version>.root.json`. */
  fetchRootVersion(gun: string, version: number, opts: { maxBytes: number }): Promise<Buffer>;
}

/** Size caps where no length is known (notary uses 1 MiB for timestamp and 100 MiB for root). */
export const MAX_ROOT_BYTES = 1024 * 1024;
export const MAX_TIMESTAMP_BYTES = 1024 * 1024;
/** Cap on a file fetched before its length is known (it is then re-fetched by checksum if larger). */
const MAX_SPECULATIVE_BYTES = 4 * 1024 * 1024;
/** At most this many root versions are walked in one update. */
const MAX_ROOT_WALK = 1000;
/** At most this many delegated roles are loaded for one repository. */
const MAX_DELEGATIONS = 5000;

export interface SkippedRole {
  role: string;
  error: { code: ErrorCode; message: string };
}

export interface RepositoryTrust {
  gun: string;
  root: RootEnvelope;
  rootChain: RootEnvelope[];
  timestamp: TimestampEnvelope;
  snapshot: SnapshotEnvelope;
  targets: TargetsEnvelope;
  /** Verified delegated roles in walk order (depth-first, pre-order, in each parent's roles order). */
  delegations: VerifiedDelegation[];
  /** Delegated roles that were skipped (expired or below threshold), as notary skips them. */
  skipped: SkippedRole[];
  warnings: string[];
  /** `remote`: the server was reached; `cache`: everything came from the cache (offline or stale). */
  source: 'remote' | 'cache';
  /** When the data came from the cache: the time it was cached. */
  cachedAt?: Date;
  /** The clock every expiry was checked against (now, or the cache/archive time: "valid as of"). */
  verifiedAt: Date;
  /** How the trusted root was accepted: by a certs pin, a CA pin, or trust on first use. */
  pin: PinSummary;
}

/** IPC-safe summary of the pin decision for the trusted root. */
export interface PinSummary {
  kind: 'certs' | 'ca' | 'tofu';
  /** The GUN or `prefix*` pattern (certs) or the GUN prefix (ca) that matched. */
  pattern?: string;
  caFile?: string;
  /** Root key IDs that satisfied the pin (all root keys under TOFU). */
  keyIds: string[];
}

/**
 * Where verified metadata is kept between runs (the port; cache/trust-cache.ts is docker's layout).
 * The updater reads it for rollback checks and offline use and writes it only after everything verified.
 */
export interface MetadataCache {
  read(gun: string, role: string): Promise<Buffer | undefined>;
  write(gun: string, role: string, raw: Buffer): Promise<void>;
  cachedRoles(gun: string): Promise<Set<string>>;
  cachedAt(gun: string): Promise<Date | undefined>;
}

export interface UpdateOptions {
  gun: string;
  cache: MetadataCache;
  /** Undefined = offline: verify what the cache holds, make no network call. */
  source?: MetadataSource;
  now?: Date;
  /** Trust pins (trust-pinning.ts); none: trust on first use, as docker does. */
  pinning?: TrustPinning;
  /**
   * With no cached root: start from `1.root.json` and verify every root version up to the newest,
   * instead of trusting the newest root.json on first use. Archives use it to re-check the chain.
   */
  fullRootChain?: boolean;
  /**
   * Offline only: check expiry against the time the cache was written (its timestamp.json), so an
   * old trust directory still verifies "as of" then; callers report what has expired since.
   */
  asOfCache?: boolean;
}

/** Network failures after which notary falls back to the cached timestamp. */
const OFFLINE_CODES: ErrorCode[] = ['NETWORK_UNREACHABLE', 'NETWORK_TIMEOUT', 'HTTP_ERROR', 'METADATA_NOT_FOUND'];

/** Failures that may be explained by a root rotation the client has not seen yet. */
const ROOT_SENSITIVE_CODES: ErrorCode[] = ['SIGNATURE_THRESHOLD_NOT_MET', 'SIGNATURE_INVALID', 'SIGNED_BY_UNTRUSTED_KEY', 'KEY_ID_MISMATCH'];

/** Failures of a delegated role after which notary skips the role (and its subtree) instead of failing. */
const SKIPPABLE_DELEGATION_CODES: ErrorCode[] = ['SIGNATURE_THRESHOLD_NOT_MET', 'SIGNATURE_INVALID', 'SIGNED_BY_UNTRUSTED_KEY', 'METADATA_EXPIRED'];

function versionOf(raw: Buffer | undefined): number | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw.toString('utf8'))?.signed?.version;
    return Number.isSafeInteger(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function matches(raw: Buffer | undefined, meta: FileMeta): boolean {
  if (!raw || raw.length !== meta.length) return false;
  const expected = meta.hashes.sha256;
  if (!expected) return false;
  return createHash('sha256').update(raw).digest('base64') === expected;
}


export async function updateRepository(opts: UpdateOptions): Promise<RepositoryTrust> {
  const { gun, cache, source } = opts;
  const cachedAtTime = !source && opts.asOfCache ? await cache.cachedAt(gun) : undefined;
  const now = opts.now ?? cachedAtTime ?? new Date();
  const warnings: string[] = [];
  const present = await cache.cachedRoles(gun);
  const readIfCached = (role: string) => (present.has(role) ? cache.read(gun, role) : Promise.resolve(undefined));
  const [root, timestamp, snapshot, targets] = await Promise.all(['root', 'timestamp', 'snapshot', 'targets'].map(readIfCached));
  const cached = { root, timestamp, snapshot, targets };
  const previous: PreviousVersions = {
    timestamp: versionOf(cached.timestamp),
    snapshot: versionOf(cached.snapshot),
    targets: versionOf(cached.targets),
    delegations: {},
  };
  const cachedDelegations = new Map<string, Buffer>();
  const readCachedDelegation = async (role: string): Promise<Buffer | undefined> => {
    if (!cachedDelegations.has(role)) {
      const raw = await readIfCached(role);
      if (raw) cachedDelegations.set(role, raw);
      const v = versionOf(raw);
      if (v !== undefined) previous.delegations![role] = v;
    }
    return cachedDelegations.get(role);
  };

  // §5.2 Trusted root: the cached one, else trust on first use of the server's.
  let rootRaw = cached.root;
  const firstUse = !rootRaw;
  const fromVersion1 = firstUse && !!opts.fullRootChain;
  if (!rootRaw) {
    if (!source) {
      throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `no cached trust data for ${gun}, and offline`);
    }
    try {
      rootRaw = fromVersion1
        ? await source.fetchRootVersion(gun, 1, { maxBytes: MAX_ROOT_BYTES })
        : await source.fetchRole(gun, 'root', { maxBytes: MAX_ROOT_BYTES });
    } catch (err) {
      if (isTrustDeskError(err, 'METADATA_NOT_FOUND')) {
        throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `${gun} has no trust data on the server`, { cause: err });
      }
      throw err;
    }
  }
  // Version 1 of a full chain is checked like a trusted root (its certificates may have expired
  // since: that is often why the root was rotated); the newest root is checked in full below.
  const store = new TrustedMetadataStore(gun, rootRaw, { now, firstUse: firstUse && !fromVersion1, previous, pinning: opts.pinning });
  // A first-use root must satisfy the pins before anything it signs is fetched.
  if (firstUse && !fromVersion1) store.checkPinned();
  let online = !!source;
  let rootWalked = false;
  const fetched = new Map<string, Buffer>();
  if (firstUse) fetched.set('root', rootRaw);

  /** §5.3 Walk N.root.json from the trusted version to the newest the server has. */
  const walkRoots = async (): Promise<boolean> => {
    if (!source || !online || rootWalked) return false;
    rootWalked = true;
    const latestRaw = await source.fetchRole(gun, 'root', { maxBytes: MAX_ROOT_BYTES });
    const latest = versionOf(latestRaw);
    const current = store.root.signed.version;
    if (latest === undefined) throw new TrustDeskError('METADATA_MALFORMED', `root.json of ${gun} has no version`);
    if (latest < current) {
      throw new TrustDeskError('ROLLBACK_DETECTED', `server root version ${latest} is older than trusted version ${current}`);
    }
    if (latest === current) return false;
    if (latest - current > MAX_ROOT_WALK) {
      throw new TrustDeskError('ROOT_ROTATION_INVALID', `root of ${gun} jumped from version ${current} to ${latest}`);
    }
    for (let v = current + 1; v < latest; v++) {
      store.updateRoot(await source.fetchRootVersion(gun, v, { maxBytes: MAX_ROOT_BYTES }));
    }
    store.updateRoot(latestRaw);
    store.checkRootFresh();
    fetched.set('root', latestRaw);
    return true;
  };

  /**
   * Speculative fetches by name, started before the hash that names a file is known, so one round
   * trip serves the whole chain. A speculative copy is used only if it matches the verified hash and
   * length; otherwise the file is fetched by checksum as notary does. Errors are ignored here: the
   * checksum fetch reports them.
   */
  const speculative = new Map<string, Promise<Buffer | undefined>>();
  const speculate = (role: string): void => {
    if (!source || !online || speculative.has(role)) return;
    speculative.set(role, source.fetchRole(gun, role, { maxBytes: MAX_SPECULATIVE_BYTES }).catch(() => undefined));
  };

  const fetchOrCache = async (role: string, meta: FileMeta, cachedRaw: Buffer | undefined): Promise<Buffer> => {
    if (matches(cachedRaw, meta)) return cachedRaw!;
    const early = await speculative.get(role);
    if (early && matches(early, meta)) {
      fetched.set(role, early);
      return early;
    }
    if (!source || !online) {
      throw new TrustDeskError('CACHE_ERROR', `cached ${role} of ${gun} does not match the cached snapshot and the server is not reachable`);
    }
    try {
      const raw = await source.fetchRole(gun, role, { maxBytes: meta.length, checksumHex: sha256Hex(meta) });
      fetched.set(role, raw);
      return raw;
    } catch (err) {
      if (isTrustDeskError(err, 'RESPONSE_TOO_LARGE')) {
        throw new TrustDeskError('LENGTH_MISMATCH', `server sent more than the ${meta.length} bytes recorded for ${role}`, { cause: err });
      }
      throw err;
    }
  };

  // §5.4–5.6: timestamp, snapshot, targets; on a failure that a rotation may explain, walk the
  // roots once and start again (notary's updateRoot-then-retry).
  const topLevel = async (): Promise<void> => {
    if (!cached.snapshot) speculate('snapshot');
    if (!cached.targets) speculate('targets');
    let tsRaw: Buffer | undefined;
    if (source && online) {
      try {
        tsRaw = await source.fetchRole(gun, 'timestamp', { maxBytes: MAX_TIMESTAMP_BYTES });
        fetched.set('timestamp', tsRaw);
      } catch (err) {
        if (isTrustDeskError(err) && OFFLINE_CODES.includes(err.code) && cached.timestamp) {
          warnings.push(
            `Error while downloading remote metadata, using cached timestamp - this might not be the latest version available remotely (${err.message})`,
          );
          online = false;
        } else {
          throw err;
        }
      }
    }
    if (!tsRaw) {
      if (!cached.timestamp) throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `no cached timestamp for ${gun}`);
      tsRaw = cached.timestamp;
    }
    store.updateTimestamp(tsRaw);
    store.updateSnapshot(await fetchOrCache('snapshot', store.snapshotMeta(), cached.snapshot));
    if (store.snapshotNamesOtherRoot() && !rootWalked && online) {
      if (await walkRoots()) return topLevel();
    }
    const targetsMeta = store.roleMeta('targets');
    if (!targetsMeta) throw new TrustDeskError('METADATA_MALFORMED', `snapshot of ${gun} does not list targets`);
    store.updateTargets(await fetchOrCache('targets', targetsMeta, cached.targets));
  };

  if (fromVersion1) {
    await walkRoots();
    store.checkRootFresh();
  }
  try {
    await topLevel();
  } catch (err) {
    if (isTrustDeskError(err) && ROOT_SENSITIVE_CODES.includes(err.code) && (await walkRoots())) {
      await topLevel();
    } else {
      throw err;
    }
  }

  // The root now trusted (cached, first-use, or the newest after a rotation) must satisfy the pins.
  const pin = store.checkPinned();

  // §5.6.7 Delegations, depth-first pre-order from targets.json.
  const skipped: SkippedRole[] = [];
  const order: VerifiedDelegation[] = [];
  const walk = async (parent: string): Promise<void> => {
    const children = store.childDelegations(parent).filter(({ delegation }) => store.roleMeta(delegation.name));
    if (order.length + skipped.length + children.length > MAX_DELEGATIONS) {
      throw new TrustDeskError('DELEGATION_INVALID', `${gun} has more than ${MAX_DELEGATIONS} delegated roles`);
    }
    // Fetch every child of this role at once (bounded by the connection pool), verify in order.
    const downloads = new Map(
      children.map(({ delegation }) => {
        const role = delegation.name;
        const p = readCachedDelegation(role).then((c) => fetchOrCache(role, store.roleMeta(role)!, c));
        p.catch(() => undefined); // a failure surfaces when this child's turn comes
        return [role, p] as const;
      }),
    );
    for (const { delegation } of children) {
      const role = delegation.name; // listed but never published (no snapshot entry): not fetched
      const raw = await downloads.get(role)!;
      try {
        order.push(store.updateDelegatedTargets(raw, role, parent));
      } catch (err) {
        if (isTrustDeskError(err) && SKIPPABLE_DELEGATION_CODES.includes(err.code)) {
          skipped.push({ role, error: err.toValue() });
          warnings.push(`Error getting ${role}: ${err.message}`);
          continue;
        }
        throw err;
      }
      await walk(role);
    }
  };
  await walk('targets');

  // §5.x Persist what verified, raw, so docker and notary can read it too.
  const verifiedRoles = new Set(['root', 'timestamp', 'snapshot', 'targets', ...order.map((d) => d.env.role)]);
  await Promise.all([...fetched].filter(([role]) => verifiedRoles.has(role)).map(([role, raw]) => cache.write(gun, role, raw)));

  return {
    gun,
    root: store.root,
    rootChain: store.rootChain,
    timestamp: store.timestamp!,
    snapshot: store.snapshot!,
    targets: store.targets!,
    delegations: order,
    skipped,
    warnings,
    source: online ? 'remote' : 'cache',
    cachedAt: online ? undefined : (cachedAtTime ?? (await cache.cachedAt(gun))),
    verifiedAt: now,
    pin: {
      kind: pin.match.kind === 'refused' ? 'tofu' : pin.match.kind,
      pattern: pin.match.kind === 'certs' ? pin.match.pattern : pin.match.kind === 'ca' ? pin.match.prefix : undefined,
      caFile: pin.match.kind === 'ca' ? pin.match.ca.file : undefined,
      keyIds: pin.pinnedKeyIds,
    },
  };
}
