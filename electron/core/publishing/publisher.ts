/**
 * Publishes a change list: prepares new keys once, then builds on the freshly verified server
 * state, signs and sends one multipart update. If the server refuses with VERSION or
 * INVALID_UPDATE and its state changed meanwhile (someone else published), the changes are
 * re-applied on the new state and sent again (optimistic concurrency, at most `maxAttempts`);
 * if the state did not change, the refusal is final. The server stores an update atomically, so a
 * failure at any point publishes nothing.
 */
import { FilesAndTokens } from '../signing/key-finder.js';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { TrustDeskError, isTrustDeskError } from '../base/errors.js';
import { canonicalKeyId, type PublicKeyJson } from '../tuf/keys.js';
import type { ParsedReference } from '../base/reference.js';
import type { RepositoryTrust } from '../tuf/repository-updater.js';
import { PublishRejected, type NotaryPublisher } from '../remote/notary-publisher.js';
import type { TrustSession } from '../session/trust-session.js';
import type { TrustContext } from '../session/context.js';
import { validateChange, type BaseRoleName, type Change } from './changelist.js';
import type { PublishPreview } from './diff-preview.js';
import { buildUpdate, SignerSet, type NewRepositoryKeys, type ResolvedRotation } from './metadata-builder.js';
import { makeRootCertificate } from '../signing/root-certificate.js';
import { KeyObjectSigner, type KeyRing, type Signer } from '../signing/signer.js';
import type { TokenAccess, TokenLocation } from '../signing/token/tokens.js';

function canonicalKeyIdOf(k: PublicKeyJson): string {
  try {
    return canonicalKeyId(k);
  } catch {
    return '';
  }
}

/** What the publisher needs of a TrustContext (built from one by `publishContextOf`, nowhere else). */
export interface PublishContext {
  session: TrustSession;
  /** The trust dir's key files. */
  keys: KeyRing;
  /** Keys on PKCS#11 tokens (recorded in the trust dir); signs through the token worker process. */
  tokens?: TokenAccess;
  now?: () => Date;
}

/** A root key on a token: the one recorded there (or `keyId`), else a new key generated on it. */
export interface RootTokenRequest {
  location: TokenLocation;
  keyId?: string;
}

/** The publisher's view of a TrustContext: its session (and the session's clock), key files and token keys. */
export function publishContextOf(ctx: TrustContext): PublishContext {
  return { session: ctx.session, keys: ctx.keyFiles, tokens: ctx.tokens };
}

export interface InitRequest {
  /** Snapshot key held by the server (docker's default) or here (`notary init`'s). */
  snapshotServerManaged: boolean;
  /** A root key ID of the trust dir to use; default: the first root key found, else a new one. */
  rootKeyId?: string;
  /** The root key on a hardware token instead of a key file. */
  rootToken?: RootTokenRequest;
}

export interface PublishRequest {
  ref: ParsedReference;
  changes: readonly Change[];
  /** Initialise the repository first (it must have no trust data). */
  init?: InitRequest;
  /** Only build and sign in memory: no key is stored, nothing is sent. */
  dryRun?: boolean;
  maxAttempts?: number;
  /** A root rotation's new key goes on this token (generated there unless one is recorded). */
  rotateRootTo?: RootTokenRequest;
  /** Renewal: the current state is verified accepting the expiry of these roles. */
  acceptExpired?: (role: string) => boolean;
  /** Renewal: the lifetime (ms) of the renewed roles instead of notary's defaults. */
  lifetimeMs?: number;
}

export interface PublishResult {
  gun: string;
  published: boolean;
  preview: PublishPreview;
  /** How many updates were sent (more than 1 after another publisher won a race). */
  attempts: number;
  /** Keys made for this publish (IDs, roles): the new root/targets/snapshot key files. */
  newKeys: { keyId: string; role: string }[];
  /** The verified state after publishing (absent for a dry run). */
  trust?: RepositoryTrust;
}

const DEFAULT_ATTEMPTS = 4;

function snapshotHash(trust: RepositoryTrust): string {
  return createHash('sha256').update(trust.snapshot.raw).digest('hex');
}

/** The verified current state, straight from the server (a cached fallback cannot be published on). */
export async function loadRemoteTrust(
  session: TrustSession,
  ref: ParsedReference,
  opts: { acceptExpired?: (role: string) => boolean } = {},
): Promise<RepositoryTrust> {
  const trust = await session.loadTrust(ref, opts);
  if (trust.source !== 'remote') {
    throw new TrustDeskError(
      'NETWORK_UNREACHABLE',
      `the trust server for ${ref.gun} cannot be reached (only cached data was read): nothing was published`,
    );
  }
  return trust;
}

async function existingTrust(
  session: TrustSession,
  ref: ParsedReference,
  opts: { acceptExpired?: (role: string) => boolean } = {},
): Promise<RepositoryTrust | undefined> {
  try {
    return await loadRemoteTrust(session, ref, opts);
  } catch (err) {
    if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) return undefined;
    throw err;
  }
}

function ephemeral(): KeyObjectSigner {
  return new KeyObjectSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** A token error (PIN, token pulled out, module crash) while preparing or signing: nothing was sent. */
export async function publishChanges(ctx: PublishContext, req: PublishRequest): Promise<PublishResult> {
  try {
    return await publishChangesOnce(ctx, req);
  } catch (err) {
    if (err instanceof TrustDeskError && err.code.startsWith('TOKEN_') && !/nothing was published/.test(err.message)) {
      throw new TrustDeskError(err.code, `${err.message}; nothing was published`, { cause: err });
    }
    throw err;
  }
}

async function publishChangesOnce(ctx: PublishContext, req: PublishRequest): Promise<PublishResult> {
  for (const c of req.changes) validateChange(c);
  const { session } = ctx;
  const gun = req.ref.gun;
  const now = () => ctx.now?.() ?? session.now();
  const signers = new SignerSet(new FilesAndTokens(ctx.keys, ctx.tokens));
  const newKeys: { keyId: string; role: string }[] = [];
  let publisher: NotaryPublisher | undefined;
  const server = async () => (publisher ??= await session.notaryPublisher(req.ref));
  const loadOpts = req.acceptExpired ? { acceptExpired: req.acceptExpired } : {};
  const renewal = req.lifetimeMs !== undefined ? { lifetimeMs: req.lifetimeMs } : {};

  let trust: RepositoryTrust | undefined;
  let init: NewRepositoryKeys | undefined;
  if (req.init) {
    if (await existingTrust(session, req.ref)) {
      throw new TrustDeskError('REPOSITORY_EXISTS', `${gun} already has trust data on the server`);
    }
    init = await prepareInit(ctx, req, signers, newKeys, server);
  } else {
    trust = await loadRemoteTrust(session, req.ref, loadOpts);
  }
  const rotations = await prepareRotations(ctx, req, signers, newKeys, server);

  const maxAttempts = req.maxAttempts ?? DEFAULT_ATTEMPTS;
  const versionHints: Record<string, number> = {};
  for (let attempt = 1; ; attempt++) {
    // the same build again once the version hints are known
    const build = () =>
      buildUpdate({ gun, now: now(), trust, init: trust ? undefined : init, changes: req.changes, rotations, signers, versionHints, ...renewal });
    let built = await build();
    if (built.needsVersionHints && !req.dryRun) {
      // a delegation added again: the server keeps the removed role's file, continue from its version
      const source = await session.notarySource(req.ref);
      for (const role of built.needsVersionHints) {
        const raw = await source.fetchRole(gun, role, { maxBytes: 64 * 1024 * 1024 });
        const v = (JSON.parse(raw.toString('utf8')) as { signed?: { version?: unknown } }).signed?.version;
        versionHints[role] = Number.isSafeInteger(v) ? (v as number) : 0;
      }
      built = await build();
    }
    if (req.dryRun) {
      if (newKeys.length === 0 && (req.init || rotations.size > 0))
        built.preview.warnings.push('dry run: new keys are made only when publishing, so their IDs will differ');
      return { gun, published: false, preview: built.preview, attempts: 0, newKeys };
    }
    try {
      await (await server()).publish(gun, built.parts);
    } catch (err) {
      if (err instanceof PublishRejected && err.mayBeStale && attempt < maxAttempts) {
        const fresh = await existingTrust(session, req.ref, loadOpts);
        const changed = fresh && (!built.basedOnSnapshot || snapshotHash(fresh) !== built.basedOnSnapshot);
        if (changed) {
          trust = fresh; // someone else published: re-apply on their state
          continue;
        }
      }
      if (err instanceof PublishRejected && err.mayBeStale && attempt >= maxAttempts) {
        throw new TrustDeskError(
          'PUBLISH_CONFLICT',
          `${gun} kept changing while publishing (${attempt} attempts): nothing of this change list was published; ${err.message}`,
        );
      }
      if (
        err instanceof PublishRejected &&
        /snapshot/i.test(err.message) &&
        built.preview.roles.some((r) => r.role === 'snapshot' && r.signedBy === 'server')
      ) {
        throw new TrustDeskError(
          'PUBLISH_REJECTED',
          `${err.message}. The snapshot key of ${gun} is neither on this machine nor on the trust server (notary init keeps it locally): the holder of the snapshot key can hand it to the server with "trustdesk key rotate ${gun} snapshot --server-managed"; nothing was published`,
          { cause: err },
        );
      }
      if (err instanceof TrustDeskError && !(err instanceof PublishRejected)) {
        // the update may or may not have reached the server (it stores it whole or not at all): look
        const now = await existingTrust(session, req.ref).catch(() => undefined);
        const unchanged = built.basedOnSnapshot ? now && snapshotHash(now) === built.basedOnSnapshot : now === undefined;
        const verdict =
          unchanged === true
            ? 'nothing was published (the server state is unchanged)'
            : now
              ? 'the server state changed meanwhile: check it with trustdesk inspect'
              : 'the server could not be asked whether the update arrived: check it with trustdesk inspect';
        throw new TrustDeskError(err.code, `sending the update of ${gun} failed: ${err.message}; ${verdict}`, { cause: err });
      }
      throw err;
    }
    const after = await loadRemoteTrust(session, req.ref).catch(() => undefined);
    return { gun, published: true, preview: built.preview, attempts: attempt, newKeys, ...(after ? { trust: after } : {}) };
  }
}

async function prepareInit(
  ctx: PublishContext,
  req: PublishRequest,
  signers: SignerSet,
  newKeys: { keyId: string; role: string }[],
  server: () => Promise<NotaryPublisher>,
): Promise<NewRepositoryKeys> {
  const gun = req.ref.gun;
  const now = ctx.now?.() ?? ctx.session.now();
  const init = req.init!;
  if (init.rootToken) {
    const root = await tokenRoot(ctx, init.rootToken, gun, now, !!req.dryRun, newKeys, new Set());
    signers.add(root.signer);
    return prepareOtherKeys(ctx, req, signers, newKeys, server, root.key);
  }
  // root: the given or first root key of the trust dir (docker, notary), else a new one
  let rootSigner: KeyObjectSigner;
  const rootKeys = await ctx.keys.rootKeys();
  const chosen = init.rootKeyId ? rootKeys.find((e) => e.keyId.startsWith(init.rootKeyId!.toLowerCase())) : rootKeys[0];
  if (init.rootKeyId && !chosen) throw new TrustDeskError('KEY_NOT_FOUND', `no root key ${init.rootKeyId} in ${ctx.keys.trustDir}`);
  if (req.dryRun) rootSigner = chosen ? await ctx.keys.rootSigner(chosen) : ephemeral();
  else if (chosen) rootSigner = await ctx.keys.rootSigner(chosen);
  else {
    rootSigner = await ctx.keys.generate({ role: 'root' });
    newKeys.push({ keyId: rootSigner.keyId, role: 'root' });
  }
  const cert = makeRootCertificate(rootSigner.privateKey, gun, now);
  signers.add(rootSigner);
  return prepareOtherKeys(ctx, req, signers, newKeys, server, cert.key);
}

/** The root of a new repository or rotation on a token: its key, a certificate signed on the token. */
async function tokenRoot(
  ctx: PublishContext,
  r: RootTokenRequest,
  gun: string,
  now: Date,
  dryRun: boolean,
  newKeys: { keyId: string; role: string }[],
  exclude: Set<string>,
): Promise<{ signer: Signer; key: PublicKeyJson }> {
  if (!ctx.tokens) throw new TrustDeskError('INTERNAL', 'hardware tokens are not available here');
  if (dryRun) {
    // nothing is made on the token for a dry run: a stand-in key shows the shape of the change
    const s = ephemeral();
    return { signer: s, key: makeRootCertificate(s.privateKey, gun, now).key };
  }
  const { record, created } = await ctx.tokens.rootOn(r.location, { exclude, ...(r.keyId ? { keyId: r.keyId } : {}) });
  if (created) newKeys.push({ keyId: record.keyId, role: 'root' });
  const cert = await ctx.tokens.rootCertificate(record, gun, now);
  return { signer: ctx.tokens.signerOf(record), key: cert.key };
}

async function prepareOtherKeys(
  ctx: PublishContext,
  req: PublishRequest,
  signers: SignerSet,
  newKeys: { keyId: string; role: string }[],
  server: () => Promise<NotaryPublisher>,
  rootKey: PublicKeyJson,
): Promise<NewRepositoryKeys> {
  const gun = req.ref.gun;
  const init = req.init!;
  const targetsSigner = req.dryRun ? ephemeral() : await ctx.keys.generate({ role: 'targets', gun });
  if (!req.dryRun) newKeys.push({ keyId: targetsSigner.keyId, role: 'targets' });
  signers.add(targetsSigner);
  let snapshot: PublicKeyJson;
  let timestamp: PublicKeyJson;
  if (req.dryRun) {
    snapshot = ephemeral().publicKey;
    timestamp = ephemeral().publicKey;
    if (!init.snapshotServerManaged) {
      const s = ephemeral();
      signers.add(s);
      snapshot = s.publicKey;
    }
  } else {
    // GET <role>.key creates a key on the server: once per initialisation
    timestamp = (await (await server()).serverKey(gun, 'timestamp')).key;
    if (init.snapshotServerManaged) snapshot = (await (await server()).serverKey(gun, 'snapshot')).key;
    else {
      const s = await ctx.keys.generate({ role: 'snapshot', gun });
      newKeys.push({ keyId: s.keyId, role: 'snapshot' });
      signers.add(s);
      snapshot = s.publicKey;
    }
  }
  return { root: rootKey, targets: targetsSigner.publicKey, snapshot, snapshotServerManaged: init.snapshotServerManaged, timestamp };
}

async function prepareRotations(
  ctx: PublishContext,
  req: PublishRequest,
  signers: SignerSet,
  newKeys: { keyId: string; role: string }[],
  server: () => Promise<NotaryPublisher>,
): Promise<Map<BaseRoleName, ResolvedRotation>> {
  const out = new Map<BaseRoleName, ResolvedRotation>();
  const gun = req.ref.gun;
  for (const c of req.changes) {
    if (c.kind !== 'rotate-key') continue;
    if (out.has(c.role)) throw new TrustDeskError('INVALID_ARGUMENT', `the ${c.role} key is rotated twice in one change list`);
    const serverManaged = c.role === 'timestamp' || (c.role === 'snapshot' && !!c.serverManaged);
    let key: PublicKeyJson;
    if (serverManaged) {
      key = req.dryRun ? ephemeral().publicKey : (await (await server()).serverKey(gun, c.role as 'snapshot' | 'timestamp', { rotate: true })).key;
    } else if (c.role === 'root' && req.rotateRootTo) {
      const current = new Set<string>();
      const trust = await loadRemoteTrust(ctx.session, req.ref).catch(() => undefined);
      for (const id of trust?.root.signed.roles.root?.keyids ?? []) {
        const k = trust?.root.signed.keys[id];
        if (k) current.add(canonicalKeyIdOf(k));
      }
      const root = await tokenRoot(ctx, req.rotateRootTo, gun, ctx.now?.() ?? ctx.session.now(), !!req.dryRun, newKeys, current);
      signers.add(root.signer);
      key = root.key;
    } else {
      const role = c.role;
      const signer = req.dryRun ? ephemeral() : await ctx.keys.generate({ role, ...(role === 'root' ? {} : { gun }) });
      if (!req.dryRun) newKeys.push({ keyId: signer.keyId, role });
      signers.add(signer);
      key = role === 'root' ? makeRootCertificate(signer.privateKey, gun, ctx.now?.() ?? ctx.session.now()).key : signer.publicKey;
    }
    out.set(c.role, { role: c.role, key, serverManaged });
  }
  return out;
}

export { PublishRejected };
