/**
 * `trustdesk status`: the joined registry + Notary view docker lacks. Every tag of the registry and
 * every signed tag, each with a verdict:
 *   signed                  the released signature's digest equals the registry's manifest digest
 *   unsigned                the registry has the tag, no released role signed it
 *   digest-mismatch         signed, but the registry now serves other bytes under that tag
 *   signed-not-in-registry  signed, but the registry has no such tag
 * plus who signed it and the expiry of every role. A tag's signed digest is the one `docker pull`
 * resolves (repository-view.ts `pulledTargets`: targets/releases first, then targets).
 */
import { naturalCompare } from '../base/text-table.js';
import { pulledTargets, roleExpiries, delegationRoles, RELEASES_ROLE } from './repository-view.js';
import type { PinSummary, RepositoryTrust, SkippedRole } from './repository-updater.js';
import { isTrustDeskError, type ErrorValue } from '../base/errors.js';

/**
 * Does this trust-loading failure mean "the repository has no trust data" (every tag unsigned)
 * rather than "its trust data is broken"? REPOSITORY_NOT_SIGNED (the updater's word for a root the
 * server or cache does not have), and METADATA_NOT_FOUND when the missing file is the root itself
 * (e.g. a trust archive without the repository's root). A missing timestamp, snapshot or targets
 * under an existing root is a broken repository, not an unsigned one.
 */
export function isNoTrustData(err: unknown): boolean {
  if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) return true;
  return isTrustDeskError(err, 'METADATA_NOT_FOUND') && /^root(\.[0-9a-f]+)?(\.json)? of /.test(err.message);
}

export type Verdict = 'signed' | 'unsigned' | 'digest-mismatch' | 'signed-not-in-registry';
export const VERDICTS: Verdict[] = ['signed', 'unsigned', 'digest-mismatch', 'signed-not-in-registry'];

export interface RegistryTag {
  tag: string;
  /** `sha256:<hex>` of the manifest as the registry serves it, when it could be read. */
  digest?: string;
  size?: number;
  mediaType?: string;
  error?: ErrorValue;
}

export interface TagStatus {
  tag: string;
  verdict: Verdict;
  registryDigest?: string;
  signedDigest?: string;
  size?: number;
  /** Signer names, or ["Repo Admin"] when only targets/targets/releases hold it. */
  signers: string[];
  registryError?: ErrorValue;
}

export interface RepositoryStatus {
  name: string;
  gun: string;
  tags: TagStatus[];
  counts: Record<Verdict, number>;
  roles: { role: string; version: number; expires: string }[];
  signers: { name: string; keyIds: string[]; threshold: number; paths?: string[] }[];
  skippedRoles: SkippedRole[];
  warnings: string[];
  source: 'remote' | 'cache';
  cachedAt?: string;
  /** The role that expires first: what to re-sign next. */
  nearestExpiry?: { role: string; expires: string };
  /** The clock the trust data was verified against: "valid as of" (now, or the cache/archive time). */
  verifiedAt?: string;
  /** Roles valid as of `verifiedAt` that have expired by `now` (cache and archive views). */
  expiredSince?: { role: string; expires: string }[];
  /** How the root was trusted: pinned (certs/ca) or trust on first use. */
  pin?: PinSummary;
  /** Set when the view comes from a trust archive (source is then `cache`). */
  archive?: { file: string; archivedAt: string };
}

/** Roles whose expiry lies between the verification clock and `now` (expired since they verified), first expired first. */
export function expiredSince(roles: { role: string; expires: string }[], now: Date): { role: string; expires: string }[] {
  return roles
    .filter((r) => new Date(r.expires).getTime() < now.getTime())
    .map((r) => ({ role: r.role, expires: r.expires }))
    .sort((a, b) => a.expires.localeCompare(b.expires));
}

export function repositoryStatus(
  name: string,
  trust: RepositoryTrust | undefined,
  registryTags: RegistryTag[],
  now: Date = new Date(),
): RepositoryStatus {
  // One signed digest per tag: the one `docker pull` resolves (targets/releases, then targets).
  const byTag = new Map((trust ? pulledTargets(trust) : []).map((r) => [r.name, r]));
  const tags: TagStatus[] = [];
  const inRegistry = new Set<string>();
  for (const rt of registryTags) {
    inRegistry.add(rt.tag);
    const chosen = byTag.get(rt.tag);
    const verdict: Verdict = !chosen ? 'unsigned' : `sha256:${chosen.sha256}` === rt.digest ? 'signed' : 'digest-mismatch';
    tags.push({
      tag: rt.tag,
      verdict,
      registryDigest: rt.digest,
      signedDigest: chosen ? `sha256:${chosen.sha256}` : undefined,
      size: rt.size ?? chosen?.length,
      signers: chosen ? (chosen.signers.length ? chosen.signers : ['Repo Admin']) : [],
      registryError: rt.error,
    });
  }
  for (const [tag, s] of byTag) {
    if (inRegistry.has(tag)) continue;
    tags.push({
      tag,
      verdict: 'signed-not-in-registry',
      signedDigest: `sha256:${s.sha256}`,
      size: s.length,
      signers: s.signers.length ? s.signers : ['Repo Admin'],
    });
  }
  tags.sort((a, b) => naturalCompare(a.tag, b.tag));
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const t of tags) counts[t.verdict]++;
  const roles = trust ? roleExpiries(trust).map((r) => ({ role: r.role, version: r.version, expires: r.expires.toISOString() })) : [];
  const nearest = [...roles].sort((a, b) => a.expires.localeCompare(b.expires))[0];
  return {
    name,
    gun: trust?.gun ?? name,
    tags,
    counts,
    roles,
    signers: trust
      ? delegationRoles(trust)
          .filter((d) => d.role !== RELEASES_ROLE)
          .map((d) => ({ name: d.name, keyIds: d.keyIds, threshold: d.threshold, paths: d.paths }))
      : [],
    skippedRoles: trust?.skipped ?? [],
    warnings: trust?.warnings ?? [],
    source: trust?.source ?? 'remote',
    cachedAt: trust?.cachedAt?.toISOString(),
    nearestExpiry: nearest ? { role: nearest.role, expires: nearest.expires } : undefined,
    verifiedAt: trust?.verifiedAt?.toISOString(),
    expiredSince: expiredSince(roles, now),
    pin: trust?.pin,
  };
}
