/**
 * Handlers of the Keys view's channels (shared/ipc/keys-contract.ts), spread into the registry of
 * handlers.ts: one line per channel, each a use case of electron/core/use-cases/keys/keys.ts on the
 * request's context (the trust dir of the configured docker config dir). Passphrases typed into the
 * app's dialog are answered once (oneShotProvider), after the environment's; a wrong or too short one
 * comes back as the error value PASSPHRASE_WRONG / PASSPHRASE_TOO_SHORT and the dialog asks again.
 * Nothing here logs a request.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KEYS_CONTRACT } from '../../shared/ipc/keys-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import type { TrustContext } from '../core/session/context.js';
import {
  changePassphrase,
  exportKey,
  generateKey,
  importKeys,
  listKeys,
  loadKey,
  oneShotProvider,
  removeKey,
  restoreKey,
} from '../core/use-cases/keys/keys.js';
import type { AppContext } from './context.js';

/** The request's context, with the dialog's passphrases (if any) answered once. */
function keysContext(ctx: AppContext, passphrases?: { unlock?: string; new?: string }): TrustContext {
  return passphrases ? ctx.trustWith({ passphrase: oneShotProvider(passphrases) }) : ctx.trust;
}

/** Who holds a key is part of the cached overviews: a change drops them all. */
function changed<T>(ctx: AppContext, value: T): T {
  ctx.invalidate();
  return value;
}

/** The .pub file goes where asked, else next to the trust dir (the app has no meaningful cwd). */
async function publicKeyDir(trust: TrustContext, dir: string | undefined): Promise<string> {
  if (dir) return dir;
  const target = join(trust.configDir, 'trustdesk-public-keys');
  await mkdir(target, { recursive: true, mode: 0o700 });
  return target;
}

export const KEYS_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof KEYS_CONTRACT>> = {
  'keys:list': (ctx) => listKeys(ctx.trust),
  'keys:generate': async (ctx, { name, dir, passphrases }) => {
    const trust = keysContext(ctx, passphrases);
    return changed(ctx, await generateKey(trust, { name, dir: await publicKeyDir(trust, dir) }));
  },
  'keys:load': async (ctx, { file, name, passphrases }) =>
    changed(ctx, await loadKey(keysContext(ctx, passphrases), { file, ...(name ? { name } : {}) })),
  'keys:import': async (ctx, { file, role, gun, passphrases }) =>
    changed(ctx, await importKeys(keysContext(ctx, passphrases), { file, ...(role ? { role } : {}), ...(gun ? { gun } : {}) })),
  'keys:export': (ctx, { keyId, outFile, public: pub, passphrases }) =>
    exportKey(keysContext(ctx, passphrases), { keyId, outFile, public: pub ?? false }),
  'keys:passwd': async (ctx, { keyId, passphrases }) => changed(ctx, await changePassphrase(keysContext(ctx, passphrases), { keyId })),
  'keys:remove': async (ctx, { keyId, confirm }) => changed(ctx, await removeKey(ctx.trust, { keyId, confirm: confirm ?? false })),
  'keys:restore': async (ctx, { keyId }) => changed(ctx, await restoreKey(ctx.trust, { keyId })),
};
