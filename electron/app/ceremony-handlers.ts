/**
 * Handlers of the Ceremony view (shared/ipc/ceremony-contract.ts): one line per channel, each a use
 * case of core/use-cases/ceremony/ (the same the CLI's `trustdesk root|bundle|ceremony` run).
 * `ceremony:bundle-open` and `ceremony:bundle-sign` read and write local files and sign with local
 * keys or tokens only: no network, so they work with networking off. In offline mode (Settings) the
 * channels that need the trust server are refused before any connection is tried. The passphrases
 * typed into a step reach the use case through the context's passphrase provider, once; a token's
 * PIN is asked in the PIN dialog by the app context's PIN provider (never a field of a step).
 */
import type { CEREMONY_CONTRACT } from '../../shared/ipc/ceremony-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import { TrustDeskError } from '../core/base/errors.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import type { TrustContext } from '../core/session/context.js';
import { generateRootKey } from '../core/use-cases/ceremony/root-generate.js';
import { backupRootKey } from '../core/use-cases/ceremony/root-backup.js';
import { saveShareSheetsPdf } from '../core/use-cases/ceremony/share-sheets-pdf.js';
import { runRestoreDrill } from '../core/use-cases/ceremony/restore-drill.js';
import { requestRootRotation } from '../core/use-cases/ceremony/root-rotate.js';
import { showBundle } from '../core/use-cases/ceremony/bundle-show.js';
import { signBundleFile } from '../core/use-cases/ceremony/bundle-sign.js';
import { importBundle } from '../core/use-cases/ceremony/bundle-import.js';
import { verifyCeremonyLog } from '../core/use-cases/ceremony/ceremony-log.js';
import type { AppContext } from './context.js';

type Passphrases = { unlock?: string; new?: string } | undefined;

/** The context with the step's passphrases, if the request carried any; a token's PIN comes from the PIN dialog (the app context's provider). */
function answered(ctx: AppContext, passphrases: Passphrases): TrustContext {
  return passphrases ? ctx.trustWith({ passphrase: oneShotProvider(passphrases) }) : ctx.trust;
}

/** Refuses a step that needs the trust server in offline mode, before any connection. */
function online(ctx: TrustContext, what: string): TrustContext {
  if (ctx.offline)
    throw new TrustDeskError(
      'NETWORK_UNREACHABLE',
      `TrustDesk is in offline mode: ${what} needs the trust server; turn offline mode off in Settings on the online machine`,
    );
  return ctx;
}

/** Drops the cached overview of a repository whose root was published. */
function invalidated<T extends { published: boolean; gun: string }>(ctx: AppContext, r: T): T {
  if (r.published) ctx.invalidate(r.gun);
  return r;
}

export const CEREMONY_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof CEREMONY_CONTRACT>> = {
  'ceremony:generate': (ctx, { passphrases }) => generateRootKey(answered(ctx, passphrases)),
  'ceremony:backup': (ctx, r) => backupRootKey(ctx.trust, r),
  'ceremony:shares-pdf': (ctx, r) => saveShareSheetsPdf(ctx.trust, r),
  'ceremony:drill': (ctx, { passphrases, ...r }) => runRestoreDrill(answered(ctx, passphrases), r),
  'ceremony:rotate-request': (ctx, { passphrases, ...r }) => requestRootRotation(online(answered(ctx, passphrases), 'preparing a root rotation'), r),
  'ceremony:bundle-open': (ctx, r) => showBundle(ctx.trust, r),
  'ceremony:bundle-sign': (ctx, { passphrases, ...r }) => signBundleFile(answered(ctx, passphrases), r),
  'ceremony:bundle-import': async (ctx, r) => invalidated(ctx, await importBundle(online(ctx.trust, 'importing a signed bundle'), r)),
  'ceremony:log-verify': (ctx, r) => verifyCeremonyLog(ctx.trust, r),
};
