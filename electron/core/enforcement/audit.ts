/**
 * `trustdesk audit`: would each image pull under the engine's content-trust policy (daemon-policy.ts),
 * and why not. The trust data is verified exactly as `verify` does it (same session, same tag and
 * digest rules from use-cases/verify.ts); the policy then decides: the root pin (canonical IDs, the
 * longest glob), the tag or digest, expired cached metadata with the server down, and the mode.
 *
 * Reasons (one per image, the first that applies, in the order the engine checks them):
 *   ok                      verified and pinned as the policy requires
 *   trust-disabled          mode "disabled": nothing is checked
 *   invalid-reference       not an image reference
 *   no-trust-server         the trust server could not be reached and nothing usable is cached
 *   unsigned                the repository has no trust data (tuf/verdicts.ts isNoTrustData: the rule
 *                           of use-cases/repository/repository-state.ts)
 *   expired                 the trust data has expired (on the server, or cached with the server down
 *                           and allow-expired-trust-cache not set)
 *   expired-cache-allowed   cached trust data has expired, the server is down (or has no trust data
 *                           for the repository), and allow-expired-trust-cache is set: accepted
 *   invalid-trust-data      the trust data does not verify (signature, rollback, malformed…)
 *   not-pinned              no root-keys glob matches (and not an official image with official-images)
 *   pinned-key-mismatch     the longest matching glob lists none of the root's canonical key IDs
 *   tag-not-signed          the tag is not signed (in targets/releases or targets: a tag's signed
 *                           digest is the one docker pulls, targets/releases first; tuf/verdicts.ts)
 *   digest-mismatch         the registry serves other bytes under the tag, or a NAME@DIGEST is not signed
 *   not-in-registry         the tag is signed but the registry does not have it
 *   registry-unreachable    the registry could not be reached, so the digest is unknown
 * `enforced`: anything but ok / trust-disabled / expired-cache-allowed fails; `permissive`: the same
 * is reported as a warning and the image still pulls.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDeskError, isTrustDeskError, toErrorValue, type ErrorValue } from '../base/errors.js';
import { TrustSession, type SessionOptions } from '../session/trust-session.js';
import { canonicalKeyId } from '../tuf/keys.js';
import { parseReference, type ParsedReference } from '../base/reference.js';
import type { RepositoryTrust } from '../tuf/repository-updater.js';
import { repositoryStatus, expiredSince, isNoTrustData, type RegistryTag } from '../tuf/verdicts.js';
import { outcomeOfCode, verifyStatus } from '../tuf/verification.js';
import { pinRuleFor, type DaemonPolicy, type PinRule, type TrustMode } from './daemon-policy.js';
import type { ImageOccurrence } from './image-sources.js';

export type AuditReason =
  | 'ok'
  | 'trust-disabled'
  | 'invalid-reference'
  | 'no-trust-server'
  | 'unsigned'
  | 'expired'
  | 'expired-cache-allowed'
  | 'invalid-trust-data'
  | 'not-pinned'
  | 'pinned-key-mismatch'
  | 'tag-not-signed'
  | 'digest-mismatch'
  | 'not-in-registry'
  | 'registry-unreachable';

export const PASSING_REASONS: AuditReason[] = ['ok', 'trust-disabled', 'expired-cache-allowed'];

/** pass: would pull; fail: refused (enforced); warn: would be refused, but the mode is permissive; off: disabled. */
export type AuditVerdict = 'pass' | 'fail' | 'warn' | 'off';

export interface RootKeyIds {
  /** The ID the engine's root-keys compare: the bare public key's (`notary key list`). */
  canonicalId: string;
  /** The per-repository ID of the root certificate (root.json, `docker trust inspect`). */
  certificateId: string;
}

export interface ImageAudit {
  /** The reference as written in the source. */
  image: string;
  locations: string[];
  gun?: string;
  /** The tag checked (`latest` when none is written), unless pulled by digest only. */
  tag?: string;
  digest?: string;
  pulls: boolean;
  verdict: AuditVerdict;
  reason: AuditReason;
  /** Why, in words. */
  detail: string;
  /** How the policy pins this repository's root. */
  pin: { kind: PinRule['kind']; glob?: string; keyIds?: string[] };
  /** The repository's current root keys (to pin it in one click), when its trust data was read. */
  rootKeys?: RootKeyIds[];
  signedDigest?: string;
  registryDigest?: string;
  signers?: string[];
  /** `cache`: the trust server was not reached. */
  trustSource?: 'remote' | 'cache';
  expiredSince?: { role: string; expires: string }[];
  error?: ErrorValue;
}

export interface AuditSummary {
  mode: TrustMode;
  images: number;
  pass: number;
  fail: number;
  warn: number;
  off: number;
  byReason: Partial<Record<AuditReason, number>>;
}

export interface AuditReport {
  mode: TrustMode;
  /** Exit code: 1 when anything fails under `enforced`, else 0. */
  exitCode: number;
  summary: AuditSummary;
  images: ImageAudit[];
}

/** What the audit needs from the outside world (a TrustSession pair in practice; fakes in tests). */
export interface AuditDeps {
  /** Verify online (falling back to a valid cache when the server is down, as docker does). */
  loadTrust(ref: ParsedReference): Promise<RepositoryTrust>;
  /** Verify the cache as of the time it was written (no network). */
  loadCachedTrust(ref: ParsedReference): Promise<RepositoryTrust>;
  /** True when the trust server answers at all (any HTTP answer). */
  trustServerReachable(ref: ParsedReference): Promise<boolean>;
  registryTags(ref: ParsedReference): Promise<RegistryTag[]>;
  now(): Date;
  /** Offline: the registry is not read, signatures alone are judged (as `verify --offline`). */
  registryOffline?: boolean;
}

type TrustResult =
  | { ok: true; trust: RepositoryTrust; expiredCache?: { role: string; expires: string }[] }
  | { ok: false; reason: AuditReason; detail: string; error?: ErrorValue; expired?: { role: string; expires: string }[] };

function memo<T>(map: Map<string, Promise<T>>, key: string, f: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = f();
    map.set(key, p);
  }
  return p;
}

function short(id: string): string {
  return id.slice(0, 12);
}

/** The root role's keys with both IDs (notary-metadata.md §4: two IDs per root key). */
export function rootKeyIds(trust: RepositoryTrust): RootKeyIds[] {
  const root = trust.root.signed;
  return root.roles.root.keyids.map((id) => ({ certificateId: id, canonicalId: canonicalKeyId(root.keys[id]!) }));
}

async function loadTrustResult(ref: ParsedReference, policy: DaemonPolicy, deps: AuditDeps): Promise<TrustResult> {
  try {
    return { ok: true, trust: await deps.loadTrust(ref) };
  } catch (err) {
    const e = toErrorValue(err);
    if (isNoTrustData(err)) return { ok: false, reason: 'unsigned', detail: `${ref.gun} has no trust data`, error: e };
    if (e.code === 'METADATA_EXPIRED') {
      // Expired: on the server, or only in the cache because the server could not be reached?
      if (await deps.trustServerReachable(ref).catch(() => false)) {
        return { ok: false, reason: 'expired', detail: `the trust server's metadata has expired (${e.message})`, error: e };
      }
      let cached: RepositoryTrust;
      try {
        cached = await deps.loadCachedTrust(ref);
      } catch (err2) {
        const e2 = toErrorValue(err2);
        return { ok: false, reason: 'invalid-trust-data', detail: `the cached trust data does not verify (${e2.code}: ${e2.message})`, error: e2 };
      }
      const roles = expiredRoles(cached, deps.now());
      const when = roles[0] ? ` since ${roles[0].expires} (${roles.map((r) => r.role).join(', ')})` : '';
      if (policy.allowExpiredTrustCache) return { ok: true, trust: cached, expiredCache: roles };
      return {
        ok: false,
        reason: 'expired',
        detail: `the trust server is unreachable and the cached trust data has expired${when}; allow-expired-trust-cache is not set`,
        error: e,
        expired: roles,
      };
    }
    if (outcomeOfCode(e.code) === 'unreachable')
      return {
        ok: false,
        reason: 'no-trust-server',
        detail: `the trust server could not be reached and nothing is cached (${e.code}: ${e.message})`,
        error: e,
      };
    return { ok: false, reason: 'invalid-trust-data', detail: `${e.code}: ${e.message}`, error: e };
  }
}

function expiredRoles(trust: RepositoryTrust, now: Date): { role: string; expires: string }[] {
  const roles = [trust.root, trust.timestamp, trust.snapshot, trust.targets, ...trust.delegations.map((d) => d.env)].map((env) => ({
    role: env.role,
    expires: new Date(env.signed.expires).toISOString(),
  }));
  return expiredSince(roles, now);
}

function pinCheck(rule: PinRule, gun: string, keys: RootKeyIds[]): { ok: boolean; reason?: AuditReason; detail: string } {
  const canonical = keys.map((k) => k.canonicalId);
  switch (rule.kind) {
    case 'tofu':
      return { ok: true, detail: 'root trusted on first use (no policy file: as DOCKER_CONTENT_TRUST=1)' };
    case 'official':
      return { ok: true, detail: "official image: the engine checks it against Docker's own root keys (TrustDesk verified it on first use)" };
    case 'none':
      return {
        ok: false,
        reason: 'not-pinned',
        detail: `no root-keys glob matches ${gun}; its root key is ${canonical.join(', ')} (canonical ID)`,
      };
    case 'root-keys': {
      const pinned = rule.rule.keyIds;
      if (canonical.some((id) => pinned.includes(id))) return { ok: true, detail: `root pinned by "${rule.rule.glob}"` };
      const cert = keys.find((k) => pinned.includes(k.certificateId));
      if (cert) {
        return {
          ok: false,
          reason: 'pinned-key-mismatch',
          detail: `"${rule.rule.glob}" lists ${short(cert.certificateId)}…, the root certificate's ID for ${gun}; the engine compares canonical IDs: use ${cert.canonicalId}`,
        };
      }
      return {
        ok: false,
        reason: 'pinned-key-mismatch',
        detail: `"${rule.rule.glob}" pins ${pinned.map(short).join(', ')}…, but the root key of ${gun} is ${canonical.join(', ')}`,
      };
    }
  }
}

/** Audits one image against the policy (trust and registry results shared per repository). */
async function auditOne(
  occ: { image: string; locations: string[] },
  policy: DaemonPolicy,
  deps: AuditDeps,
  trustMemo: Map<string, Promise<TrustResult>>,
  tagsMemo: Map<string, Promise<RegistryTag[] | ErrorValue>>,
): Promise<ImageAudit> {
  const base = { image: occ.image, locations: occ.locations };
  const decide = (a: Omit<ImageAudit, 'pulls' | 'verdict' | 'image' | 'locations'>): ImageAudit => {
    const passing = PASSING_REASONS.includes(a.reason);
    const verdict: AuditVerdict = a.reason === 'trust-disabled' ? 'off' : passing ? 'pass' : policy.mode === 'enforced' ? 'fail' : 'warn';
    // an invalid reference never pulls, whatever the mode
    return { ...base, ...a, verdict, pulls: verdict !== 'fail' && a.reason !== 'invalid-reference' };
  };
  let ref: ParsedReference;
  try {
    ref = parseReference(occ.image);
  } catch (err) {
    return decide({ reason: 'invalid-reference', detail: toErrorValue(err).message, pin: { kind: 'none' }, error: toErrorValue(err) });
  }
  const tag = ref.digest ? ref.tag : (ref.tag ?? 'latest');
  const where = { gun: ref.gun, tag, ...(ref.digest ? { digest: ref.digest } : {}) };
  const rule = pinRuleFor(policy, ref.gun);
  const pin = { kind: rule.kind, ...(rule.kind === 'root-keys' ? { glob: rule.rule.glob, keyIds: rule.rule.keyIds } : {}) };
  if (policy.mode === 'disabled')
    return decide({ ...where, reason: 'trust-disabled', detail: 'content trust is disabled: the engine pulls anything', pin });

  const tr = await memo(trustMemo, ref.gun, () => loadTrustResult(ref, policy, deps));
  if (!tr.ok)
    return decide({ ...where, reason: tr.reason, detail: tr.detail, pin, error: tr.error, ...(tr.expired ? { expiredSince: tr.expired } : {}) });
  const trust = tr.trust;
  const keys = rootKeyIds(trust);
  const common = { ...where, pin, rootKeys: keys, trustSource: trust.source, ...(tr.expiredCache ? { expiredSince: tr.expiredCache } : {}) };
  const p = pinCheck(rule, ref.gun, keys);
  if (!p.ok) return decide({ ...common, reason: p.reason!, detail: p.detail });

  // The tag or digest, by the verify rules.
  const checkedRef: ParsedReference = { ...ref, ...(tag ? { tag } : {}) };
  let registryTags: RegistryTag[] = [];
  const registryChecked = !ref.digest && !deps.registryOffline;
  if (registryChecked) {
    const t = await memo(tagsMemo, ref.gun, () => deps.registryTags(ref).catch((err) => toErrorValue(err)));
    if (!Array.isArray(t))
      return decide({ ...common, reason: 'registry-unreachable', detail: `the registry could not be read (${t.code}: ${t.message})`, error: t });
    registryTags = t;
  }
  const status = repositoryStatus(occ.image, trust, registryTags, deps.now());
  const v = verifyStatus(occ.image, checkedRef, status, { registryChecked });
  const t = v.tags[0];
  const facts = { signedDigest: t?.signedDigest, registryDigest: t?.registryDigest, signers: t?.signers };
  const cacheNote = tr.expiredCache
    ? `; the trust server is unreachable and the cached trust data expired${tr.expiredCache[0] ? ` on ${tr.expiredCache[0].expires}` : ''} (allow-expired-trust-cache)`
    : trust.source === 'cache'
      ? '; the trust server is unreachable: cached trust data, still valid'
      : '';
  if (v.outcome === 'ok') {
    const signedBy = t?.signers.length ? `, signed by ${t.signers.join(', ')}` : '';
    return decide({ ...common, ...facts, reason: tr.expiredCache ? 'expired-cache-allowed' : 'ok', detail: `${p.detail}${signedBy}${cacheNote}` });
  }
  if (v.outcome === 'unreachable')
    return decide({
      ...common,
      ...facts,
      reason: 'registry-unreachable',
      detail: v.error?.message ?? 'the registry could not be read',
      error: v.error,
    });
  let reason: AuditReason = 'tag-not-signed';
  if (ref.digest) reason = 'digest-mismatch';
  else if (t?.verdict === 'digest-mismatch') reason = 'digest-mismatch';
  else if (t?.verdict === 'signed-not-in-registry') reason = 'not-in-registry';
  return decide({ ...common, ...facts, reason, detail: `${t?.problem ?? v.error?.message ?? 'not signed'}${cacheNote}` });
}

/** Audits every image (the same reference from several places is checked once, all places listed). */
export async function auditImages(occurrences: ImageOccurrence[], policy: DaemonPolicy, deps: AuditDeps): Promise<AuditReport> {
  const grouped = new Map<string, string[]>();
  for (const o of occurrences) grouped.set(o.image, [...(grouped.get(o.image) ?? []), o.location]);
  const trustMemo = new Map<string, Promise<TrustResult>>();
  const tagsMemo = new Map<string, Promise<RegistryTag[] | ErrorValue>>();
  const images = await Promise.all([...grouped].map(([image, locations]) => auditOne({ image, locations }, policy, deps, trustMemo, tagsMemo)));
  const summary: AuditSummary = { mode: policy.mode, images: images.length, pass: 0, fail: 0, warn: 0, off: 0, byReason: {} };
  for (const i of images) {
    summary[i.verdict]++;
    summary.byReason[i.reason] = (summary.byReason[i.reason] ?? 0) + 1;
  }
  return { mode: policy.mode, exitCode: summary.fail > 0 ? 1 : 0, summary, images };
}

/**
 * The audit's view of the world through TrustSessions: the user's docker config and trust cache (the
 * cache the engine would also have warmed), but none of TrustDesk's own pins: the policy pins.
 */
export function sessionAuditDeps(opts: SessionOptions): { deps: AuditDeps; close(): void } {
  const sessionOpts: SessionOptions = { ...opts, pinsFile: opts.pinsFile ?? NO_PINS_FILE, trustPinningFile: undefined, pinning: undefined };
  const online = new TrustSession({ ...sessionOpts, offline: false });
  // The cache verified as of the time it was written (then compared with the clock), and, --offline,
  // the cache verified against the clock as the engine would.
  const cached = new TrustSession({ ...sessionOpts, offline: true, now: undefined });
  const clock = (): Date => (typeof opts.now === 'function' ? opts.now() : (opts.now ?? new Date()));
  const cacheNow = new TrustSession({ ...sessionOpts, offline: true, now: clock });
  const deps: AuditDeps = {
    loadTrust: (ref) => (opts.offline ? cacheNow.loadTrust(ref) : online.loadTrust(ref)),
    loadCachedTrust: (ref) => cached.loadTrust(ref),
    trustServerReachable: async (ref) => {
      if (opts.offline) return false;
      try {
        const source = await online.notarySource(ref);
        await source.fetchRole(ref.gun, 'timestamp', { maxBytes: 1024 * 1024 });
        return true;
      } catch (err) {
        return answeredAtAll(err);
      }
    },
    registryTags: (ref) =>
      opts.offline ? Promise.reject(new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the registry is not contacted')) : online.registryTags(ref),
    now: clock,
    ...(opts.offline ? { registryOffline: true } : {}),
  };
  return {
    deps,
    close: () => {
      online.close();
      cached.close();
      cacheNow.close();
    },
  };
}

/** A pins file that never exists: the audit judges roots by the policy only. */
const NO_PINS_FILE = join(tmpdir(), 'trustdesk-audit-no-pins', 'none.json');

/**
 * Does this probe error mean the trust server can serve the repository's trust data? A failed
 * connection does not, and neither does a server without trust data for it (404): the documentation
 * of allow-expired-trust-cache names both cases ("unreachable or does not have image trust metadata").
 */
export function answeredAtAll(err: unknown): boolean {
  if (!isTrustDeskError(err)) return false;
  return !['NETWORK_UNREACHABLE', 'NETWORK_TIMEOUT', 'TLS_ERROR', 'METADATA_NOT_FOUND'].includes(err.code);
}
