/**
 * `trustdesk verify`: a yes/no answer per NAME[:TAG] for CI, from the same verified view as
 * `status` (online, the offline cache, or a trust archive), with an outcome that maps to an exit code:
 *
 *   ok           0  every checked tag is signed and the registry serves the signed digest
 *   failed       1  a tag is unsigned, its digest differs from the signed one, the named tag is
 *                   not in the registry, it is not signed by --signer, or the repository has no
 *                   signed tags
 *   usage        2  bad arguments or configuration (also an http:// trust server, a bad pins file)
 *   invalid      3  the trust data is invalid or refused: signature, threshold, root certificate,
 *                   trust pin, rollback, expiry, hash/length, malformed, corrupt archive
 *   unreachable  4  the trust server or the registry could not be reached (or only stale cached
 *                   trust data was available), so nothing could be decided
 * Several arguments: the highest code wins. Internal errors exit 70.
 */
import { TrustDeskError, toErrorValue, type ErrorCode, type ErrorValue } from '../base/errors.js';
import type { ParsedReference } from '../base/reference.js';
import type { PinSummary, RepositoryTrust } from './repository-updater.js';
import { repositoryStatus, type RegistryTag, type RepositoryStatus, type TagStatus } from './verdicts.js';

export type VerifyOutcome = 'ok' | 'failed' | 'usage' | 'invalid' | 'unreachable' | 'internal';

export const VERIFY_EXIT_CODES: Record<VerifyOutcome, number> = { ok: 0, failed: 1, usage: 2, invalid: 3, unreachable: 4, internal: 70 };

export interface VerifyOptions {
  /** Without a TAG: every registry tag must be signed (else only signed tags are checked). */
  requireSigned?: boolean;
  /** Every checked tag must be signed by this signer (delegation name, e.g. `alice`). */
  signer?: string;
  /** The registry was not consulted (offline): a signature alone counts, digests are not compared. */
  registryChecked?: boolean;
}

export interface TagVerification {
  tag: string;
  ok: boolean;
  verdict: TagStatus['verdict'] | 'absent';
  /** Why it failed, in words. */
  problem?: string;
  /** Something worth knowing that does not fail the tag (e.g. signed, but no longer in the registry). */
  note?: string;
  signers: string[];
  signedDigest?: string;
  registryDigest?: string;
  size?: number;
}

export interface RepositoryVerification {
  /** The argument as typed. */
  name: string;
  gun: string;
  tag?: string;
  outcome: VerifyOutcome;
  exitCode: number;
  error?: ErrorValue;
  tags: TagVerification[];
  source?: 'remote' | 'cache' | 'archive';
  /** The clock the trust data was verified against ("valid as of"). */
  verifiedAt?: string;
  /** Roles valid then but expired by now. */
  expiredSince?: { role: string; expires: string }[];
  pin?: PinSummary;
  warnings: string[];
}

const UNREACHABLE: ErrorCode[] = [
  'NETWORK_UNREACHABLE',
  'NETWORK_TIMEOUT',
  'TLS_ERROR',
  'HTTP_ERROR',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'TOO_MANY_REDIRECTS',
  'REGISTRY_ERROR',
];
const USAGE: ErrorCode[] = ['INVALID_REFERENCE', 'INVALID_ARGUMENT', 'INSECURE_URL', 'CONFIG_INVALID'];
const FAILED: ErrorCode[] = ['REPOSITORY_NOT_SIGNED', 'REGISTRY_NAME_UNKNOWN', 'MANIFEST_UNKNOWN'];

/** Which outcome an error means for the gate. */
export function outcomeOfError(err: unknown): VerifyOutcome {
  return outcomeOfCode(toErrorValue(err).code);
}

export function outcomeOfCode(code: ErrorCode): VerifyOutcome {
  if (code === 'INTERNAL') return 'internal';
  if (UNREACHABLE.includes(code)) return 'unreachable';
  if (USAGE.includes(code)) return 'usage';
  if (FAILED.includes(code)) return 'failed';
  return 'invalid';
}

function failure(name: string, gun: string, tag: string | undefined, err: unknown): RepositoryVerification {
  const outcome = outcomeOfError(err);
  return { name, gun, tag, outcome, exitCode: VERIFY_EXIT_CODES[outcome], error: toErrorValue(err), tags: [], warnings: [] };
}

/** `explicit`: the tag was named (NAME:TAG); else it is one of a repository's signed tags. */
function checkTag(t: TagStatus, opts: VerifyOptions, explicit: boolean): TagVerification {
  const base = { tag: t.tag, verdict: t.verdict, signers: t.signers, signedDigest: t.signedDigest, registryDigest: t.registryDigest, size: t.size };
  const registryChecked = opts.registryChecked ?? true;
  let problem: string | undefined;
  let note: string | undefined;
  if (t.registryError && t.verdict !== 'unsigned') {
    return { ...base, ok: false, problem: `the registry did not serve its manifest (${t.registryError.code}: ${t.registryError.message})` };
  }
  switch (t.verdict) {
    case 'unsigned':
      problem = 'not signed';
      break;
    case 'digest-mismatch':
      problem = `the registry serves ${t.registryDigest}, the signature is for ${t.signedDigest}`;
      break;
    case 'signed-not-in-registry':
      // Named explicitly, a tag the registry does not have cannot be deployed: a failure. As one of
      // a repository's tags it is nothing wrong with what the registry serves: reported only.
      if (registryChecked && explicit) problem = 'signed, but the registry has no such tag';
      else if (registryChecked) note = 'signed, but no longer in the registry';
      break;
    case 'signed':
      break;
  }
  if (!problem && opts.signer && !t.signers.includes(opts.signer)) {
    problem = `not signed by ${opts.signer} (signed by ${t.signers.join(', ') || 'nobody'})`;
  }
  return { ...base, ok: !problem, ...(problem ? { problem } : {}), ...(note && !problem ? { note } : {}) };
}

/**
 * The gate's decision for one argument from a verified status. With a TAG, that tag must pass;
 * without, every signed tag must pass, and with --require-signed every registry tag too.
 */
export function verifyStatus(
  name: string,
  ref: ParsedReference,
  status: RepositoryStatus,
  opts: VerifyOptions,
  extra: { source?: RepositoryVerification['source'] } = {},
): RepositoryVerification {
  const warnings = [...status.warnings];
  let tags: TagVerification[];
  const tagErrors: ErrorValue[] = [];
  if (ref.digest) return verifyDigest(name, ref, status, opts);
  // The tags this argument checks: the one named, else every signed tag (every tag with --require-signed).
  const considered = ref.tag
    ? status.tags.filter((t) => t.tag === ref.tag)
    : status.tags.filter((t) => opts.requireSigned || t.verdict !== 'unsigned');
  for (const t of considered) if (t.registryError) tagErrors.push(t.registryError);
  const absent = opts.registryChecked === false ? 'not signed' : 'neither signed nor in the registry';
  tags = considered.map((t) => checkTag(t, opts, !!ref.tag));
  if (ref.tag && tags.length === 0) tags = [{ tag: ref.tag, ok: false, verdict: 'absent', problem: absent, signers: [] }];
  const base = {
    name,
    gun: ref.gun,
    tag: ref.tag,
    tags,
    source: extra.source ?? status.source,
    verifiedAt: status.verifiedAt,
    expiredSince: status.expiredSince,
    pin: status.pin,
    warnings,
  };
  // A registry failure for a checked tag means its digest is unknown: nothing can be decided.
  const unreachable = tagErrors.find((e) => outcomeOfCode(e.code) === 'unreachable');
  if (unreachable) return { ...base, outcome: 'unreachable', exitCode: 4, error: unreachable };
  const signedCount = status.counts.signed + status.counts['digest-mismatch'] + status.counts['signed-not-in-registry'];
  if (!ref.tag && signedCount === 0) {
    return { ...base, outcome: 'failed', exitCode: 1, error: { code: 'REPOSITORY_NOT_SIGNED', message: `${name} has no signed tags` } };
  }
  const outcome: VerifyOutcome = tags.every((t) => t.ok) ? 'ok' : 'failed';
  return { ...base, outcome, exitCode: VERIFY_EXIT_CODES[outcome] };
}

/**
 * NAME@DIGEST or NAME:TAG@DIGEST: the digest itself must be signed (as that tag, if given) in a
 * released role, by --signer if given. The registry is not consulted: what is deployed by digest is
 * what was signed, whatever a tag points to now.
 */
function verifyDigest(name: string, ref: ParsedReference, status: RepositoryStatus, opts: VerifyOptions): RepositoryVerification {
  const digest = ref.digest!;
  const matching = status.tags.filter((t) => t.signedDigest === digest && (!ref.tag || t.tag === ref.tag));
  const tags: TagVerification[] = matching.map((t) => {
    const base = { tag: t.tag, verdict: t.verdict, signers: t.signers, signedDigest: t.signedDigest, registryDigest: t.registryDigest, size: t.size };
    const problem =
      opts.signer && !t.signers.includes(opts.signer) ? `not signed by ${opts.signer} (signed by ${t.signers.join(', ') || 'nobody'})` : undefined;
    return { ...base, ok: !problem, ...(problem ? { problem } : {}) };
  });
  if (tags.length === 0) {
    tags.push({
      tag: ref.tag ?? '',
      ok: false,
      verdict: 'absent',
      problem: `${digest} is not signed${ref.tag ? ` as ${ref.tag}` : ''}`,
      signers: [],
    });
  }
  const outcome: VerifyOutcome = tags.some((t) => t.ok) ? 'ok' : 'failed';
  return {
    name,
    gun: ref.gun,
    tag: ref.tag,
    outcome,
    exitCode: VERIFY_EXIT_CODES[outcome],
    tags,
    source: status.source,
    verifiedAt: status.verifiedAt,
    expiredSince: status.expiredSince,
    pin: status.pin,
    warnings: [...status.warnings],
  };
}

export interface VerifySubject {
  input: string;
  ref: ParsedReference;
}

/**
 * Verifies one argument given a way to load its trust and registry tags (online session, offline
 * cache, or an archive); every error becomes an outcome, nothing is thrown.
 */
export async function verifyOne(
  subject: VerifySubject,
  load: () => Promise<{
    trust?: RepositoryTrust;
    registryTags: RegistryTag[];
    source?: RepositoryVerification['source'];
    staleIsUnreachable?: boolean;
  }>,
  opts: VerifyOptions,
  now: Date = new Date(),
): Promise<RepositoryVerification> {
  const { input, ref } = subject;
  try {
    const { trust, registryTags, source, staleIsUnreachable } = await load();
    if (staleIsUnreachable && trust && trust.source === 'cache') {
      return failure(
        input,
        ref.gun,
        ref.tag,
        new TrustDeskError(
          'NETWORK_UNREACHABLE',
          `the trust server did not answer; only cached trust data was available (${trust.warnings.join('; ')}). Use --offline to verify the cache deliberately.`,
        ),
      );
    }
    const status = repositoryStatus(input, trust, registryTags, now);
    if (!trust) status.warnings.push(`${input} has no trust data`);
    return verifyStatus(input, ref, status, opts, { source });
  } catch (err) {
    return failure(input, ref.gun, ref.tag, err);
  }
}

/** The exit code for several arguments: the highest wins. */
export function verifyExitCode(results: RepositoryVerification[]): number {
  return results.reduce((max, r) => Math.max(max, r.exitCode), 0);
}
