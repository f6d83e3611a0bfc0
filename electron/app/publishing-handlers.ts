/**
 * Handlers of the publishing channels (shared/ipc/publishing-contract.ts): one line per channel,
 * `(context, request) → use case`. Passphrases from the app's dialog are answered once
 * (oneShotProvider) and never returned; after a publish the repository's cached overview is dropped.
 * Token PINs are asked in the PIN dialog by the app context's PIN provider (never from the environment).
 */
import { join } from 'node:path';
import type { PUBLISHING_CONTRACT } from '../../shared/ipc/publishing-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { parseReference } from '../core/base/reference.js';
import type { Change } from '../core/publishing/changelist.js';
import type { TrustContext } from '../core/session/context.js';
import { publishChangeList } from '../core/use-cases/publish/changes.js';
import { initRepository } from '../core/use-cases/publish/init.js';
import { rotateKey } from '../core/use-cases/publish/rotate.js';
import type { OperationResult } from '../core/use-cases/publish/context.js';
import { signerImpact } from '../core/use-cases/signers/signers.js';
import { createDelegateKey, delegateStatus, readPastedKey, type DelegateKeyResult } from '../core/use-cases/signers/onboarding.js';
import type { AppContext } from './context.js';

type Passphrases = { unlock?: string; new?: string } | undefined;

/** The trust context with the dialog's passphrases (first, then the environment, as the CLI does). */
function unlocked(ctx: AppContext, passphrases: Passphrases): TrustContext {
  return passphrases ? ctx.trustWith({ passphrase: oneShotProvider(passphrases) }) : ctx.trust;
}

/** A device named without a module: looked for in the Settings' modules first. */
const inSettings = <T extends { module?: string }>(ctx: AppContext, d: T): T & { settings: string[] } => ({
  ...d,
  settings: ctx.settings.pkcs11Modules,
});

/** The repository of a name (its tag or digest dropped). */
const gunOf = (name: string): string => parseReference(name).gun;

/** After a publish: the repository's cached overview is stale. */
function published<T extends OperationResult>(ctx: AppContext, r: T): T {
  if (r.published) ctx.invalidate(r.gun);
  return r;
}

/** The .pub file goes where asked, else next to the trust dir (the app has no meaningful cwd). */
const publicKeyDir = (ctx: AppContext, dir: string | undefined) =>
  dir ? { dir } : { dir: join(ctx.trust.configDir, 'trustdesk-public-keys'), createDir: true };

const createKeyResponse = (r: DelegateKeyResult) => ({
  name: r.name,
  keyId: r.keyId,
  publicKeyPath: r.publicKeyPath,
  publicKey: r.publicKeyPem,
  qrSvg: r.qrSvg,
});

export const PUBLISHING_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof PUBLISHING_CONTRACT>> = {
  'publish:preview': async (ctx, { name, changes, passphrases }) =>
    (await publishChangeList(unlocked(ctx, passphrases), { repository: gunOf(name), changes: changes as Change[], dryRun: true })).preview,
  'publish:apply': async (ctx, { name, changes, passphrases }) =>
    published(ctx, await publishChangeList(unlocked(ctx, passphrases), { repository: gunOf(name), changes: changes as Change[] })),
  'publish:init': async (ctx, { name, snapshotServerManaged, passphrases, rootDevice }) =>
    published(
      ctx,
      await initRepository(unlocked(ctx, passphrases), {
        repository: gunOf(name),
        snapshotServerManaged,
        ...(rootDevice ? { rootToken: inSettings(ctx, rootDevice) } : {}),
      }),
    ),
  'publish:rotate-root': async (ctx, { name, toDevice, passphrases }) =>
    published(
      ctx,
      await rotateKey(unlocked(ctx, passphrases), {
        repository: gunOf(name),
        role: 'root',
        ...(toDevice ? { toToken: inSettings(ctx, toDevice) } : {}),
      }),
    ),
  'signers:impact': (ctx, { name, signer }) => signerImpact(ctx.trust, { repository: gunOf(name), name: signer }),
  'onboarding:read-key': (_ctx, { pem }) => readPastedKey(pem),
  'onboarding:create-key': async (ctx, { signer, dir, passphrase }) =>
    createKeyResponse(
      await createDelegateKey(unlocked(ctx, passphrase ? { new: passphrase } : undefined), { name: signer, ...publicKeyDir(ctx, dir) }),
    ),
  'onboarding:status': (ctx, { signer, repositories, publicKey }) =>
    delegateStatus(ctx.trust, { name: signer, repositories, ...(publicKey ? { publicKeyPem: publicKey } : {}) }),
};
