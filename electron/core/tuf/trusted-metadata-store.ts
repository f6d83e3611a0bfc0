/**
 * The client update workflow as a state machine that only moves forward through verified states.
 *
 * Each method is one step of the TUF client workflow (TUF spec 1.0 §5 "Detailed client workflow"),
 * with the places where Notary v1 differs noted. Nothing here does I/O: the updater
 * (repository-updater.ts) fetches bytes and hands them in; this class decides whether to trust them.
 *
 * Where Notary differs from TUF 1.0:
 * - the first root is trusted on first use (or pinned), and its root keys are x509 certificates
 *   whose CN must equal the GUN (§5.2 has a root shipped with the client instead);
 * - roots are walked with `N.root.json` only when verification fails or snapshot's root hash changes;
 *   Notary does not poll for a newer root on every update (§5.3);
 * - the timestamp is always signed by a server-held key; a version equal to the trusted one is
 *   accepted (Notary compares with `<`, not `<=`);
 * - snapshot, targets and delegations are fetched by checksum (`<role>.<sha256>.json`);
 * - delegations are walked from targets.json, never from snapshot meta (removed delegations stay in
 *   snapshot), and a delegated role that is expired or below threshold is skipped with its subtree
 *   rather than failing the whole update (§5.6.7 would stop the search for that target).
 */
import { TrustDeskError } from '../base/errors.js';
import { parseRoot, checkRootCertificates, type RootEnvelope } from './metadata/root.js';
import { parseTimestamp, type TimestampEnvelope } from './metadata/timestamp.js';
import { parseSnapshot, type SnapshotEnvelope } from './metadata/snapshot.js';
import { parseTargets, delegationsOf, effectivePaths, type TargetsEnvelope, type DelegatedRole } from './metadata/targets.js';
import { verifyThreshold, type Envelope, type RoleKeys } from './metadata/envelope.js';
import type { PublicKeyJson } from './keys.js';
import { checkFileMeta, type FileMeta } from './metadata/file-meta.js';
import { checkPinnedRoot, NO_PINNING, type PinCheckResult, type TrustPinning } from './trust-pinning.js';

export interface VerifiedDelegation {
  env: TargetsEnvelope;
  /** The delegation entry in its parent that granted the keys, threshold and paths. */
  delegation: DelegatedRole;
  parent: string;
  /** Effective path prefixes after restriction by every ancestor. */
  paths: string[];
}

export interface PreviousVersions {
  timestamp?: number;
  snapshot?: number;
  targets?: number;
  delegations?: Record<string, number>;
}

function expiredError(env: Envelope, now: Date): TrustDeskError {
  return new TrustDeskError(
    'METADATA_EXPIRED',
    `${env.role} metadata expired on ${env.expires.toISOString()} (now ${now.toISOString()}): the repository is out of date or frozen`,
  );
}

function checkRollback(env: Envelope, previous: number | undefined): void {
  if (previous !== undefined && env.signed.version < previous) {
    throw new TrustDeskError(
      'ROLLBACK_DETECTED',
      `${env.role} version ${env.signed.version} is older than version ${previous} seen before: possible rollback attack`,
    );
  }
}

export class TrustedMetadataStore {
  readonly gun: string;
  private readonly now: Date;
  private readonly previous: PreviousVersions;
  private readonly pinning: TrustPinning;
  private readonly acceptExpired: (role: string) => boolean;
  /** Roles whose expiry was passed over because `acceptExpired` allowed it (renewal). */
  readonly expiredAccepted: string[] = [];
  private rootEnv: RootEnvelope;
  /** The pin check of the current root, once `checkPinned` ran. */
  pin?: PinCheckResult;
  /** Roots accepted in this update, oldest first (the trusted one, then each rotation). */
  readonly rootChain: RootEnvelope[] = [];
  timestamp?: TimestampEnvelope;
  snapshot?: SnapshotEnvelope;
  targets?: TargetsEnvelope;
  readonly delegations = new Map<string, VerifiedDelegation>();

  /**
   * §5.2 Load the trusted root. `firstUse` = no cached root: Notary trusts it on first use after
   * checking its certificates and its own threshold. A cached root was verified when it was cached;
   * its certificates are still checked, but not their expiry (notary skips it for the trusted root).
   */
  constructor(
    gun: string,
    rootRaw: Buffer,
    opts: { now: Date; firstUse: boolean; previous?: PreviousVersions; pinning?: TrustPinning; acceptExpired?: (role: string) => boolean },
  ) {
    this.gun = gun;
    this.now = opts.now;
    this.previous = opts.previous ?? {};
    this.pinning = opts.pinning ?? NO_PINNING;
    this.acceptExpired = opts.acceptExpired ?? (() => false);
    const root = parseRoot(rootRaw);
    verifyThreshold(root, root.signed.keys, root.signed.roles.root);
    checkRootCertificates(root, gun, this.now, { checkExpiry: opts.firstUse });
    if (opts.firstUse) this.checkExpiry(root);
    this.rootEnv = root;
    this.rootChain.push(root);
  }

  get root(): RootEnvelope {
    return this.rootEnv;
  }

  /**
   * §5.3.4–5.3.8 Update the root to version N+1: it must be signed by a threshold of the trusted root's
   * root keys (the old threshold) and by a threshold of its own root keys, and its version must be
   * exactly one more. Checking expiry is left to `checkRootFresh` once the newest root is reached
   * (§5.3.10), as in TUF.
   */
  updateRoot(raw: Buffer): RootEnvelope {
    const next = parseRoot(raw);
    const current = this.rootEnv;
    if (next.signed.version !== current.signed.version + 1) {
      throw new TrustDeskError(
        next.signed.version <= current.signed.version ? 'ROLLBACK_DETECTED' : 'ROOT_ROTATION_INVALID',
        `root version ${next.signed.version} cannot follow trusted root version ${current.signed.version}`,
      );
    }
    try {
      verifyThreshold(next, current.signed.keys, current.signed.roles.root);
    } catch (err) {
      throw new TrustDeskError(
        'ROOT_ROTATION_INVALID',
        `new root version ${next.signed.version} of ${this.gun} is not signed by the trusted root's keys: ${(err as Error).message}`,
        { cause: err },
      );
    }
    try {
      verifyThreshold(next, next.signed.keys, next.signed.roles.root);
    } catch (err) {
      throw new TrustDeskError(
        'ROOT_ROTATION_INVALID',
        `new root version ${next.signed.version} of ${this.gun} is not signed by its own root keys: ${(err as Error).message}`,
        { cause: err },
      );
    }
    checkRootCertificates(next, this.gun, this.now);
    this.rootEnv = next;
    this.rootChain.push(next);
    // §5.3.11: a rotated root invalidates what was verified with the old keys.
    this.timestamp = undefined;
    this.snapshot = undefined;
    this.targets = undefined;
    this.delegations.clear();
    return next;
  }

  /** The checks every non-root role passes, in TUF's order: signatures, rollback, expiry (freeze). */
  private accept<E extends Envelope>(env: E, keys: Record<string, PublicKeyJson>, role: RoleKeys, previousVersion: number | undefined): E {
    verifyThreshold(env, keys, role);
    checkRollback(env, previousVersion);
    this.checkExpiry(env);
    return env;
  }

  /**
   * Freeze attack check: an expired role is refused, unless the caller accepts the expiry of that
   * role (renewal re-signs expired roles; everything else about them is still verified).
   */
  private checkExpiry(env: Envelope): void {
    if (env.expires >= this.now) return;
    if (!this.acceptExpired(env.role)) throw expiredError(env, this.now);
    if (!this.expiredAccepted.includes(env.role)) this.expiredAccepted.push(env.role);
  }

  /**
   * Trust pinning (trust-pinning.ts) of the current root: a certs pin, a CA pin, or TOFU unless
   * disable_tofu. Notary consults pins only for a first-use root; the updater calls this for the
   * first-use root and again for the root it ends up trusting (cached, or the newest after a
   * rotation), which is stricter: a rotation to keys the pin does not list is refused.
   */
  checkPinned(): PinCheckResult {
    this.pin = checkPinnedRoot(this.rootEnv, this.gun, this.pinning, this.now);
    return this.pin;
  }

  /** §5.3.10 The newest root must not have expired (freeze attack). */
  checkRootFresh(): void {
    this.checkExpiry(this.rootEnv);
  }

  /**
   * §5.4 Timestamp: signed by the root's timestamp keys (server-held in Notary), no older than the
   * cached one (rollback), not expired (freeze).
   */
  updateTimestamp(raw: Buffer): TimestampEnvelope {
    this.timestamp = this.accept(parseTimestamp(raw), this.rootEnv.signed.keys, this.rootEnv.signed.roles.timestamp, this.previous.timestamp);
    return this.timestamp;
  }

  /** The hash and length the verified timestamp records for the snapshot. */
  snapshotMeta(): FileMeta {
    if (!this.timestamp) throw new TrustDeskError('INTERNAL', 'snapshot requested before timestamp was verified');
    return this.timestamp.signed.meta.snapshot;
  }

  /**
   * §5.5 Snapshot: hashes and length from the timestamp (mix-and-match), the root's snapshot keys
   * (client- or server-held), no rollback, not expired.
   */
  updateSnapshot(raw: Buffer): SnapshotEnvelope {
    checkFileMeta('snapshot', raw, this.snapshotMeta(), 'timestamp');
    this.snapshot = this.accept(parseSnapshot(raw), this.rootEnv.signed.keys, this.rootEnv.signed.roles.snapshot, this.previous.snapshot);
    return this.snapshot;
  }

  /** Whether the snapshot records a root other than the trusted one (a rotation to walk to). */
  snapshotNamesOtherRoot(): boolean {
    const meta = this.snapshot?.signed.meta.root;
    if (!meta) return false;
    try {
      checkFileMeta('root', this.rootEnv.raw, meta, 'snapshot');
      return false;
    } catch {
      return true;
    }
  }

  /** Hash and length the verified snapshot records for a role, if it lists it. */
  roleMeta(role: string): FileMeta | undefined {
    if (!this.snapshot) throw new TrustDeskError('INTERNAL', `${role} requested before snapshot was verified`);
    return this.snapshot.signed.meta[role];
  }

  /** §5.6 Targets: hashes from snapshot, the root's targets keys, no rollback, not expired. */
  updateTargets(raw: Buffer): TargetsEnvelope {
    const meta = this.roleMeta('targets');
    if (!meta) throw new TrustDeskError('METADATA_MALFORMED', 'snapshot does not list targets');
    checkFileMeta('targets', raw, meta, 'snapshot');
    this.targets = this.accept(parseTargets('targets', raw), this.rootEnv.signed.keys, this.rootEnv.signed.roles.targets, this.previous.targets);
    return this.targets;
  }

  /** The delegations a verified role hands out, in metadata order, with their parent's paths. */
  childDelegations(parent: string): { delegation: DelegatedRole; parentPaths: string[] | undefined }[] {
    const env = parent === 'targets' ? this.targets : this.delegations.get(parent)?.env;
    if (!env) return [];
    const parentPaths = parent === 'targets' ? undefined : this.delegations.get(parent)!.paths;
    return delegationsOf(env).roles.map((delegation) => ({ delegation, parentPaths }));
  }

  /**
   * §5.6.7 A delegated role: listed by a verified parent, hashes from snapshot, a threshold of the
   * keys the parent delegated, no rollback, not expired. Its effective paths are restricted by the
   * parent's.
   */
  updateDelegatedTargets(raw: Buffer, role: string, parent: string): VerifiedDelegation {
    const parentEnv = parent === 'targets' ? this.targets : this.delegations.get(parent)?.env;
    if (!parentEnv) throw new TrustDeskError('INTERNAL', `${role} requested before its parent ${parent} was verified`);
    const { keys, roles } = delegationsOf(parentEnv);
    const delegation = roles.find((r) => r.name === role);
    if (!delegation) throw new TrustDeskError('DELEGATION_INVALID', `${parent} does not delegate to ${role}`);
    const meta = this.roleMeta(role);
    if (!meta) throw new TrustDeskError('METADATA_NOT_FOUND', `snapshot does not list ${role}`);
    checkFileMeta(role, raw, meta, 'snapshot');
    const env = this.accept(parseTargets(role, raw), keys, delegation, this.previous.delegations?.[role]);
    const parentPaths = parent === 'targets' ? undefined : this.delegations.get(parent)!.paths;
    const verified: VerifiedDelegation = { env, delegation, parent, paths: effectivePaths(delegation.paths, parentPaths) };
    this.delegations.set(role, verified);
    return verified;
  }
}
