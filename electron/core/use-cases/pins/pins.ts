/**
 * Trust pinning use-cases for the app and the CLI, `(ctx, input) → result`: list which repositories
 * are pinned (and how), the rule for one repository, pin a repository's current root (or IDs given by
 * its owner), unpin. Pins live in the pins file of the context's trust session. Results are plain
 * values (IPC-safe); failures are thrown as TrustDeskError and cross IPC as { code, message }.
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference, type ParsedReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import { pinEntries, pinFor, writeCertsPin, loadPinSettings, type PinEntry, type TrustPinning } from '../../tuf/trust-pinning.js';
import type { TrustContext } from '../../session/context.js';

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

function ruleOf(pinning: TrustPinning, gun: string): PinnedRepository {
  const m = pinFor(pinning, gun);
  switch (m.kind) {
    case 'certs':
      return { gun, kind: 'certs', pattern: m.pattern, certIds: [...m.certIds] };
    case 'ca':
      return { gun, kind: 'ca', pattern: m.prefix, caFile: m.ca.file };
    default:
      return { gun, kind: m.kind };
  }
}

/** Which repositories are pinned, by which rule, and every pin in force. */
export async function listPins(ctx: TrustContext): Promise<PinList> {
  const session = ctx.session;
  const pinning = await session.trustPinning();
  const repositories = (await session.cache.listRepositories()).map((gun) => ruleOf(pinning, gun));
  return { pinsFile: session.pinsFile, sources: [...pinning.sources], disableTofu: pinning.disableTofu, pins: pinEntries(pinning), repositories };
}

/** The rule that applies to one repository (a tag or digest in the name is ignored); no network. */
export async function pinRuleFor(ctx: TrustContext, input: { name: string }): Promise<PinnedRepository> {
  const gun = parseReference(parseReference(input.name).gun).gun;
  return ruleOf(await ctx.session.trustPinning(), gun);
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

/** Offline, the cache is verified as of the time it was written, not at a fixed clock of the context. */
async function verifiedForPinning(ctx: TrustContext, ref: ParsedReference): Promise<RepositoryTrust> {
  if (!ctx.offline || !ctx.options.fixedClock) return ctx.session.loadTrust(ref);
  const asOfCache = ctx.with({ fixedClock: false });
  try {
    return await asOfCache.session.loadTrust(ref);
  } finally {
    asOfCache.close();
  }
}

/**
 * Pins a repository to its current root: verifies the repository as usual (network unless the
 * session is offline; existing pins apply, so an already-pinned repository whose root changed is
 * refused rather than silently re-pinned), then writes the root role's certificate IDs as an exact
 * `certs` pin into TrustDesk's pins file, atomically.
 */
export async function pinCurrentRoot(ctx: TrustContext, { name }: { name: string }): Promise<PinResult> {
  const session = ctx.session;
  const ref = parseReference(name);
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository without a tag or digest`);
  const trust = await verifiedForPinning(ctx, ref);
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
export async function pinRootIds(ctx: TrustContext, { name, ids }: { name: string; ids: string[] }): Promise<PinResult> {
  const session = ctx.session;
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
export async function unpinRepository(ctx: TrustContext, { name }: { name: string }): Promise<{ gun: string; removed?: string[] }> {
  const session = ctx.session;
  const ref = parseReference(name);
  const before = (await loadPinSettings(session.pinsFile)).certs[ref.gun];
  if (before) await writeCertsPin(session.pinsFile, ref.gun, undefined);
  session.reloadPinning();
  return { gun: ref.gun, removed: before };
}
