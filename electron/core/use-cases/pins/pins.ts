/**
 * Trust pinning use-cases for the app and the CLI: list which repositories are pinned (and how), and
 * pin a repository's current root. Results are plain values (IPC-safe); failures are thrown as
 * TrustDeskError and cross IPC as { code, message }.
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { pinEntries, pinFor, writeCertsPin, loadPinSettings, type PinEntry } from '../../tuf/trust-pinning.js';
import type { TrustSession } from '../../session/trust-session.js';

export interface PinnedRepository {
  /** A cached repository (GUN). */
  gun: string;
  /** How its root is (or would be) trusted: `certs` or `ca` pin, `tofu`, or `refused` (disable_tofu). */
  kind: 'certs' | 'ca' | 'tofu' | 'refused';
  /** The pattern or CA prefix that matched. */
  pattern?: string;
  certIds?: string[];
  caFile?: string;
}

export interface PinList {
  /** TrustDesk's pins file (where `pinCurrentRoot` writes). */
  pinsFile: string;
  /** Files the pins in force came from. */
  sources: string[];
  disableTofu: boolean;
  /** Every pin, sorted by pattern. */
  pins: PinEntry[];
  /** Every repository in the trust cache with the pin that applies to it. */
  repositories: PinnedRepository[];
}

/** Which repositories are pinned, by which rule, and every pin in force. */
export async function listPins(session: TrustSession): Promise<PinList> {
  const pinning = await session.trustPinning();
  const repositories = (await session.cache.listRepositories()).map((gun): PinnedRepository => {
    const m = pinFor(pinning, gun);
    switch (m.kind) {
      case 'certs':
        return { gun, kind: 'certs', pattern: m.pattern, certIds: [...m.certIds] };
      case 'ca':
        return { gun, kind: 'ca', pattern: m.prefix, caFile: m.ca.file };
      default:
        return { gun, kind: m.kind };
    }
  });
  return { pinsFile: session.pinsFile, sources: [...pinning.sources], disableTofu: pinning.disableTofu, pins: pinEntries(pinning), repositories };
}

export interface PinResult {
  gun: string;
  /** The root certificate IDs now pinned (root.json's root role key IDs). */
  certIds: string[];
  /** The root version the IDs were read from; 0 when they were given (pinRootIds). */
  rootVersion: number;
  pinsFile: string;
  /** The IDs pinned before, if the GUN had an exact pin. */
  previous?: string[];
}

/**
 * Pins a repository to its current root: verifies the repository as usual (network unless the
 * session is offline; existing pins apply, so an already-pinned repository whose root changed is
 * refused rather than silently re-pinned), then writes the root role's certificate IDs as an exact
 * `certs` pin into TrustDesk's pins file, atomically.
 */
export async function pinCurrentRoot(session: TrustSession, name: string): Promise<PinResult> {
  const ref = parseReference(name);
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository without a tag or digest`);
  const trust = await session.loadTrust(ref);
  const certIds = [...trust.root.signed.roles.root.keyids];
  const before = (await loadPinSettings(session.pinsFile)).certs[ref.gun];
  await writeCertsPin(session.pinsFile, ref.gun, certIds);
  session.reloadPinning();
  return { gun: ref.gun, certIds, rootVersion: trust.root.signed.version, pinsFile: session.pinsFile, previous: before };
}

/**
 * Pins a repository to root certificate IDs learnt out of band (e.g. from the repository owner),
 * without contacting anything: the way to pin before first use when disable_tofu is on.
 */
export async function pinRootIds(session: TrustSession, name: string, ids: string[]): Promise<PinResult> {
  const ref = parseReference(name);
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository without a tag or digest`);
  const certIds = ids.map((i) => i.toLowerCase());
  const bad = certIds.find((i) => !/^[0-9a-f]{64}$/.test(i));
  if (bad !== undefined || certIds.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', `"${bad ?? ''}" is not a 64-hex-digit root key ID`);
  const before = (await loadPinSettings(session.pinsFile)).certs[ref.gun];
  await writeCertsPin(session.pinsFile, ref.gun, certIds);
  session.reloadPinning();
  return { gun: ref.gun, certIds, rootVersion: 0, pinsFile: session.pinsFile, previous: before };
}

/** Removes the exact pin of a repository from TrustDesk's pins file (wildcards and CA pins stay). */
export async function unpinRepository(session: TrustSession, name: string): Promise<{ gun: string; removed?: string[] }> {
  const ref = parseReference(name);
  const before = (await loadPinSettings(session.pinsFile)).certs[ref.gun];
  if (before) await writeCertsPin(session.pinsFile, ref.gun, undefined);
  session.reloadPinning();
  return { gun: ref.gun, removed: before };
}
