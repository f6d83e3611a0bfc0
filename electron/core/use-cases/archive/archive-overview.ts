/**
 * The app's repository overview from a trust archive (the offline inspector): the same view as for a
 * live repository, built from the archived bytes verified as of the archive time, plus the "as of"
 * facts the view shows beside it. IPC-safe values only.
 */
import { readArchive } from '../../cache/trust-archive.js';
import type { TrustPinning } from '../../tuf/trust-pinning.js';
import { parseReference } from '../../base/reference.js';
import { verifyArchivedRepository } from './archive.js';
import { repositoryOverview } from '../repository/repository-overview.js';
import { expiredSince } from '../../tuf/verdicts.js';
import { roleExpiries } from '../../tuf/repository-view.js';
import type { RepositoryOverview } from '../../../../shared/view-model.js';

export interface ArchiveOverview {
  overview: RepositoryOverview;
  /** The archive's time: everything was verified as of then. */
  archivedAt: string;
  /** Roles valid at `archivedAt` that have expired by now. */
  expiredSince: { role: string; expires: string }[];
}

export async function loadArchiveOverview(
  file: string,
  name: string,
  opts: { trustDir: string; pinning?: TrustPinning; now?: Date },
): Promise<ArchiveOverview> {
  const archive = await readArchive(file);
  const gun = parseReference(name).gun;
  const a = await verifyArchivedRepository(archive, gun, opts.pinning);
  const now = opts.now ?? new Date();
  const roles = roleExpiries(a.trust).map((r) => ({ role: r.role, expires: r.expires.toISOString() }));
  const overview = repositoryOverview({
    name: gun,
    trust: a.trust,
    registryTags: a.registryTags ?? [],
    registryError: a.registryError,
    trustDir: opts.trustDir,
    warnings: [`from the trust archive ${file}, valid as of ${archive.body.archivedAt}`],
    now,
  });
  return { overview, archivedAt: archive.body.archivedAt, expiredSince: expiredSince(roles, now) };
}
