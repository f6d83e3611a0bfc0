/**
 * Handlers of the publishing channels (shared/ipc/publishing-contract.ts), spread into the registry
 * of handlers.ts. Each call opens a session like the overview loader does, runs a core use-case and
 * returns its IPC-safe result; after a publish the repository's cached overview is dropped.
 * Passphrases from the app's dialog are answered once (oneShotProvider) and never returned.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { PUBLISHING_CONTRACT } from '../../shared/ipc/publishing-contract.js';
import type { Settings } from '../../shared/view-model.js';
import { keyId } from '../core/tuf/keys.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { publishChanges } from '../core/publishing/publisher.js';
import { parseReference } from '../core/base/reference.js';
import { createDelegateKey, delegateStatus } from '../core/use-cases/signers/onboarding.js';
import { initRepository } from '../core/use-cases/publish/init.js';
import { toOperationResult, toPublishContext, type PublishingContext } from '../core/use-cases/publish/context.js';
import { publicKeyFromPem, signerRemovalImpact } from '../core/use-cases/signers/signers.js';
import { loadRemoteTrust } from '../core/publishing/publisher.js';
import { TrustSession } from '../core/session/trust-session.js';
import type { Change } from '../core/publishing/changelist.js';
import { TokenAccess } from '../core/signing/token/tokens.js';
import type { TransportFactory } from '../core/signing/token/client.js';

type Spec = typeof PUBLISHING_CONTRACT;
type PublishingImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface PublishingHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  /** Drops what is cached for a repository after it changed. */
  invalidate: (gun: string) => void;
  /** How the PKCS#11 worker runs (main: a utilityProcess), for root keys on hardware tokens. */
  pkcs11Transport?: TransportFactory;
}

export function publishingHandlers(deps: PublishingHandlerDeps): PublishingImpl {
  async function withContext<T>(registryOf: string | undefined, answers: { unlock?: string; new?: string } | undefined, fn: (ctx: PublishingContext) => Promise<T>): Promise<T> {
    const s = await deps.settings.get();
    const session = new TrustSession({
      env: deps.env,
      configDir: deps.configDirOf(s),
      ...(registryOf ? { server: s.trustServers[registryOf], tlsCaCert: s.caFiles[registryOf] } : {}),
      offline: s.offline,
    });
    // token keys recorded in the trust dir sign too; the app has no PIN dialog yet, so only TRUSTDESK_TOKEN_PIN
    const tokens = new TokenAccess({ trustDir: session.cache.trustDir, env: deps.env, ...(deps.pkcs11Transport ? { transport: deps.pkcs11Transport } : {}) });
    try {
      // the dialog's passphrases first, then the environment, as the CLI does
      return await fn({ session, env: deps.env, tokens, ...(answers ? { prompt: oneShotProvider(answers) } : {}) });
    } finally {
      tokens.close();
      session.close();
    }
  }

  const publish = async (name: string, changes: Change[], passphrases: { unlock?: string; new?: string } | undefined, dryRun: boolean) => {
    const ref = parseReference(parseReference(name).gun);
    const result = await withContext(ref.registry, passphrases, async (ctx) => publishChanges(toPublishContext(ctx), { ref, changes, dryRun }));
    if (!dryRun) deps.invalidate(ref.gun);
    return result;
  };

  return {
    async 'publish:preview'({ name, changes, passphrases }) {
      return (await publish(name, changes as Change[], passphrases, true)).preview;
    },
    async 'publish:apply'({ name, changes, passphrases }) {
      return toOperationResult(await publish(name, changes as Change[], passphrases, false));
    },
    async 'publish:init'({ name, snapshotServerManaged, passphrases }) {
      const ref = parseReference(parseReference(name).gun);
      const r = await withContext(ref.registry, passphrases, (ctx) => initRepository(ctx, { repository: ref.gun, snapshotServerManaged }));
      deps.invalidate(ref.gun);
      return r;
    },
    async 'signers:impact'({ name, signer }) {
      const ref = parseReference(parseReference(name).gun);
      return withContext(ref.registry, undefined, async (ctx) => signerRemovalImpact(await loadRemoteTrust(ctx.session, ref), signer));
    },
    async 'onboarding:read-key'({ pem }) {
      const key = publicKeyFromPem(pem, 'the pasted key');
      return { keyId: keyId(key), keyType: key.keytype, publicValue: key.keyval.public };
    },
    async 'onboarding:create-key'({ signer, dir, passphrase }) {
      // the .pub file goes where asked, else next to the trust dir (the app has no meaningful cwd)
      const target = dir ?? join(deps.configDirOf(await deps.settings.get()), 'trustdesk-public-keys');
      if (!dir) await mkdir(target, { recursive: true, mode: 0o700 });
      const r = await withContext(undefined, passphrase ? { new: passphrase } : undefined, (ctx) => createDelegateKey(ctx, { name: signer, dir: target }));
      return { name: r.name, keyId: r.keyId, publicKeyPath: r.publicKeyPath, publicKey: r.publicKeyPem, qrSvg: r.qrSvg };
    },
    async 'onboarding:status'({ signer, repositories, publicKey }) {
      const registry = parseReference(repositories[0]!).registry;
      return withContext(registry, undefined, (ctx) => delegateStatus(ctx, { name: signer, repositories, ...(publicKey ? { publicKeyPem: publicKey } : {}) }));
    },
  };
}
