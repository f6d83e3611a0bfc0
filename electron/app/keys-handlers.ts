/**
 * Handlers of the Keys view's channels (shared/ipc/keys-contract.ts), spread into the registry of
 * handlers.ts. Each call runs a core use-case of electron/core/use-cases/keys.ts on the trust dir
 * of the configured docker config dir. Passphrases typed into the app's dialog are answered once
 * (oneShotProvider), after the environment's; a wrong or too short one comes back as the error value
 * PASSPHRASE_WRONG / PASSPHRASE_TOO_SHORT and the dialog asks again. Nothing here logs a request.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { KEYS_CONTRACT } from '../../shared/ipc/keys-contract.js';
import type { Settings } from '../../shared/view-model.js';
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
  type KeystoreContext,
} from '../core/use-cases/keys/keys.js';

type Spec = typeof KEYS_CONTRACT;
type KeysImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface KeysHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  /** Drops cached overviews (who holds a key is part of them). */
  invalidate: () => void;
}

export function keysHandlers(deps: KeysHandlerDeps): KeysImpl {
  async function context(answers?: { unlock?: string; new?: string }): Promise<KeystoreContext & { configDir: string }> {
    const configDir = deps.configDirOf(await deps.settings.get());
    return { configDir, trustDir: join(configDir, 'trust'), env: deps.env, now: deps.now(), ...(answers ? { prompt: oneShotProvider(answers) } : {}) };
  }
  const changed = <T>(value: T): T => {
    deps.invalidate();
    return value;
  };

  return {
    async 'keys:list'() {
      return listKeys(await context());
    },
    async 'keys:generate'({ name, dir, passphrases }) {
      const ctx = await context(passphrases);
      // the .pub file goes where asked, else next to the trust dir (the app has no meaningful cwd)
      const target = dir ?? join(ctx.configDir, 'trustdesk-public-keys');
      if (!dir) await mkdir(target, { recursive: true, mode: 0o700 });
      return changed(await generateKey(ctx, { name, dir: target }));
    },
    async 'keys:load'({ file, name, passphrases }) {
      return changed(await loadKey(await context(passphrases), { file, ...(name ? { name } : {}) }));
    },
    async 'keys:import'({ file, role, gun, passphrases }) {
      return changed(await importKeys(await context(passphrases), { file, ...(role ? { role } : {}), ...(gun ? { gun } : {}) }));
    },
    async 'keys:export'({ keyId, outFile, public: pub, passphrases }) {
      return exportKey(await context(passphrases), { keyId, outFile, public: pub ?? false });
    },
    async 'keys:passwd'({ keyId, passphrases }) {
      return changed(await changePassphrase(await context(passphrases), { keyId }));
    },
    async 'keys:remove'({ keyId, confirm }) {
      return changed(await removeKey(await context(), { keyId, confirm: confirm ?? false }));
    },
    async 'keys:restore'({ keyId }) {
      return changed(await restoreKey(await context(), { keyId }));
    },
  };
}
