/**
 * The offline inspector (`offline:open`, `offline:overview`): a trust directory (or the docker config
 * dir holding one) or a trust archive, opened with no network and nothing written. A trust directory
 * is verified as of the time its cache was written, an archive as of its archive time; what has
 * expired since is reported against the context's clock. Pins of the context apply.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toErrorValue, TrustDeskError, type ErrorValue } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { TrustCache } from '../../cache/trust-cache.js';
import { expiredSince } from '../../tuf/verdicts.js';
import type { TrustContext } from '../../session/context.js';
import { openArchive } from '../archive/archive.js';
import { loadArchiveOverview } from '../archive/archive-overview.js';
import { loadRepositoryOverview } from '../repository/load-overview.js';
import type { RepositoryOverview } from '../../../../shared/view-model.js';

export type OfflineSource = 'archive' | 'trust-dir';

export interface OfflineSummary {
  source: OfflineSource;
  /** The archive file, or the trust dir found at the path. */
  path: string;
  /** Archive time, or the newest cache time of the trust directory. */
  asOf?: string;
  createdBy?: string;
  /** A signed archive's signer (verified): `notary` canonical key ID or `cosign` SHA-256 of the public key. */
  signer?: { scheme: 'notary' | 'cosign'; keyId: string };
  /** An archive without a signature. */
  unsigned?: boolean;
  repositories: { gun: string; asOf?: string; error?: ErrorValue }[];
}

export interface OfflineOverview {
  source: OfflineSource;
  path: string;
  overview: RepositoryOverview;
  /** Everything was verified as of this time. */
  asOf?: string;
  /** Roles valid then that have expired by now. */
  expiredSince: { role: string; expires: string }[];
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** A trust dir (holding tuf/) or a docker config dir (holding trust/tuf/). */
export async function resolveTrustDir(path: string): Promise<string> {
  const p = resolve(path);
  if (await isDir(join(p, 'tuf'))) return p;
  if (await isDir(join(p, 'trust', 'tuf'))) return join(p, 'trust');
  throw new TrustDeskError('INVALID_ARGUMENT', `${path} is not a trust directory: it has no tuf/ (nor trust/tuf/) directory`);
}

/** The repositories of a trust directory with the time each was cached; no network, nothing written. */
export async function listTrustDir(_ctx: TrustContext, input: { path: string }): Promise<OfflineSummary> {
  const trustDir = await resolveTrustDir(input.path);
  const cache = new TrustCache(trustDir);
  const guns = (await cache.listRepositories()).sort();
  const repositories = await Promise.all(
    guns.map(async (gun): Promise<OfflineSummary['repositories'][number]> => {
      try {
        const at = await cache.cachedAt(gun);
        return { gun, ...(at ? { asOf: at.toISOString() } : {}) };
      } catch (err) {
        return { gun, error: toErrorValue(err) };
      }
    }),
  );
  const times = repositories.flatMap((r) => (r.asOf ? [r.asOf] : [])).sort();
  return { source: 'trust-dir', path: trustDir, ...(times.length ? { asOf: times[times.length - 1] } : {}), repositories };
}

/** The repositories of a trust archive, each verified as of the archive time (errors as values). */
export async function listArchiveRepositories(ctx: TrustContext, input: { path: string }): Promise<OfflineSummary> {
  const a = await openArchive(resolve(input.path), { pinning: await ctx.session.trustPinning(), now: ctx.now() });
  return {
    source: 'archive',
    path: a.file,
    asOf: a.summary.archivedAt,
    createdBy: a.summary.createdBy,
    ...(a.summary.signer ? { signer: a.summary.signer } : { unsigned: true }),
    repositories: a.repositories.map((r) => ({ gun: r.gun, asOf: a.summary.archivedAt, ...(r.error ? { error: r.error } : {}) })),
  };
}

/** Opens a trust directory or a trust archive: its repositories and as of when. */
export function openOffline(ctx: TrustContext, input: { source: OfflineSource; path: string }): Promise<OfflineSummary> {
  return input.source === 'archive' ? listArchiveRepositories(ctx, input) : listTrustDir(ctx, input);
}

/** One repository of a trust directory or archive, verified as of the time it was saved. */
export async function offlineOverview(ctx: TrustContext, input: { source: OfflineSource; path: string; name: string }): Promise<OfflineOverview> {
  const gun = parseReference(parseReference(input.name).gun).gun;
  if (input.source === 'archive') {
    const file = resolve(input.path);
    const a = await loadArchiveOverview(file, gun, { trustDir: ctx.trustDir, pinning: await ctx.session.trustPinning(), now: ctx.now() });
    return { source: 'archive', path: file, overview: a.overview, asOf: a.archivedAt, expiredSince: a.expiredSince };
  }
  const trustDir = await resolveTrustDir(input.path);
  // offline: verified as of the time the cache was written (its timestamp.json), whatever the
  // context's clock (that one judges what has expired since); nothing written
  const there = ctx.with({ trustDir, offline: true, fixedClock: false });
  try {
    const overview = await loadRepositoryOverview(there, { name: gun });
    const lapsed = expiredSince(
      overview.timeline.filter((e) => e.kind === 'role').map((e) => ({ role: e.role, expires: e.expires })),
      ctx.now(),
    );
    return { source: 'trust-dir', path: trustDir, overview, ...(overview.cachedAt ? { asOf: overview.cachedAt } : {}), expiredSince: lapsed };
  } finally {
    there.close();
  }
}
