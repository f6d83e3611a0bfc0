/**
 * Handler of the PIN dialog's answer (shared/ipc/secrets-contract.ts): hands the PIN to the waiting
 * token operation (secret-requests.ts). The response says only whether a question was waiting.
 */
import type { SECRETS_CONTRACT } from '../../shared/ipc/secrets-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import type { AppContext } from './context.js';

export const SECRET_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof SECRETS_CONTRACT>> = {
  'secret:answer': (ctx, { id, pin }) => ({ accepted: ctx.services.secrets.answer(id, pin) }),
};
