/**
 * Handlers of the system's file dialogs (shared/ipc/dialog-contract.ts): one line per channel, each
 * asks the app's FileDialogs port (context.ts) and answers the chosen path(s), none when cancelled.
 */
import type { DIALOG_CONTRACT } from '../../shared/ipc/dialog-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import type { AppContext } from './context.js';

export const DIALOG_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof DIALOG_CONTRACT>> = {
  'dialog:open': async (ctx, r) => ({ paths: await ctx.services.dialogs.open(r) }),
  'dialog:save': async (ctx, r) => ({ path: await ctx.services.dialogs.save(r) }),
};
