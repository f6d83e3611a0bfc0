/**
 * Handler of the cosign channel (shared/ipc/cosign-contract.ts), spread into handlers.ts: the cosign
 * state of every tag of a repository for a public key file the user chose (PEM, cosign.pub).
 */
import type { ChannelHandlers } from '../../shared/ipc/handlers.js';
import { cosignTagStates } from '../core/use-cases/cosign/tag-states.js';
import type { AppContext } from './context.js';

export const COSIGN_HANDLERS: ChannelHandlers<AppContext, 'cosign:tags'> = {
  'cosign:tags': (ctx, { name, keyFile }) => cosignTagStates(ctx.trust, { name, keyFile }),
};
