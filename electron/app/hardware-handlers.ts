/**
 * Handlers of the Hardware keys view (shared/ipc/hardware-contract.ts), spread into the registry of
 * handlers.ts: the token doctor through the PKCS#11 worker (a utilityProcess in the app, so a vendor
 * module that crashes takes down only that process) and the token keys recorded in the trust dir.
 * Read without a PIN: the request's context has no PIN source.
 */
import type { HARDWARE_CONTRACT } from '../../shared/ipc/hardware-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import { hardwareReport } from '../core/use-cases/tokens/tokens.js';
import type { AppContext } from './context.js';

export const HARDWARE_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof HARDWARE_CONTRACT>> = {
  'hardware:doctor': (ctx, { modules }) => hardwareReport(ctx.trust, { modules: modules ?? ctx.settings.pkcs11Modules }),
};
