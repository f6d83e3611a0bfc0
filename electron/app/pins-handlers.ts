/**
 * Handlers of trust pinning and the offline inspector (shared/ipc/pins-contract.ts): one line per
 * channel, each a use case of core/use-cases/pins/ or core/use-cases/offline/. Pins live in TrustDesk's
 * pins file of the context's trust session: `trustdesk-pins.json` in the docker config dir set in
 * Settings (or $TRUSTDESK_PINS), the same file `trustdesk pin` uses. The offline inspector opens a
 * trust directory or a trust archive with no network: a trust directory is verified as of the time
 * its cache was written, an archive as of its archive time.
 */
import type { PINS_CONTRACT } from '../../shared/ipc/pins-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import { parseReference } from '../core/base/reference.js';
import { listPins, pinCurrentRoot, pinRuleFor, unpinRepository, type PinList, type PinResult } from '../core/use-cases/pins/pins.js';
import { offlineOverview, openOffline } from '../core/use-cases/offline/offline-inspector.js';
import type { AppContext } from './context.js';

/** The repository of a name (a tag or digest is dropped). */
const gunOf = (name: string) => parseReference(parseReference(name).gun).gun;

const pinListView = (l: PinList) => ({
  file: l.pinsFile,
  sources: l.sources,
  disableTofu: l.disableTofu,
  rules: l.pins,
  repositories: l.repositories,
});
const pinnedView = (r: PinResult) => ({
  gun: r.gun,
  certIds: r.certIds,
  rootVersion: r.rootVersion,
  file: r.pinsFile,
  ...(r.previous ? { previousIds: r.previous } : {}),
});
const unpinnedView = (r: { gun: string; removed?: string[] }) => ({ gun: r.gun, ...(r.removed ? { removedIds: r.removed } : {}) });

/** Drops what is cached for a repository after its pin changed. */
function invalidated<T extends { gun: string }>(ctx: AppContext, r: T): T {
  ctx.invalidate(r.gun);
  return r;
}

export const PINS_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof PINS_CONTRACT>> = {
  'pins:list': async (ctx) => pinListView(await listPins(ctx.trust)),
  'pins:for': (ctx, r) => pinRuleFor(ctx.trust, r),
  'pins:pin-current': async (ctx, { name }) => invalidated(ctx, pinnedView(await pinCurrentRoot(ctx.trust, { name: gunOf(name) }))),
  'pins:unpin': async (ctx, { name }) => invalidated(ctx, unpinnedView(await unpinRepository(ctx.trust, { name: gunOf(name) }))),
  'offline:open': (ctx, r) => openOffline(ctx.trust, r),
  'offline:overview': (ctx, r) => offlineOverview(ctx.trust, r),
};
