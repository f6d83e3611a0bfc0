/**
 * Handlers of trust pinning and the offline inspector (shared/ipc/pins-contract.ts), spread into the
 * registry of handlers.ts. Pins live in TrustDesk's pins file of the TrustSession: `trustdesk-pins.json`
 * in the docker config dir set in Settings (or $TRUSTDESK_PINS), the same file `trustdesk pin` uses.
 * The offline inspector opens a trust directory or a trust archive with no network: a trust directory
 * is verified as of the time its cache was written, an archive as of its archive time.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import type { PINS_CONTRACT } from '../../shared/ipc/pins-contract.js';
import type { RepositoryOverview, Settings } from '../../shared/view-model.js';
import { toErrorValue, TrustDeskError } from '../core/base/errors.js';
import { parseReference } from '../core/base/reference.js';
import { pinFor } from '../core/tuf/trust-pinning.js';
import { TrustCache } from '../core/cache/trust-cache.js';
import { listPins, pinCurrentRoot, unpinRepository } from '../core/use-cases/pins/pins.js';
import { openArchive } from '../core/use-cases/archive/archive.js';
import { loadArchiveOverview } from '../core/use-cases/archive/archive-overview.js';
import { loadRepositoryOverview } from '../core/use-cases/repository/load-overview.js';
import { expiredSince } from '../core/tuf/verdicts.js';
import { TrustSession } from '../core/session/trust-session.js';

type Spec = typeof PINS_CONTRACT;
type PinsImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface PinsHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  /** Drops what is cached for a repository after its pin changed. */
  invalidate: (gun: string) => void;
}

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/** A trust dir (holding tuf/) or a docker config dir (holding trust/tuf/). */
export async function resolveTrustDir(path: string): Promise<string> {
  const p = resolve(path);
  if (await isDir(join(p, 'tuf'))) return p;
  if (await isDir(join(p, 'trust', 'tuf'))) return join(p, 'trust');
  throw new TrustDeskError('INVALID_ARGUMENT', `${path} is not a trust directory: it has no tuf/ (nor trust/tuf/) directory`);
}

export function pinsHandlers(deps: PinsHandlerDeps): PinsImpl {
  async function withSession<T>(opts: { registry?: string; trustDir?: string; offline?: boolean }, fn: (session: TrustSession) => Promise<T>): Promise<T> {
    const s = await deps.settings.get();
    const session = new TrustSession({
      env: deps.env,
      configDir: deps.configDirOf(s),
      ...(opts.registry ? { server: s.trustServers[opts.registry], tlsCaCert: s.caFiles[opts.registry] } : {}),
      ...(opts.trustDir ? { trustDir: opts.trustDir } : {}),
      offline: opts.offline ?? s.offline,
    });
    try {
      return await fn(session);
    } finally {
      session.close();
    }
  }

  const gunOf = (name: string) => parseReference(parseReference(name).gun);

  /** Roles valid as of `asOf` that have expired by now (the timeline of an overview verified then). */
  const lapsedSince = (o: RepositoryOverview) =>
    expiredSince(o.timeline.filter((e) => e.kind === 'role').map((e) => ({ role: e.role, expires: e.expires })), deps.now());

  return {
    async 'pins:list'() {
      const l = await withSession({ offline: true }, listPins);
      return { file: l.pinsFile, sources: l.sources, disableTofu: l.disableTofu, rules: l.pins, repositories: l.repositories };
    },
    async 'pins:for'({ name }) {
      const gun = gunOf(name).gun;
      const m = pinFor(await withSession({ offline: true }, (session) => session.trustPinning()), gun);
      if (m.kind === 'certs') return { gun, kind: 'certs', pattern: m.pattern, certIds: [...m.certIds] };
      if (m.kind === 'ca') return { gun, kind: 'ca', pattern: m.prefix, caFile: m.ca.file };
      return { gun, kind: m.kind };
    },
    async 'pins:pin-current'({ name }) {
      const ref = gunOf(name);
      const r = await withSession({ registry: ref.registry }, (session) => pinCurrentRoot(session, ref.gun));
      deps.invalidate(ref.gun);
      return { gun: r.gun, certIds: r.certIds, rootVersion: r.rootVersion, file: r.pinsFile, ...(r.previous ? { previousIds: r.previous } : {}) };
    },
    async 'pins:unpin'({ name }) {
      const ref = gunOf(name);
      const r = await withSession({ offline: true }, (session) => unpinRepository(session, ref.gun));
      deps.invalidate(ref.gun);
      return { gun: r.gun, ...(r.removed ? { removedIds: r.removed } : {}) };
    },
    async 'offline:open'({ source, path }) {
      if (source === 'archive') {
        const pinning = await withSession({ offline: true }, (session) => session.trustPinning());
        const a = await openArchive(resolve(path), { pinning, now: deps.now() });
        return {
          source,
          path: a.file,
          asOf: a.summary.archivedAt,
          createdBy: a.summary.createdBy,
          repositories: a.repositories.map((r) => ({ gun: r.gun, asOf: a.summary.archivedAt, ...(r.error ? { error: r.error } : {}) })),
        };
      }
      const trustDir = await resolveTrustDir(path);
      const cache = new TrustCache(trustDir);
      const guns = (await cache.listRepositories()).sort();
      const repositories = await Promise.all(
        guns.map(async (gun): Promise<{ gun: string; asOf?: string; error?: ReturnType<typeof toErrorValue> }> => {
          try {
            const at = await cache.cachedAt(gun);
            return { gun, ...(at ? { asOf: at.toISOString() } : {}) };
          } catch (err) {
            return { gun, error: toErrorValue(err) };
          }
        }),
      );
      const times = repositories.flatMap((r) => (r.asOf ? [r.asOf] : [])).sort();
      return { source, path: trustDir, ...(times.length ? { asOf: times[times.length - 1] } : {}), repositories };
    },
    async 'offline:overview'({ source, path, name }) {
      const gun = gunOf(name).gun;
      if (source === 'archive') {
        const file = resolve(path);
        const s = await deps.settings.get();
        const pinning = await withSession({ offline: true }, (session) => session.trustPinning());
        const a = await loadArchiveOverview(file, gun, { trustDir: join(deps.configDirOf(s), 'trust'), pinning, now: deps.now() });
        return { source, path: file, overview: a.overview, asOf: a.archivedAt, expiredSince: a.expiredSince };
      }
      const trustDir = await resolveTrustDir(path);
      // offline: verified as of the time the cache was written (its timestamp.json), nothing written
      const overview = await withSession({ trustDir, offline: true }, (session) => loadRepositoryOverview({ session, offline: true, trustDir: session.cache.trustDir, now: deps.now }, { name: gun }));
      return { source, path: trustDir, overview, ...(overview.cachedAt ? { asOf: overview.cachedAt } : {}), expiredSince: lapsedSince(overview) };
    },
  };
}
