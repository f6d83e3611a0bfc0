/**
 * Drives the update workflow for one repository (GUN): fetches bytes from the trust server or the
 * cache, hands them to the TrustedMetadataStore, and writes the cache only after everything verified.
 * Steps follow notary's client (`client/tufclient.go`) and TUF 1.0 §5; see trusted-metadata-store.ts.
 *
 * The workflow is the RepositoryUpdater class, shaped like the `Updater` of python-tuf's ngclient
 * and of tuf-js: the state of one update is its fields, each step of the client workflow one method.
 */
import { createHash } from 'node:crypto';
import { TrustDeskError, isTrustDeskError, type ErrorCode } from '../base/errors.js';
import { TrustedMetadataStore, type PreviousVersions, type VerifiedDelegation } from './trusted-metadata-store.js';
import { sha256Hex, type FileMeta } from './metadata/file-meta.js';
import type { RootEnvelope } from './metadata/root.js';
import type { TimestampEnvelope } from './metadata/timestamp.js';
import type { SnapshotEnvelope } from './metadata/snapshot.js';
import type { TargetsEnvelope } from './metadata/targets.js';
import { pinFor, type PinCheckResult, type TrustPinning } from './trust-pinning.js';

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
  /** Roles that had expired and were accepted anyway (`acceptExpired`, renewal only). */
  expiredAccepted?: string[];
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
  /**
   * Renewal only: the roles whose expiry is accepted (signatures, hashes, versions and the root
   * chain are still verified). Nothing is written to the cache when an expired role was accepted.
   */
  acceptExpired?: (role: string) => boolean;
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

/** Top-level files read from the cache before anything is fetched. */
interface CachedTopLevel {
  root?: Buffer;
  timestamp?: Buffer;
  snapshot?: Buffer;
  targets?: Buffer;
}

/**
 * The TUF client workflow (TUF spec 1.0 §5) for one repository, one run per instance.
 *
 * `refresh()` calls the steps in order: local metadata, trusted root, root rotation, timestamp,
 * snapshot, targets, delegations, persist. Trust decisions are the TrustedMetadataStore's; this class
 * decides what to fetch, from where, and when to fall back to the cache.
 *
 * Unlike TUF, which persists each file as soon as it verifies, nothing is written to the cache until
 * the whole repository (delegations included) has verified.
 */
export class RepositoryUpdater {
  private readonly gun: string;
  private readonly cache: MetadataCache;
  private readonly source: MetadataSource | undefined;

  /** The reference time of §5.1 (now, or the cache time for an "as of" check). */
  private now!: Date;
  /** When `asOfCache` applies: the time the cache was written. */
  private cachedAtTime: Date | undefined;
  /** Roles the cache holds for this GUN. */
  private present!: Set<string>;
  private cached: CachedTopLevel = {};
  /** Versions seen before (for the rollback checks); delegation versions are added as they are read. */
  private previous!: PreviousVersions;
  private readonly cachedDelegations = new Map<string, Buffer>();

  /** No root was cached: the root comes from the server (trust on first use, or the full chain). */
  private firstUse = false;
  /** First use with `fullRootChain`: start from 1.root.json. */
  private fromVersion1 = false;
  private store!: TrustedMetadataStore;
  /** False when offline from the start, or after the timestamp fetch fell back to the cache. */
  private online: boolean;
  private rootWalked = false;
  /** Bytes that came from the server in this run, the candidates for the cache. */
  private readonly fetched = new Map<string, Buffer>();
  /** Early fetches by name, keyed by role (see startEarlyFetch). */
  private readonly speculative = new Map<string, Promise<Buffer | undefined>>();

  private readonly warnings: string[] = [];
  private readonly delegations: VerifiedDelegation[] = [];
  private readonly skipped: SkippedRole[] = [];

  constructor(private readonly opts: UpdateOptions) {
    this.gun = opts.gun;
    this.cache = opts.cache;
    this.source = opts.source;
    this.online = !!opts.source;
  }

  /** Runs the whole workflow and returns the verified repository. */
  async refresh(): Promise<RepositoryTrust> {
    await this.loadLocalMetadata();
    await this.loadTrustedRoot();
    if (this.fromVersion1) {
      await this.loadRoot();
      this.store.checkRootFresh();
    }
    await this.loadTopLevelRoles();
    // The root now trusted (cached, first-use, or the newest after a rotation) must satisfy the pins.
    const pin = this.store.checkPinned();
    await this.preorderDepthFirstWalk('targets');
    await this.persistMetadata();
    return this.result(pin);
  }

  /**
   * §5.1 Record the time, and read what the cache holds: the top-level files and their versions,
   * which the rollback checks of §5.4–5.6 compare against.
   *
   * Offline with `asOfCache`, the reference time is when the cache was written instead of now.
   */
  private async loadLocalMetadata(): Promise<void> {
    const { gun, cache, source, opts } = this;
    this.cachedAtTime = !source && opts.asOfCache ? await cache.cachedAt(gun) : undefined;
    this.now = opts.now ?? this.cachedAtTime ?? new Date();
    this.present = await cache.cachedRoles(gun);
    const [root, timestamp, snapshot, targets] = await Promise.all(['root', 'timestamp', 'snapshot', 'targets'].map((r) => this.readIfCached(r)));
    this.cached = { root, timestamp, snapshot, targets };
    this.previous = {
      timestamp: versionOf(this.cached.timestamp),
      snapshot: versionOf(this.cached.snapshot),
      targets: versionOf(this.cached.targets),
      delegations: {},
    };
  }

  /**
   * §5.2 Load the trusted root: the cached one.
   *
   * Notary: with none cached, the server's root.json is trusted on first use (TUF ships a root with
   * the client instead), its root keys are certificates for the GUN, and it must satisfy the trust
   * pins before anything it signs is fetched. With `fullRootChain`, 1.root.json is taken instead and
   * the chain is walked up from it (checked like a cached root: its certificates may have expired
   * since, often the reason for the rotation; the newest root is checked in full).
   */
  private async loadTrustedRoot(): Promise<void> {
    const { gun, source, opts } = this;
    let rootRaw = this.cached.root;
    this.firstUse = !rootRaw;
    this.fromVersion1 = this.firstUse && !!opts.fullRootChain;
    if (!rootRaw) {
      if (!source) {
        throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `no cached trust data for ${gun}, and offline`);
      }
      try {
        const rootFetch = this.fromVersion1
          ? source.fetchRootVersion(gun, 1, { maxBytes: MAX_ROOT_BYTES })
          : source.fetchRole(gun, 'root', { maxBytes: MAX_ROOT_BYTES });
        // Nothing cached and no pin that could refuse this root: the other top-level files are
        // needed whatever the root says, so they are requested now, behind the root on the same
        // pool, instead of one round trip later. (A pinned repository whose root fails its pin
        // still fetches nothing but the root.)
        if (!this.fromVersion1 && (!opts.pinning || pinFor(opts.pinning, gun).kind === 'tofu')) {
          this.startEarlyFetch('timestamp', MAX_TIMESTAMP_BYTES);
          this.startEarlyFetch('snapshot');
          this.startEarlyFetch('targets');
        }
        rootRaw = await rootFetch;
      } catch (err) {
        if (isTrustDeskError(err, 'METADATA_NOT_FOUND')) {
          throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `${gun} has no trust data on the server`, { cause: err });
        }
        throw err;
      }
    }
    const tofu = this.firstUse && !this.fromVersion1;
    this.store = new TrustedMetadataStore(gun, rootRaw, {
      now: this.now,
      firstUse: tofu,
      previous: this.previous,
      pinning: opts.pinning,
      ...(opts.acceptExpired ? { acceptExpired: opts.acceptExpired } : {}),
    });
    if (tofu) this.store.checkPinned();
    if (this.firstUse) this.fetched.set('root', rootRaw);
  }

  /**
   * §5.3 Update the root role: fetch N+1.root.json, N+2.root.json … up to the newest, each verified
   * by the root before it and by itself, then check the newest has not expired. Returns whether the
   * root changed. Runs at most once per update.
   *
   * Notary: the newest root.json is fetched first to learn the target version (TUF fetches N+1 until
   * a 404), and the walk happens only when needed: on a full-chain check, when snapshot lists a root
   * other than the trusted one, or when a signature check fails in a way a rotation could explain.
   */
  private async loadRoot(): Promise<boolean> {
    const { gun, source, store } = this;
    if (!source || !this.online || this.rootWalked) return false;
    this.rootWalked = true;
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
    this.fetched.set('root', latestRaw);
    return true;
  }

  /**
   * §5.4–5.6 in order. On a failure a root rotation could explain (threshold not met, bad or
   * unknown signature), the roots are walked once and the three steps start again: notary's
   * updateRoot-then-retry.
   */
  private async loadTopLevelRoles(): Promise<void> {
    try {
      await this.loadTopLevelRolesOnce();
    } catch (err) {
      if (isTrustDeskError(err) && ROOT_SENSITIVE_CODES.includes(err.code) && (await this.loadRoot())) {
        await this.loadTopLevelRolesOnce();
      } else {
        throw err;
      }
    }
  }

  /**
   * Timestamp, snapshot, targets. Snapshot and targets are requested by name while the timestamp is
   * in flight (startEarlyFetch). When the verified snapshot lists a root other than the trusted one,
   * the roots are walked and the steps start again from the timestamp.
   */
  private async loadTopLevelRolesOnce(): Promise<void> {
    if (!this.cached.snapshot) this.startEarlyFetch('snapshot');
    if (!this.cached.targets) this.startEarlyFetch('targets');
    await this.loadTimestamp();
    await this.loadSnapshot();
    if (this.store.snapshotNamesOtherRoot() && !this.rootWalked && this.online) {
      if (await this.loadRoot()) return this.loadTopLevelRolesOnce();
    }
    await this.loadTargets();
  }

  /**
   * §5.4 Update the timestamp role: fetch timestamp.json (size-capped, its length is unknown) and
   * verify signatures, rollback and expiry.
   *
   * Notary: the timestamp key is held by the server; when the server cannot be reached (or has no
   * timestamp), the cached timestamp is used with a warning and the rest of the update runs from the
   * cache.
   */
  private async loadTimestamp(): Promise<void> {
    const { gun, source } = this;
    let tsRaw: Buffer | undefined;
    if (source && this.online) {
      try {
        // the early fetch of a first use, once (a retry after a root rotation fetches again)
        const early = await this.speculative.get('timestamp');
        this.speculative.delete('timestamp');
        tsRaw = early ?? (await source.fetchRole(gun, 'timestamp', { maxBytes: MAX_TIMESTAMP_BYTES }));
        this.fetched.set('timestamp', tsRaw);
      } catch (err) {
        if (isTrustDeskError(err) && OFFLINE_CODES.includes(err.code) && this.cached.timestamp) {
          this.warnings.push(
            `Error while downloading remote metadata, using cached timestamp - this might not be the latest version available remotely (${err.message})`,
          );
          this.online = false;
        } else {
          throw err;
        }
      }
    }
    if (!tsRaw) {
      if (!this.cached.timestamp) throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `no cached timestamp for ${gun}`);
      tsRaw = this.cached.timestamp;
    }
    this.store.updateTimestamp(tsRaw);
  }

  /**
   * §5.5 Update the snapshot role: the file whose length and hash the timestamp lists, then its
   * signatures, version, rollback and expiry.
   *
   * Notary: fetched as `snapshot.<sha256>.json`, or taken from the cache or the early fetch when it
   * matches.
   */
  private async loadSnapshot(): Promise<void> {
    this.store.updateSnapshot(await this.download('snapshot', this.store.snapshotMeta(), this.cached.snapshot));
  }

  /**
   * §5.6 Update the targets role: the file whose length and hash the snapshot lists, then its
   * signatures, version, rollback and expiry.
   *
   * Notary: snapshot lists hashes for every role, so targets is fetched by checksum like snapshot.
   */
  private async loadTargets(): Promise<void> {
    const targetsMeta = this.store.roleMeta('targets');
    if (!targetsMeta) throw new TrustDeskError('METADATA_MALFORMED', `snapshot of ${this.gun} does not list targets`);
    this.store.updateTargets(await this.download('targets', targetsMeta, this.cached.targets));
  }

  /**
   * §5.6.7 Pre-order depth-first walk of the delegations below `parent`, in each parent's order.
   *
   * Notary: every delegated role is loaded (not only those on the path to one target), starting from
   * the roles targets.json lists (a role listed but absent from snapshot was never published and is
   * not fetched); a role that is expired or below threshold is skipped with its subtree and a
   * warning, where §5.6.7 would end the search.
   */
  private async preorderDepthFirstWalk(parent: string): Promise<void> {
    const { gun, store } = this;
    const children = store.childDelegations(parent).filter(({ delegation }) => store.roleMeta(delegation.name));
    if (this.delegations.length + this.skipped.length + children.length > MAX_DELEGATIONS) {
      throw new TrustDeskError('DELEGATION_INVALID', `${gun} has more than ${MAX_DELEGATIONS} delegated roles`);
    }
    // The children of one role download together (bounded by the connection pool) and verify in order.
    const downloads = new Map(
      children.map(({ delegation }) => {
        const role = delegation.name;
        const p = this.readCachedDelegation(role).then((c) => this.download(role, store.roleMeta(role)!, c));
        p.catch(() => undefined); // a failure surfaces when this child's turn comes
        return [role, p] as const;
      }),
    );
    for (const { delegation } of children) {
      const role = delegation.name;
      const raw = await downloads.get(role)!;
      try {
        this.delegations.push(store.updateDelegatedTargets(raw, role, parent));
      } catch (err) {
        if (isTrustDeskError(err) && SKIPPABLE_DELEGATION_CODES.includes(err.code)) {
          this.skipped.push({ role, error: err.toValue() });
          this.warnings.push(`Error getting ${role}: ${err.message}`);
          continue;
        }
        throw err;
      }
      await this.preorderDepthFirstWalk(role);
    }
  }

  /**
   * Persist: write to the cache, raw, what came from the server and verified, in the layout docker
   * and notary read.
   *
   * TUF persists each file right after its own step (§5.3–5.6); here the cache changes only once the
   * whole repository has verified, so a failed update leaves the previous cache as it was.
   */
  private async persistMetadata(): Promise<void> {
    if (this.store.expiredAccepted.length > 0) return; // expired data is kept out of the cache
    const verifiedRoles = new Set(['root', 'timestamp', 'snapshot', 'targets', ...this.delegations.map((d) => d.env.role)]);
    await Promise.all([...this.fetched].filter(([role]) => verifiedRoles.has(role)).map(([role, raw]) => this.cache.write(this.gun, role, raw)));
  }

  /** The verified repository, and how its root was accepted. */
  private async result(pin: PinCheckResult): Promise<RepositoryTrust> {
    const { store, online } = this;
    return {
      gun: this.gun,
      root: store.root,
      rootChain: store.rootChain,
      timestamp: store.timestamp!,
      snapshot: store.snapshot!,
      targets: store.targets!,
      delegations: this.delegations,
      skipped: this.skipped,
      warnings: this.warnings,
      source: online ? 'remote' : 'cache',
      cachedAt: online ? undefined : (this.cachedAtTime ?? (await this.cache.cachedAt(this.gun))),
      verifiedAt: this.now,
      pin: {
        kind: pin.match.kind === 'refused' ? 'tofu' : pin.match.kind,
        pattern: pin.match.kind === 'certs' ? pin.match.pattern : pin.match.kind === 'ca' ? pin.match.prefix : undefined,
        caFile: pin.match.kind === 'ca' ? pin.match.ca.file : undefined,
        keyIds: pin.pinnedKeyIds,
      },
      ...(store.expiredAccepted.length ? { expiredAccepted: [...store.expiredAccepted] } : {}),
    };
  }

  /**
   * The bytes of a file whose length and sha256 are known (from timestamp or snapshot): the cached
   * copy if it matches, else the early fetch if it matches, else `<role>.<sha256>.json` from the
   * server, capped at the recorded length.
   */
  private async download(role: string, meta: FileMeta, cachedRaw: Buffer | undefined): Promise<Buffer> {
    const { gun, source } = this;
    if (matches(cachedRaw, meta)) return cachedRaw!;
    const early = await this.speculative.get(role);
    if (early && matches(early, meta)) {
      this.fetched.set(role, early);
      return early;
    }
    if (!source || !this.online) {
      throw new TrustDeskError('CACHE_ERROR', `cached ${role} of ${gun} does not match the cached snapshot and the server is not reachable`);
    }
    try {
      const raw = await source.fetchRole(gun, role, { maxBytes: meta.length, checksumHex: sha256Hex(meta) });
      this.fetched.set(role, raw);
      return raw;
    } catch (err) {
      if (isTrustDeskError(err, 'RESPONSE_TOO_LARGE')) {
        throw new TrustDeskError('LENGTH_MISMATCH', `server sent more than the ${meta.length} bytes recorded for ${role}`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * Starts a fetch of `<role>.json` by name before the hash that names the file is known, so one
   * round trip serves the whole chain. Not part of TUF: the copy is used only if it matches the
   * verified length and hash (download); otherwise the file is fetched by checksum as notary does.
   * Errors are dropped here; the checksum fetch reports its own. The timestamp (always fetched by
   * name) is started early only on a first use, behind the root; loadTimestamp takes it once.
   */
  private startEarlyFetch(role: string, maxBytes = MAX_SPECULATIVE_BYTES): void {
    const { gun, source } = this;
    if (!source || !this.online || this.speculative.has(role)) return;
    this.speculative.set(
      role,
      source.fetchRole(gun, role, { maxBytes }).catch(() => undefined),
    );
  }

  private readIfCached(role: string): Promise<Buffer | undefined> {
    return this.present.has(role) ? this.cache.read(this.gun, role) : Promise.resolve(undefined);
  }

  /** A delegated role's cached bytes, read once; its version joins the rollback baseline. */
  private async readCachedDelegation(role: string): Promise<Buffer | undefined> {
    if (!this.cachedDelegations.has(role)) {
      const raw = await this.readIfCached(role);
      if (raw) this.cachedDelegations.set(role, raw);
      const v = versionOf(raw);
      if (v !== undefined) this.previous.delegations![role] = v;
    }
    return this.cachedDelegations.get(role);
  }
}

/** Verifies one repository against the cache and the server (see RepositoryUpdater). */
export async function updateRepository(opts: UpdateOptions): Promise<RepositoryTrust> {
  return new RepositoryUpdater(opts).refresh();
}
