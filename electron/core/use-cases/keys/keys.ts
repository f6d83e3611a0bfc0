/**
 * Key use-cases for the CLI (`trustdesk key ...`) and the app's Keys view.
 *
 * IPC contract: every result type here holds public information only (key IDs, roles, GUNs,
 * algorithm, file paths, usage, warnings). No result ever contains private key bytes (encrypted or
 * not) or a passphrase; passphrases come in through a `PassphraseProvider` callback (the app's
 * dialog, the CLI's prompt) and are zero-filled after use. The one exception is
 * `privateKeyExportText`, for the CLI's `key export` to stdout only: the app must use `exportKey`
 * with a file path instead.
 */
import { generateKeyPairSync, createPublicKey, type KeyObject } from 'node:crypto';
import { lstat, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TrustCache } from '../../cache/trust-cache.js';
import { TrustDeskError, isTrustDeskError } from '../../base/errors.js';
import { writeFileAtomic } from '../../base/fs-atomic.js';
import { dockerConfigDir } from '../../remote/docker-config.js';
import { KeyFileStore, type KeyFileEntry, type KeyLayout, type RemovedKey } from '../../keystore/key-file-store.js';
import { encodePem, parsePemBlocks, type PemBlock } from '../../keystore/pem-format.js';
import {
  classifyBlock,
  encryptKey,
  keyAlgorithm,
  openBlock,
  privateKeyId,
  PRIVATE_KEY_LABELS,
  type BlockEncryption,
  type KeyAlgorithm,
} from '../../keystore/pkcs8-encryption.js';
import {
  clearAll,
  newPassphrase,
  unlockWith,
  type PassphraseProvider,
  type PassphraseSources,
  type PassphraseRequest,
  type PassphraseStrength,
  type Preference,
} from '../../keystore/passphrase-sources.js';
import { reconcile, repositoryRoles, type Finding, type KeyUsage } from '../../keystore/inventory.js';
import type { TrustContext } from '../../session/context.js';

export type { Finding, KeyUsage, PassphraseProvider, PassphraseRequest, PassphraseStrength };
/** For the app: `oneShotProvider` wraps the passphrases of one dialog; `passphraseStrength` feeds its meter. */
export { oneShotProvider, passphraseStrength, MIN_PASSPHRASE_LENGTH } from '../../keystore/passphrase-sources.js';

/**
 * Every use case here takes the one TrustContext: its trust dir (`$DOCKER_CONFIG/trust`, or a notary
 * `-d` dir) is where keys live; passphrases come from the environment, then `ctx.secrets.passphrase`
 * (the CLI's prompt, the app's dialog); `ctx.now()` dates removals and judges cached metadata.
 */

/** What the keystore needs of a context. */
interface Keystore {
  trustDir: string;
  env: NodeJS.ProcessEnv;
  prompt: PassphraseProvider | undefined;
  now(): Date;
}

function keystoreOf(ctx: TrustContext): Keystore {
  return { trustDir: ctx.trustDir, env: ctx.env, prompt: ctx.secrets.passphrase, now: () => ctx.now() };
}

function passphrases(ctx: Keystore, extra: Pick<PassphraseSources, 'prefer' | 'newPassphraseEnv'> = {}): PassphraseSources {
  return { env: ctx.env, prompt: ctx.prompt, ...extra };
}

/** The trust dir docker uses: `--config DIR`/trust, else `$DOCKER_CONFIG/trust`, else `~/.docker/trust`. */
export function defaultTrustDir(env: NodeJS.ProcessEnv, configDir?: string): string {
  return join(configDir ?? dockerConfigDir(env), 'trust');
}

/** Docker's rule for key names (`docker trust key generate/load`). */
export const KEY_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

function checkName(name: string): void {
  if (!KEY_NAME_RE.test(name)) {
    throw new TrustDeskError(
      'INVALID_ARGUMENT',
      `key name "${name}" must start with lowercase alphanumeric characters and can include "-" or "_" after the first character`,
    );
  }
}

const BASE_WITH_GUN = new Set(['targets', 'snapshot']);

// --- results (IPC-safe) ---

export interface KeyInfo {
  keyId: string;
  /** Other IDs of the same key in metadata: the certificate IDs of a root key, one per repository. */
  otherIds: string[];
  role?: string;
  gun?: string;
  algorithm?: KeyAlgorithm;
  path: string;
  /** The directory, as notary's LOCATION column. */
  location: string;
  layout: KeyLayout;
  encryption: BlockEncryption | 'unreadable';
  notaryCompatible: boolean;
  usedBy: KeyUsage[];
  warnings: string[];
}

export interface RepositoryKeysInfo {
  gun: string;
  verified: boolean;
  roles: { role: string; threshold: number; keyIds: string[]; localKeyIds: string[] }[];
  warnings: string[];
}

export interface RemovedKeyInfo {
  keyId: string;
  role?: string;
  gun?: string;
  path: string;
  originalPath: string;
  removedAt: string;
}

export interface KeyListResult {
  trustDir: string;
  /** Root keys first, then by role, GUN and key ID (notary's order). */
  keys: KeyInfo[];
  repositories: RepositoryKeysInfo[];
  /** Missing keys, stale keys, orphans, unverifiable metadata, file problems. */
  findings: Finding[];
  removed: RemovedKeyInfo[];
}

export interface KeyWriteResult {
  keyId: string;
  role: string;
  gun?: string;
  path: string;
  algorithm: KeyAlgorithm;
  /** The key was re-encrypted in notary's format (it came unencrypted or in a format notary cannot open). */
  reencrypted: boolean;
  warnings: string[];
}

export interface GenerateKeyResult extends KeyWriteResult {
  publicKeyPath: string;
}

export interface RemoveKeyResult {
  keyId: string;
  /** `moved`: recoverable with restoreKey; `deleted`: gone for good. */
  state: 'moved' | 'deleted';
  movedTo?: string;
  deleted: string[];
  /** What the key served in cached metadata (signing those roles here will fail without it). */
  usedBy: KeyUsage[];
}

function toRemovedInfo(r: RemovedKey): RemovedKeyInfo {
  return {
    keyId: r.keyId,
    ...(r.role ? { role: r.role } : {}),
    ...(r.gun ? { gun: r.gun } : {}),
    path: r.path,
    originalPath: r.originalPath,
    removedAt: r.removedAt,
  };
}

function roleOrder(role: string | undefined): number {
  return role === 'root' ? 0 : role === 'targets' ? 1 : role === 'snapshot' ? 2 : 3;
}

// --- list / inventory ---

/** Runs `fn` over `items` with at most `limit` in flight (a big cache must not exhaust file handles). */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function listKeys(context: TrustContext): Promise<KeyListResult> {
  const ctx = keystoreOf(context);
  const store = new KeyFileStore(ctx.trustDir);
  const cache = new TrustCache(ctx.trustDir);
  const [entries, guns, removed, dirWarnings] = await Promise.all([store.list(), cache.listRepositories(), store.listRemoved(), store.dirWarnings()]);
  const repos = await mapLimited(guns, 8, (g) => repositoryRoles(cache, g, ctx.now()));
  const rec = reconcile(entries, repos);
  const local = new Set(entries.map((e) => e.keyId));
  const keys: KeyInfo[] = entries.map((e) => {
    const u = rec.usage.get(e.keyId)!;
    return {
      keyId: e.keyId,
      otherIds: u.otherIds,
      ...(e.role ? { role: e.role } : {}),
      ...(e.gun ? { gun: e.gun } : {}),
      ...(e.algorithm ? { algorithm: e.algorithm } : {}),
      path: e.path,
      location: dirname(e.path),
      layout: e.layout,
      encryption: e.encryption,
      notaryCompatible: e.notaryCompatible,
      usedBy: u.usedBy,
      warnings: e.warnings,
    };
  });
  keys.sort(
    (a, b) =>
      roleOrder(a.role) - roleOrder(b.role) ||
      (a.role ?? '').localeCompare(b.role ?? '') ||
      (a.gun ?? '').localeCompare(b.gun ?? '') ||
      a.keyId.localeCompare(b.keyId),
  );
  return {
    trustDir: ctx.trustDir,
    keys,
    repositories: repos.map((r) => ({
      gun: r.gun,
      verified: r.verified,
      roles: r.roles.map((a) => ({ role: a.role, threshold: a.threshold, keyIds: a.keyIds, localKeyIds: a.keyIds.filter((id) => local.has(id)) })),
      warnings: r.warnings,
    })),
    findings: [...dirWarnings.map((message): Finding => ({ severity: 'warning', kind: 'key-file', keyIds: [], message })), ...rec.findings],
    removed: removed.map(toRemovedInfo),
  };
}

// --- shared helpers ---

async function unlockEntry(ctx: Keystore, entry: KeyFileEntry, prefer: Preference): Promise<{ key: KeyObject; passphrase?: Buffer }> {
  if (!entry.block) throw new TrustDeskError('KEY_FORMAT_INVALID', `${entry.path} cannot be read: ${entry.warnings.join('; ')}`);
  const block = entry.block;
  if (classifyBlock(block).encryption === 'none') return { key: openBlock(block) };
  return unlockWith(
    { keyId: entry.keyId, role: entry.role ?? 'unknown', ...(entry.gun ? { gun: entry.gun } : {}) },
    passphrases(ctx, { prefer }),
    (p) => openBlock(block, p),
  );
}

/** Notary's headers for a role: the GUN only for targets and snapshot keys. */
function headersFor(role: string, gun: string | undefined): Record<string, string> {
  return BASE_WITH_GUN.has(role) && gun ? { gun, role } : { role };
}

interface PreparedKey {
  keyId: string;
  role: string;
  gun?: string;
  algorithm: KeyAlgorithm;
  pem: string;
  reencrypted: boolean;
  warnings: string[];
}

/**
 * Turns an input block into the key file we store: encrypted blocks are opened (to learn the key ID
 * and prove the passphrase); notary-compatible PBES2 bytes are kept as they are, anything else is
 * encrypted in notary's format (with the passphrase that opened it, or a new one for plain keys).
 */
async function prepareBlock(
  ctx: Keystore,
  store: KeyFileStore,
  block: PemBlock,
  role: string,
  gun: string | undefined,
  prefer: Preference,
  source: string,
): Promise<PreparedKey> {
  const info = classifyBlock(block);
  const warnings: string[] = [];
  let key: KeyObject;
  let passphrase: Buffer | undefined;
  if (info.encryption === 'none') {
    key = openBlock(block);
  } else {
    ({ key, passphrase } = await unlockWith(
      { keyId: block.headers.path ?? '', role, ...(gun ? { gun } : {}), source },
      passphrases(ctx, { prefer }),
      (p) => openBlock(block, p),
    ));
  }
  try {
    const algorithm = keyAlgorithm(key);
    const keyId = privateKeyId(key);
    if (block.headers.path && block.headers.path !== keyId)
      warnings.push(`${source}: path header says ${block.headers.path}, but the key's ID is ${keyId}; stored as ${keyId}`);
    if ((await store.list()).some((e) => e.keyId === keyId)) {
      throw new TrustDeskError('KEY_EXISTS', `key ${keyId} from ${source} is already in ${store.privateDir}: nothing imported`);
    }
    let der: Buffer;
    let reencrypted = false;
    if (info.encryption === 'pkcs8-pbes2' && info.pbes2!.notaryCompatible) {
      der = block.der;
    } else {
      passphrase ??= await newPassphrase({ keyId, role, ...(gun ? { gun } : {}) }, passphrases(ctx, { prefer }));
      der = encryptKey(key, passphrase);
      reencrypted = true;
      if (info.encryption !== 'none') warnings.push(`${source}: re-encrypted in notary's format (same passphrase)`);
    }
    const pem = encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: headersFor(role, gun), der });
    return { keyId, role, ...(BASE_WITH_GUN.has(role) && gun ? { gun } : {}), algorithm, pem, reencrypted, warnings };
  } finally {
    clearAll(passphrase);
  }
}

async function readKeyInput(file: string, checkMode: boolean): Promise<PemBlock[]> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    throw new TrustDeskError(
      'KEY_NOT_FOUND',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  if (!st.isFile()) throw new TrustDeskError('INVALID_ARGUMENT', `${file} is not a file`);
  if (st.size > 1024 * 1024) throw new TrustDeskError('KEY_FORMAT_INVALID', `${file} is too large to be a key file`);
  if (checkMode && process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new TrustDeskError(
      'KEY_FILE_INSECURE',
      `refusing to load key from ${file}: private key file ${file} must not be readable or writable by others (chmod 600 ${file})`,
    );
  }
  const blocks = parsePemBlocks(await readFile(file, 'utf8'));
  if (blocks.length === 0) {
    throw new TrustDeskError(
      'KEY_FORMAT_INVALID',
      `${file} is not a PEM key file (no "-----BEGIN ...-----" block); convert a DER key with "openssl pkey -inform DER"`,
    );
  }
  return blocks;
}

function privateBlocks(file: string, blocks: PemBlock[]): PemBlock[] {
  const priv = blocks.filter((b) => (PRIVATE_KEY_LABELS as readonly string[]).includes(b.label));
  if (priv.length === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))].join(', ');
    if (blocks.some((b) => b.label === 'PUBLIC KEY' || b.label === 'CERTIFICATE')) {
      throw new TrustDeskError(
        'KEY_FORMAT_INVALID',
        `${file} holds a ${labels.toLowerCase()}, not a private key: to add a signer's public key use "docker trust signer add --key ${file}"`,
      );
    }
    throw new TrustDeskError('KEY_FORMAT_INVALID', `${file} holds no private key (PEM blocks: ${labels})`);
  }
  return priv;
}

// --- generate ---

/** `docker trust key generate NAME [--dir DIR]`: an ECDSA P-256 delegation key. */
export async function generateKey(context: TrustContext, opts: { name: string; dir?: string }): Promise<GenerateKeyResult> {
  const ctx = keystoreOf(context);
  checkName(opts.name);
  const dir = resolve(opts.dir ?? '.');
  const pubPath = join(opts.dir ?? '.', `${opts.name}.pub`);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TrustDeskError('INVALID_ARGUMENT', `public key path does not exist: "${opts.dir ?? '.'}"`);
  }
  if (
    await lstat(pubPath).then(
      () => true,
      () => false,
    )
  ) {
    throw new TrustDeskError('KEY_EXISTS', `public key file already exists: "${pubPath}"`);
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyId = privateKeyId(privateKey);
  const store = new KeyFileStore(ctx.trustDir);
  const passphrase = await newPassphrase({ keyId, role: opts.name }, passphrases(ctx, { prefer: 'docker' }));
  let pem: string;
  try {
    pem = encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: opts.name }, der: encryptKey(privateKey, passphrase) });
  } finally {
    clearAll(passphrase);
  }
  const path = await store.add(keyId, pem);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  try {
    await writeFileAtomic(resolve(pubPath), encodePem({ label: 'PUBLIC KEY', headers: { role: opts.name }, der: spki }), {
      mode: 0o600,
      exclusive: true,
    });
  } catch (err) {
    await unlink(path).catch(() => undefined); // the key we just made, never a user's
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TrustDeskError('KEY_EXISTS', `public key file already exists: "${pubPath}"`);
    throw new TrustDeskError('KEYSTORE_ERROR', `cannot write ${pubPath}: ${(err as Error).message}`, { cause: err });
  }
  return { keyId, role: opts.name, path, algorithm: 'ecdsa', reencrypted: false, warnings: [], publicKeyPath: pubPath };
}

// --- load (docker) and import (notary) ---

/**
 * `docker trust key load FILE --name NAME`, without docker's silent failures: an encrypted key is
 * opened (wrong passphrase → PASSPHRASE_WRONG) and stored; a public key, a non-PEM file, an
 * unsupported key type or a key already present are refused with their own error.
 */
export async function loadKey(context: TrustContext, opts: { file: string; name?: string }): Promise<KeyWriteResult> {
  const ctx = keystoreOf(context);
  const name = opts.name ?? 'signer';
  checkName(name);
  const blocks = privateBlocks(opts.file, await readKeyInput(opts.file, true));
  if (blocks.length > 1)
    throw new TrustDeskError(
      'KEY_FORMAT_INVALID',
      `${opts.file} holds ${blocks.length} private keys; key load takes one (use "trustdesk key import")`,
    );
  const store = new KeyFileStore(ctx.trustDir);
  const prepared = await prepareBlock(ctx, store, blocks[0]!, name, undefined, 'docker', opts.file);
  if (blocks[0]!.headers.role && blocks[0]!.headers.role !== name)
    prepared.warnings.push(`${opts.file}: role header "${blocks[0]!.headers.role}" replaced by "${name}"`);
  const path = await store.add(prepared.keyId, prepared.pem);
  return { keyId: prepared.keyId, role: name, path, algorithm: prepared.algorithm, reencrypted: prepared.reencrypted, warnings: prepared.warnings };
}

/**
 * `notary key import FILE [--role R] [--gun G]`: every private key block of the file, all or none.
 * Role from --role or the block's `role:` header; targets and snapshot keys need a GUN (notary skips
 * them with a warning and exit 0; we refuse).
 */
export async function importKeys(context: TrustContext, opts: { file: string; role?: string; gun?: string }): Promise<KeyWriteResult[]> {
  const ctx = keystoreOf(context);
  const blocks = privateBlocks(opts.file, await readKeyInput(opts.file, false));
  const store = new KeyFileStore(ctx.trustDir);
  const prepared: PreparedKey[] = [];
  for (const [i, b] of blocks.entries()) {
    const source = blocks.length > 1 ? `${opts.file} (key ${i + 1})` : opts.file;
    const role = opts.role ?? b.headers.role;
    if (!role)
      throw new TrustDeskError(
        'INVALID_ARGUMENT',
        `${source} has no role: header; give --role (root, targets, snapshot, targets/NAME or a signer name)`,
      );
    if (!/^[a-z0-9][a-z0-9_\-/]*$/.test(role) || role.endsWith('/') || role === 'timestamp')
      throw new TrustDeskError('INVALID_ARGUMENT', `"${role}" is not a role a local key can have`);
    const gun = opts.gun ?? b.headers.gun;
    if (BASE_WITH_GUN.has(role) && !gun) {
      throw new TrustDeskError('INVALID_ARGUMENT', `${source}: a ${role} key belongs to one repository: give --gun (notary would skip it silently)`);
    }
    const p = await prepareBlock(ctx, store, b, role, gun, 'notary', source);
    if (gun && !BASE_WITH_GUN.has(role))
      p.warnings.push(`${source}: a ${role} key is not tied to one repository; GUN ${gun} not recorded (as notary does)`);
    if (prepared.some((q) => q.keyId === p.keyId)) throw new TrustDeskError('KEY_EXISTS', `${opts.file} holds key ${p.keyId} twice`);
    prepared.push(p);
  }
  const out: KeyWriteResult[] = [];
  for (const p of prepared) {
    const path = await store.add(p.keyId, p.pem);
    out.push({
      keyId: p.keyId,
      role: p.role,
      ...(p.gun ? { gun: p.gun } : {}),
      path,
      algorithm: p.algorithm,
      reencrypted: p.reencrypted,
      warnings: p.warnings,
    });
  }
  return out;
}

// --- export ---

/** The public key in docker's `.pub` form (`role:` header). Opens the key, so it may ask for the passphrase. */
export function publicKeyPem(ctx: TrustContext, keyId: string): Promise<{ keyId: string; role?: string; pem: string }> {
  return publicKeyPemOf(keystoreOf(ctx), keyId);
}

async function publicKeyPemOf(ctx: Keystore, keyId: string): Promise<{ keyId: string; role?: string; pem: string }> {
  const entry = await new KeyFileStore(ctx.trustDir).find(keyId);
  const { key, passphrase } = await unlockEntry(ctx, entry, 'notary');
  clearAll(passphrase);
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return {
    keyId: entry.keyId,
    ...(entry.role ? { role: entry.role } : {}),
    pem: encodePem({ label: 'PUBLIC KEY', headers: entry.role ? { role: entry.role } : {}, der: spki }),
  };
}

/**
 * The private key in `notary key export` form (still encrypted, `path:`, `role:`, `gun:` headers),
 * which `notary key import` and `docker trust key load` accept. CLI stdout only: not for IPC.
 */
export function privateKeyExportText(ctx: TrustContext, keyId: string): Promise<{ keyId: string; text: string; warnings: string[] }> {
  return privateKeyExportTextOf(keystoreOf(ctx), keyId);
}

async function privateKeyExportTextOf(ctx: Keystore, keyId: string): Promise<{ keyId: string; text: string; warnings: string[] }> {
  const entry = await new KeyFileStore(ctx.trustDir).find(keyId);
  if (!entry.block) throw new TrustDeskError('KEY_FORMAT_INVALID', `${entry.path} cannot be read: ${entry.warnings.join('; ')}`);
  const warnings: string[] = [];
  if (entry.encryption !== 'pkcs8-pbes2' || !entry.notaryCompatible) {
    warnings.push(
      `${entry.relPath} is not in notary's encrypted format; exported as it is (run "trustdesk key passwd ${entry.keyId.slice(0, 7)}" to convert it first)`,
    );
  }
  const headers: Record<string, string> = { ...entry.block.headers, path: entry.keyId };
  if (entry.role) headers.role = entry.role;
  if (entry.gun && BASE_WITH_GUN.has(entry.role ?? '')) headers.gun = entry.gun;
  return { keyId: entry.keyId, text: encodePem({ label: entry.block.label, headers, der: entry.block.der }), warnings };
}

/** Writes the export to a new file (0600, never over an existing file). Returns the path only. */
export async function exportKey(
  context: TrustContext,
  opts: { keyId: string; outFile: string; public?: boolean },
): Promise<{ keyId: string; path: string; warnings: string[] }> {
  const ctx = keystoreOf(context);
  const r = opts.public ? { ...(await publicKeyPemOf(ctx, opts.keyId)), warnings: [] as string[] } : await privateKeyExportTextOf(ctx, opts.keyId);
  const text = 'pem' in r ? r.pem : r.text;
  try {
    await writeFileAtomic(resolve(opts.outFile), text, { mode: 0o600, exclusive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TrustDeskError('KEY_EXISTS', `${opts.outFile} already exists`);
    throw new TrustDeskError('KEYSTORE_ERROR', `cannot write ${opts.outFile}: ${(err as Error).message}`, { cause: err });
  }
  return { keyId: r.keyId, path: opts.outFile, warnings: r.warnings };
}

// --- passwd ---

/**
 * `notary key passwd KEYID`: opens the key with its current passphrase and re-encrypts it in
 * notary's format with a new one (TRUSTDESK_NEW_PASSPHRASE, else the prompt/dialog). The file is
 * replaced atomically in place: after a crash it holds the old or the new key, never neither.
 */
export async function changePassphrase(context: TrustContext, opts: { keyId: string }): Promise<KeyWriteResult> {
  const ctx = keystoreOf(context);
  const store = new KeyFileStore(ctx.trustDir);
  const entry = await store.find(opts.keyId);
  const { key, passphrase: old } = await unlockEntry(ctx, entry, 'notary');
  clearAll(old);
  const warnings: string[] = [];
  const actual = privateKeyId(key);
  if (actual !== entry.keyId) warnings.push(`the file is named ${entry.keyId} but holds key ${actual}: notary will not find it under that ID`);
  const role = entry.role ?? 'unknown';
  const next = await newPassphrase(
    { keyId: entry.keyId, role, ...(entry.gun ? { gun: entry.gun } : {}) },
    passphrases(ctx, { newPassphraseEnv: 'TRUSTDESK_NEW_PASSPHRASE' }),
  );
  let pem: string;
  try {
    const headers = entry.role ? headersFor(entry.role, entry.gun) : {};
    pem = encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers, der: encryptKey(key, next) });
  } finally {
    clearAll(next);
  }
  await store.replace(entry, pem);
  return {
    keyId: entry.keyId,
    role,
    ...(entry.gun ? { gun: entry.gun } : {}),
    path: entry.path,
    algorithm: keyAlgorithm(key),
    reencrypted: true,
    warnings,
  };
}

// --- migrate (legacy layouts, only when asked) ---

export interface MigrateKeysResult {
  migrated: { keyId: string; role?: string; gun?: string; from: string; to: string; backup: string }[];
  skipped: { keyId: string; path: string; reason: string }[];
}

/**
 * Moves keys of the notary < 0.4 layouts (`root_keys/`, `tuf_keys/`) to `private/<keyid>.key`, as
 * notary 0.7 does on its own, but only when asked and with a backup: the new file holds the same
 * (still encrypted) bytes with `role:`/`gun:` headers; the old file goes to removed-keys/ (restore
 * with restoreKey after removing the new file). No passphrase is needed.
 */
export async function migrateLegacyKeys(context: TrustContext): Promise<MigrateKeysResult> {
  const ctx = keystoreOf(context);
  const store = new KeyFileStore(ctx.trustDir);
  const entries = await store.list();
  const out: MigrateKeysResult = { migrated: [], skipped: [] };
  for (const e of entries) {
    if (e.layout === 'flat') continue;
    const skip = (reason: string) => out.skipped.push({ keyId: e.keyId, path: e.path, reason });
    if (!e.block || !/^[0-9a-f]{64}$/.test(e.keyId)) {
      skip(e.block ? 'the file name is not a key ID' : `cannot be read: ${e.warnings.join('; ')}`);
      continue;
    }
    if (entries.some((o) => o.keyId === e.keyId && o.layout === 'flat')) {
      skip(`already in private/${e.keyId}.key`);
      continue;
    }
    const headers: Record<string, string> = { ...e.block.headers };
    if (e.role) headers.role = e.role;
    if (e.gun && BASE_WITH_GUN.has(e.role ?? '')) headers.gun = e.gun;
    const to = await store.add(e.keyId, encodePem({ label: e.block.label, headers, der: e.block.der }), { movingFrom: e });
    let backup: RemovedKey;
    try {
      backup = await store.remove(e, ctx.now());
    } catch (err) {
      await unlink(to).catch(() => undefined); // the copy we just made; the user's file stays where it was
      skip(`cannot move the old file away (${(err as Error).message}); left as it was`);
      continue;
    }
    out.migrated.push({
      keyId: e.keyId,
      ...(e.role ? { role: e.role } : {}),
      ...(e.gun ? { gun: e.gun } : {}),
      from: e.path,
      to,
      backup: backup.path,
    });
  }
  return out;
}

// --- remove / restore ---

/**
 * Without `confirm`: moves the key file to `<trust>/removed-keys/<timestamp>/` (restoreKey brings it
 * back). With `confirm`: deletes the key for good (moving it first if it is still active) and every
 * removed copy of it.
 */
export async function removeKey(context: TrustContext, opts: { keyId: string; confirm?: boolean }): Promise<RemoveKeyResult> {
  const ctx = keystoreOf(context);
  const store = new KeyFileStore(ctx.trustDir);
  let entry: KeyFileEntry | undefined;
  try {
    entry = await store.find(opts.keyId);
  } catch (err) {
    if (!(isTrustDeskError(err, 'KEY_NOT_FOUND') && opts.confirm)) throw err;
  }
  const usedBy = entry ? ((await listKeys(context)).keys.find((k) => k.keyId === entry!.keyId)?.usedBy ?? []) : [];
  const moved = entry ? await store.remove(entry, ctx.now()) : undefined;
  if (!opts.confirm) return { keyId: entry!.keyId, state: 'moved', movedTo: moved!.path, deleted: [], usedBy };
  const purged = await store.purge(moved?.keyId ?? opts.keyId);
  if (purged.length === 0) throw new TrustDeskError('KEY_NOT_FOUND', `no key or removed key ${opts.keyId} in ${ctx.trustDir}`);
  return { keyId: purged[0]!.keyId, state: 'deleted', deleted: purged.map((p) => p.path), usedBy };
}

export async function restoreKey(context: TrustContext, opts: { keyId: string }): Promise<{ keyId: string; path: string }> {
  const ctx = keystoreOf(context);
  const r = await new KeyFileStore(ctx.trustDir).restore(opts.keyId);
  return { keyId: r.keyId, path: r.originalPath };
}

export async function listRemovedKeys(context: TrustContext): Promise<RemovedKeyInfo[]> {
  const ctx = keystoreOf(context);
  return (await new KeyFileStore(ctx.trustDir).listRemoved()).map(toRemovedInfo);
}
