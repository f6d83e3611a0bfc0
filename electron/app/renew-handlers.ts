/**
 * Handlers of the renewal channels (shared/ipc/renew-contract.ts), spread into handlers.ts: one line
 * per channel, `(context, request) → renewRepository`. A passphrase from the app is used once and
 * never returned; after a renewal the repository's cached overview is dropped.
 */
import type { RENEW_CONTRACT } from '../../shared/ipc/renew-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { parseReference } from '../core/base/reference.js';
import { renewRepository, type RenewResult } from '../core/use-cases/renew/renew.js';
import type { TrustContext } from '../core/session/context.js';
import type { AppContext } from './context.js';

const unlocked = (ctx: AppContext, p: { unlock?: string } | undefined): TrustContext =>
  p?.unlock ? ctx.trustWith({ passphrase: oneShotProvider(p) }) : ctx.trust;

function renewed(ctx: AppContext, r: RenewResult): RenewResult {
  if (r.published) ctx.invalidate(r.gun);
  return r;
}

export const RENEW_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof RENEW_CONTRACT>> = {
  'renew:plan': (ctx, { name, roles, passphrases }) =>
    renewRepository(unlocked(ctx, passphrases), { repository: parseReference(name).gun, ...(roles?.length ? { roles } : {}), dryRun: true }),
  'renew:apply': async (ctx, { name, roles, passphrases }) =>
    renewed(ctx, await renewRepository(unlocked(ctx, passphrases), { repository: parseReference(name).gun, ...(roles?.length ? { roles } : {}) })),
};
