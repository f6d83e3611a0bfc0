/**
 * The trust + registry join, once: "what is the state of this repository?" — its verified trust
 * data (or "no trust data"), the registry's tags (or why the registry could not be read), the
 * verdict of every tag (tuf/verdicts.ts), and the problems, each with its error code.
 *
 * `trustdesk status`, `trustdesk verify`, the app's Repository view and Repositories list
 * (`repository:overview` / `repository:summary`), the audit's registry reads and the cosign tags
 * view all go through `repositoryState`. Its rules, where the three former joins disagreed:
 *
 * - No trust data: the trust server (or the cache, offline) has no root for the repository:
 *   REPOSITORY_NOT_SIGNED, or METADATA_NOT_FOUND for the root file itself (`isNoTrustData`). That
 *   is a state, not a problem: every registry tag is `unsigned`, with the warning
 *   "NAME has no trust data: every tag is unsigned". (The CLI used to treat METADATA_NOT_FOUND as an
 *   error, the app any METADATA_NOT_FOUND as no trust data; a missing timestamp/snapshot/targets
 *   under an existing root is now a trust problem everywhere.)
 * - Any other trust failure (signature, pin, rollback, expiry, unreachable with nothing cached…) is
 *   fatal: `error`, source `trust`; nothing else is shown (the registry alone says nothing about
 *   what is signed).
 * - A registry failure keeps the verified trust data: the verdicts then reflect the trust data
 *   only (signed tags are `signed-not-in-registry`), and the failure is a problem with its code,
 *   source `registry` (`registryProblem`). The app shows it as its "registry not read" banner;
 *   `trustdesk status` prints the table and the problem, and exits 1 (as it did for any error);
 *   `trustdesk verify` answers `unreachable` (exit 4) when it needed the registry.
 * - No trust data AND the registry unreadable: nothing is known: fatal `error` with the registry's
 *   code (what both the app and the CLI did).
 * - Offline (the context's switch): the registry is not read, which is not a problem
 *   (`registry: 'offline'`); the trust data is the cache's, verified as of its time.
 * - The trust server down with valid cached data: `trust.source` is `cache`, a warning, not a
 *   problem (status and the app show it; `verify` refuses it as unreachable unless --offline: a
 *   gate's own policy on top of the state).
 * - A tag's signed digest is the one `docker pull` resolves: targets/releases, then targets
 *   (tuf/repository-view.ts `pulledTargets`).
 */
import { toErrorValue, type ErrorCode, type ErrorValue } from '../../base/errors.js';
import { parseReference, type ParsedReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import { isNoTrustData, repositoryStatus, type RegistryTag, type RepositoryStatus } from '../../tuf/verdicts.js';
import type { TrustContext } from '../../session/context.js';

export interface RepositoryStateInput {
  /** NAME, NAME:TAG, NAME@DIGEST (the repository is what is loaded), or a parsed reference. */
  ref: string | ParsedReference;
  /** The label of the result (default: the reference as given, or the repository name). */
  name?: string;
  /** false: do not read the registry (e.g. `verify NAME@DIGEST`: what is signed is what is deployed). */
  registry?: boolean;
  /** false: do not load the trust data (the cosign tags view needs the registry tags only). */
  trust?: boolean;
}

export interface StateProblem {
  source: 'trust' | 'registry';
  code: ErrorCode;
  message: string;
}

export interface RepositoryState {
  name: string;
  ref: ParsedReference;
  /** The verified trust data; undefined when there is none (or it failed: see `error`). */
  trust?: RepositoryTrust;
  hasTrustData: boolean;
  /** How the registry side went: read, not read because offline or not asked for, or failed. */
  registry: 'read' | 'offline' | 'skipped' | 'failed';
  registryTags: RegistryTag[];
  /** Why the registry could not be read (also in `problems`). */
  registryProblem?: ErrorValue;
  /** Every tag with its verdict; absent when `error` is set. */
  status?: RepositoryStatus;
  /** Fatal: nothing can be shown (trust refused, or neither trust data nor registry). */
  error?: ErrorValue & { source: 'trust' | 'registry' };
  /** Every problem with its code: the fatal error, or the registry's failure. Empty when all is well. */
  problems: StateProblem[];
  warnings: string[];
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The join of loaded (or failed) trust data and registry tags, by the rules above. Pure. */
export function joinRepositoryState(
  name: string,
  ref: ParsedReference,
  trust: Settled<RepositoryTrust | undefined>,
  registry: Settled<RegistryTag[]> | 'offline' | 'skipped',
  now: Date,
): RepositoryState {
  const registryTags = typeof registry === 'object' && registry.ok ? registry.value : [];
  const registryProblem = typeof registry === 'object' && !registry.ok ? toErrorValue(registry.error) : undefined;
  const registryState: RepositoryState['registry'] = typeof registry === 'string' ? registry : registry.ok ? 'read' : 'failed';
  const base = { name, ref, registry: registryState, registryTags, ...(registryProblem ? { registryProblem } : {}) };
  const fatal = (source: 'trust' | 'registry', e: ErrorValue): RepositoryState => ({
    ...base,
    hasTrustData: false,
    error: { ...e, source },
    problems: [{ source, code: e.code, message: e.message }],
    warnings: [],
  });
  if (!trust.ok && !isNoTrustData(trust.error)) return fatal('trust', toErrorValue(trust.error));
  const verified = trust.ok ? trust.value : undefined;
  if (!verified && registryProblem) return fatal('registry', registryProblem);
  const status = repositoryStatus(name, verified, registryTags, now);
  // repositoryStatus shares the trust's warnings array: copy before adding ours
  status.warnings = [...status.warnings];
  if (!trust.ok) status.warnings.push(`${name} has no trust data: every tag is unsigned`);
  return {
    ...base,
    ...(verified ? { trust: verified } : {}),
    hasTrustData: !!verified,
    status,
    problems: registryProblem ? [{ source: 'registry', code: registryProblem.code, message: registryProblem.message }] : [],
    warnings: status.warnings,
  };
}

async function settle<T>(p: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The state of one repository: trust data and registry tags loaded at once, then joined. */
/** What of the TrustContext the join uses (a TrustContext fits). */
export type StateContext = Pick<TrustContext, 'session' | 'offline' | 'now'>;

export async function repositoryState(ctx: StateContext, input: RepositoryStateInput): Promise<RepositoryState> {
  const ref = typeof input.ref === 'string' ? parseReference(input.ref) : input.ref;
  const name = input.name ?? (typeof input.ref === 'string' ? input.ref : ref.gun);
  const s = ctx.session;
  const wantRegistry = input.registry !== false;
  const [trust, tags] = await Promise.all([
    input.trust === false ? Promise.resolve<Settled<RepositoryTrust | undefined>>({ ok: true, value: undefined }) : settle(() => s.loadTrust(ref)),
    !wantRegistry ? Promise.resolve('skipped' as const) : ctx.offline ? Promise.resolve('offline' as const) : settle(() => s.registryTags(ref)),
  ]);
  return joinRepositoryState(name, ref, trust, tags, ctx.now());
}
