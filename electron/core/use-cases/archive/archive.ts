/**
 * Creating and opening trust archives (trust-archive.ts, docs/trust-archive.md).
 *
 * Creating: each repository is first verified as usual (the user's cache, its rollback protection
 * and the pins), then fetched again from version 1 of its root into an empty in-memory cache so the
 * archive holds the whole root chain, each version verified against its predecessor. Only bytes that
 * verified are archived.
 *
 * Opening: the archived bytes go through the same update workflow, with the clock at the archive
 * time; expiry is then reported against now as well ("valid as of …; expired since …").
 */
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { updateRepository, type RepositoryTrust } from '../../tuf/repository-updater.js';
import type { ParsedReference } from '../../base/reference.js';
import {
  ArchiveSource,
  MemoryTrustCache,
  archivedRepository,
  findArchivedRepository,
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchiveBody,
  type ArchiveSigner,
  type ArchivedRepository,
  type TrustArchive,
  readArchive,
} from '../../cache/trust-archive.js';
import type { TrustPinning } from '../../tuf/trust-pinning.js';
import type { TrustSession } from '../../session/trust-session.js';
import { repositoryStatus, type RegistryTag, type RepositoryStatus } from '../../tuf/verdicts.js';

export interface ArchiveOptions {
  /** Do not record registry digests (the archive then proves signatures only). */
  skipRegistry?: boolean;
  createdBy?: string;
}

/** Verifies and collects one repository for an archive; throws what verification throws. */
export async function archiveRepository(session: TrustSession, ref: ParsedReference, opts: ArchiveOptions = {}): Promise<ArchivedRepository> {
  const current = await session.loadTrust(ref);
  if (current.source !== 'remote') {
    throw new TrustDeskError(
      'NETWORK_UNREACHABLE',
      `the trust server for ${ref.gun} did not answer; an archive is not made from a stale cache (${current.warnings.join('; ')})`,
    );
  }
  const source = await session.notarySource(ref);
  const full = await updateRepository({
    gun: ref.gun,
    cache: new MemoryTrustCache(),
    source,
    now: session.now(),
    pinning: await session.trustPinning(),
    fullRootChain: true,
  });
  if (full.root.signed.version < current.root.signed.version || full.timestamp.signed.version < current.timestamp.signed.version) {
    throw new TrustDeskError('ROLLBACK_DETECTED', `the trust server served ${ref.gun} older than it did a moment ago`);
  }
  let registry: ArchivedRepository['registry'];
  if (opts.skipRegistry) registry = { skipped: true };
  else registry = { tags: await session.registryTags(ref) };
  return archivedRepository(full, session.trustServer(ref), registry);
}

/** The body of a new archive (repositories in argument order). */
export async function createArchiveBody(session: TrustSession, refs: ParsedReference[], opts: ArchiveOptions = {}): Promise<ArchiveBody> {
  const archivedAt = session.now();
  const repositories = await Promise.all(refs.map((ref) => archiveRepository(session, ref, opts)));
  return {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    archivedAt: archivedAt.toISOString(),
    createdBy: opts.createdBy ?? 'trustdesk',
    repositories,
  };
}

export interface ArchivedTrust {
  trust: RepositoryTrust;
  archivedAt: Date;
  /** Registry tags as archived; undefined when the registry was skipped. */
  registryTags?: RegistryTag[];
  registryError?: ErrorValue;
}

/**
 * Verifies one archived repository from its bytes alone: the same TrustedMetadataStore checks as
 * online (signatures, thresholds, the root chain from version 1, hashes and lengths, versions,
 * expiry as of the archive time, pins when given).
 */
export async function verifyArchivedRepository(archive: TrustArchive, gun: string, pinning?: TrustPinning): Promise<ArchivedTrust> {
  const repo = findArchivedRepository(archive, gun);
  const archivedAt = new Date(archive.body.archivedAt);
  const trust = await updateRepository({
    gun,
    cache: new MemoryTrustCache(),
    source: new ArchiveSource(repo),
    now: archivedAt,
    pinning,
    fullRootChain: true,
  });
  if (trust.root.signed.version !== repo.rootVersion) {
    throw new TrustDeskError(
      'ARCHIVE_INVALID',
      `the archive records root version ${repo.rootVersion} for ${gun}, its chain ends at ${trust.root.signed.version}`,
    );
  }
  const r = repo.registry;
  return {
    trust: { ...trust, source: 'cache', cachedAt: archivedAt },
    archivedAt,
    registryTags: r && 'tags' in r ? r.tags : undefined,
    registryError: r && 'error' in r ? r.error : undefined,
  };
}

/** What an archive holds, for listing without verifying. */
export interface ArchiveSummary {
  archivedAt: string;
  createdBy: string;
  formatVersion: number;
  /** Who signed the archive (verified); absent: unsigned. */
  signer?: ArchiveSigner;
  repositories: { gun: string; trustServer: string; rootVersion: number; files: number; registryTags?: number }[];
}

export function summariseArchive(archive: TrustArchive): ArchiveSummary {
  return {
    archivedAt: archive.body.archivedAt,
    createdBy: archive.body.createdBy,
    formatVersion: archive.header.version,
    ...(archive.signer ? { signer: archive.signer } : {}),
    repositories: archive.body.repositories.map((r) => ({
      gun: r.gun,
      trustServer: r.trustServer,
      rootVersion: r.rootVersion,
      files: r.files.length,
      registryTags: r.registry && 'tags' in r.registry ? r.registry.tags.length : undefined,
    })),
  };
}

export interface ArchivedRepositoryStatus {
  name: string;
  gun: string;
  /** The full status view (tags and verdicts against the archived registry digests, roles, signers). */
  status?: RepositoryStatus;
  error?: ErrorValue;
}

export interface OpenedArchive {
  file: string;
  summary: ArchiveSummary;
  repositories: ArchivedRepositoryStatus[];
}

/**
 * The offline inspector over an archive: every (or each named) repository verified from the archived
 * bytes, as a status view "valid as of" the archive time with what has expired since `now`. Per
 * repository errors are kept as values (IPC-safe); an archive that fails its integrity checks throws.
 */
export async function openArchive(file: string, opts: { names?: string[]; pinning?: TrustPinning; now?: Date } = {}): Promise<OpenedArchive> {
  const archive = await readArchive(file);
  const now = opts.now ?? new Date();
  const names = opts.names?.length ? opts.names : archive.body.repositories.map((r) => r.gun);
  const repositories = await Promise.all(
    names.map(async (name): Promise<ArchivedRepositoryStatus> => {
      let gun = name;
      try {
        gun = parseReference(name).gun;
        const a = await verifyArchivedRepository(archive, gun, opts.pinning);
        const status = repositoryStatus(name, a.trust, a.registryTags ?? [], now);
        if (!a.registryTags) status.warnings.push('the archive holds no registry digests: signatures only');
        status.archive = { file, archivedAt: archive.body.archivedAt };
        return { name, gun, status };
      } catch (err) {
        return { name, gun, error: toErrorValue(err) };
      }
    }),
  );
  return { file, summary: summariseArchive(archive), repositories };
}
