/**
 * The key files of a trust dir (`$DOCKER_CONFIG/trust/private`, or a notary `-d` dir), in every layout
 * notary and docker have written:
 *   private/<keyid>.key                      notary >= 0.4 and docker: flat, `role:`/`gun:` headers
 *   private/root_keys/<keyid>[_root].key     notary 0.1 - 0.3
 *   private/tuf_keys/<gun>/<keyid>[_<role>].key, private/tuf_keys/<keyid>.key (delegations, 0.3)
 *
 * Reading never changes a file (notary 0.7 migrates legacy layouts on any command; we do not).
 * Writing: the dirs are created 0700, files 0600, through writeFileAtomic (temp, fsync, rename);
 * a new key never replaces an existing file (`exclusive`), whatever its layout.
 *
 * Removal moves the file to `<trust>/removed-keys/<timestamp>/<path under private>` plus a
 * `removed.json` manifest; `purge` deletes for good; `restore` moves it back. Not under `private/`:
 * notary walks every sub-directory of `private/` (hidden ones too) and would keep using a "removed"
 * key found there (checked with notary 0.7).
 */
import { lstat, mkdir, open, readdir, readFile, rename, rm, link, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { ensureDir, writeFileAtomic } from '../base/fs-atomic.js';
import { parsePemBlocks, type PemBlock } from './pem-format.js';
import { classifyBlock, PRIVATE_KEY_LABELS, type BlockEncryption, type KeyAlgorithm } from './pkcs8-encryption.js';

export type KeyLayout = 'flat' | 'legacy-root-keys' | 'legacy-tuf-keys';

/** One key file, read without a passphrase. `block` holds the (encrypted) key: never send it over IPC. */
export interface KeyFileEntry {
  /** From the file name, as notary lists it. */
  keyId: string;
  role?: string;
  gun?: string;
  path: string;
  /** Path under private/, with '/' separators. */
  relPath: string;
  layout: KeyLayout;
  encryption: BlockEncryption | 'unreadable';
  /** notary 0.7 can sign with it as it is. */
  notaryCompatible: boolean;
  /** From the PEM label, or guessed from the size of the encrypted key. */
  algorithm?: KeyAlgorithm;
  warnings: string[];
  block?: PemBlock;
}

export interface RemovedKey {
  keyId: string;
  role?: string;
  gun?: string;
  /** The batch directory name (a timestamp). */
  batch: string;
  /** Where the file is now. */
  path: string;
  /** Where it was (restore puts it back there). */
  originalPath: string;
  /** Its path under private/ ('/'-separated): paths are rebuilt from it, so a moved trust dir still restores. */
  relPath: string;
  removedAt: string;
}

const MAX_KEY_FILE = 64 * 1024;
const MAX_DEPTH = 16;
const KEY_ID_RE = /^[0-9a-f]{64}$/;

function guessAlgorithm(block: PemBlock, encryption: BlockEncryption): KeyAlgorithm | undefined {
  if (encryption !== 'pkcs8-pbes2') return undefined;
  const n = block.der.length; // P-256: 241; notary Ed25519: ~170; RSA-2048: ~1300
  return n > 600 ? 'rsa' : n >= 220 && n <= 260 ? 'ecdsa' : n < 220 ? 'ed25519' : undefined;
}

function removedRoot(trustDir: string): string {
  return join(trustDir, 'removed-keys');
}

async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } catch {
    // not supported everywhere
  } finally {
    await dh.close();
  }
}

export class KeyFileStore {
  readonly privateDir: string;

  constructor(readonly trustDir: string) {
    this.privateDir = join(trustDir, 'private');
  }

  /** Problems with the directories themselves (a private/ others can list, symlinks). */
  async dirWarnings(): Promise<string[]> {
    const out: string[] = [];
    for (const d of [this.trustDir, this.privateDir]) {
      try {
        const st = await lstat(d);
        if (st.isSymbolicLink()) out.push(`${d} is a symbolic link (docker trust signer add fails on it, docker/cli#3155)`);
        else if (d === this.privateDir && process.platform !== 'win32' && (st.mode & 0o077) !== 0)
          out.push(`${d} has mode ${(st.mode & 0o777).toString(8)}: others can list it (should be 700)`);
      } catch {
        // not there yet
      }
    }
    return out;
  }

  /** Every key file, sorted by key ID then path. A missing private/ dir is an empty store. */
  async list(): Promise<KeyFileEntry[]> {
    const files: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) return;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no private/ yet: an empty store
        throw new TrustDeskError('KEYSTORE_ERROR', `cannot read ${dir}: ${(err as Error).message}`, { cause: err });
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p, depth + 1);
        else if (e.isFile() && e.name.endsWith('.key') && !e.name.startsWith('.')) files.push(p); // temp files start with '.'
      }
    };
    await walk(this.privateDir, 0);
    const out = await Promise.all(files.map((f) => this.read(f)));
    const seen = new Map<string, number>();
    for (const e of out) seen.set(e.keyId, (seen.get(e.keyId) ?? 0) + 1);
    for (const e of out) if ((seen.get(e.keyId) ?? 0) > 1) e.warnings.push(`key ${e.keyId.slice(0, 7)} has more than one file in this trust dir`);
    return out.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.path < b.path ? -1 : 1));
  }

  /** Reads one key file (never modifies it). Unreadable files are listed with a warning. */
  async read(path: string): Promise<KeyFileEntry> {
    const relPath = relative(this.privateDir, path).split(sep).join('/');
    const parts = relPath.split('/');
    const layout: KeyLayout =
      parts[0] === 'root_keys' && parts.length === 2 ? 'legacy-root-keys' : parts[0] === 'tuf_keys' && parts.length >= 2 ? 'legacy-tuf-keys' : 'flat';
    const stem = basename(path, '.key');
    const m = /^([0-9a-f]{64})_(.+)$/.exec(stem);
    const keyId = m ? m[1]! : stem;
    const warnings: string[] = [];
    if (!KEY_ID_RE.test(keyId)) warnings.push(`file name ${basename(path)} is not a key ID`);
    if (layout !== 'flat') warnings.push(`legacy ${parts[0]}/ layout (notary < 0.4); notary 0.7 moves it to private/<id>.key when it runs`);
    const entry: KeyFileEntry = { keyId, path, relPath, layout, encryption: 'unreadable', notaryCompatible: false, warnings };
    let text: string;
    try {
      const st = await lstat(path);
      if (st.size > MAX_KEY_FILE) throw new Error(`${st.size} bytes is too large for a key file`);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        warnings.push(`file mode ${(st.mode & 0o777).toString(8)} lets others read it (should be 600)`);
      }
      text = await readFile(path, 'utf8');
    } catch (err) {
      warnings.push(`cannot read: ${(err as Error).message}`);
      return entry;
    }
    let blocks: PemBlock[];
    try {
      blocks = parsePemBlocks(text).filter((b) => (PRIVATE_KEY_LABELS as readonly string[]).includes(b.label));
    } catch (err) {
      warnings.push(`not a valid PEM key file: ${(err as Error).message}`);
      return entry;
    }
    if (blocks.length === 0) {
      warnings.push('no private key in this file');
      return entry;
    }
    if (blocks.length > 1) warnings.push('more than one key block; notary reads only the first');
    const block = blocks[0]!;
    entry.block = block;
    try {
      const info = classifyBlock(block);
      entry.encryption = info.encryption;
      entry.notaryCompatible = info.encryption === 'pkcs8-pbes2' ? info.pbes2!.notaryCompatible : true;
      if (info.encryption === 'pkcs8-pbes2' && !info.pbes2!.notaryCompatible) {
        warnings.push(`encrypted with ${info.pbes2!.prf}/${info.pbes2!.cipher}: notary cannot open it (run "trustdesk key passwd" to re-encrypt)`);
      }
      if (info.encryption === 'none') warnings.push('the key is not encrypted');
      entry.algorithm = info.algorithmHint ?? guessAlgorithm(block, info.encryption);
    } catch (err) {
      warnings.push((err as Error).message);
    }
    const role = block.headers.role ?? (m ? m[2] : undefined) ?? (layout === 'legacy-root-keys' ? 'root' : undefined);
    if (role !== undefined) entry.role = role;
    else warnings.push('no role: header (notary lists the key without a role)');
    const gun = block.headers.gun ?? (layout === 'legacy-tuf-keys' && parts.length > 2 ? parts.slice(1, -1).join('/') : undefined);
    if (gun) entry.gun = gun;
    return entry;
  }

  /** The entry for a key ID or a unique prefix of one (at least 4 characters). */
  async find(idOrPrefix: string): Promise<KeyFileEntry> {
    const q = idOrPrefix.trim().toLowerCase();
    if (q.length < 4) throw new TrustDeskError('INVALID_ARGUMENT', `key ID "${idOrPrefix}" is too short: give at least 4 characters`);
    const all = await this.list();
    const exact = all.filter((e) => e.keyId === q);
    const hits = exact.length > 0 ? exact : all.filter((e) => e.keyId.startsWith(q));
    const ids = new Set(hits.map((e) => e.keyId));
    if (ids.size === 0) throw new TrustDeskError('KEY_NOT_FOUND', `no key with ID ${idOrPrefix} in ${this.privateDir}`);
    if (ids.size > 1) throw new TrustDeskError('INVALID_ARGUMENT', `key ID prefix ${idOrPrefix} matches ${ids.size} keys: give more characters`);
    if (hits.length > 1)
      throw new TrustDeskError(
        'KEYSTORE_ERROR',
        `key ${hits[0]!.keyId} has ${hits.length} files (${hits.map((h) => h.relPath).join(', ')}): remove the extra copies first`,
      );
    return hits[0]!;
  }

  /**
   * Writes a new key file `private/<keyId>.key`. KEY_EXISTS if the key is already here, in any layout
   * (`movingFrom`: except that file, for a migration that then moves it away).
   */
  async add(keyId: string, pemText: string, opts: { movingFrom?: KeyFileEntry } = {}): Promise<string> {
    if (!KEY_ID_RE.test(keyId)) throw new TrustDeskError('INTERNAL', `not a key ID: ${keyId}`);
    const existing = (await this.list()).find((e) => e.keyId === keyId && e.path !== opts.movingFrom?.path);
    if (existing) {
      throw new TrustDeskError(
        'KEY_EXISTS',
        `key ${keyId} is already in ${this.privateDir} (${existing.relPath}${existing.role ? `, role ${existing.role}` : ''}${existing.gun ? `, ${existing.gun}` : ''})`,
      );
    }
    await ensureDir(this.trustDir, 0o700);
    await ensureDir(this.privateDir, 0o700);
    const path = join(this.privateDir, `${keyId}.key`);
    try {
      await writeFileAtomic(path, pemText, { mode: 0o600, exclusive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TrustDeskError('KEY_EXISTS', `key file ${path} already exists`);
      throw new TrustDeskError('KEYSTORE_ERROR', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
    }
    return path;
  }

  /** Replaces a key file's content atomically (passwd). The old or the new content survives a crash. */
  async replace(entry: KeyFileEntry, pemText: string): Promise<void> {
    try {
      await writeFileAtomic(entry.path, pemText, { mode: 0o600 });
    } catch (err) {
      throw new TrustDeskError('KEYSTORE_ERROR', `cannot write ${entry.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Moves a key file out of private/ into a recoverable place. */
  async remove(entry: KeyFileEntry, now = new Date()): Promise<RemovedKey> {
    const batch = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    const batchDir = join(removedRoot(this.trustDir), batch);
    const dest = join(batchDir, ...entry.relPath.split('/'));
    await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
    const removed: RemovedKey = {
      keyId: entry.keyId,
      ...(entry.role ? { role: entry.role } : {}),
      ...(entry.gun ? { gun: entry.gun } : {}),
      batch,
      path: dest,
      originalPath: entry.path,
      relPath: entry.relPath,
      removedAt: now.toISOString(),
    };
    await writeFileAtomic(join(batchDir, 'removed.json'), `${JSON.stringify(removed, null, 2)}\n`, { mode: 0o600 });
    try {
      await rename(entry.path, dest);
    } catch (err) {
      await rm(batchDir, { recursive: true, force: true });
      throw new TrustDeskError('KEYSTORE_ERROR', `cannot move ${entry.path} to ${dest}: ${(err as Error).message}`, { cause: err });
    }
    await fsyncDir(dirname(entry.path));
    await fsyncDir(dirname(dest));
    return removed;
  }

  /** Every removed key still recoverable, oldest first. */
  async listRemoved(): Promise<RemovedKey[]> {
    let batches: string[];
    try {
      batches = (await readdir(removedRoot(this.trustDir))).sort();
    } catch {
      return [];
    }
    const out: RemovedKey[] = [];
    for (const b of batches) {
      try {
        const r = JSON.parse(await readFile(join(removedRoot(this.trustDir), b, 'removed.json'), 'utf8')) as RemovedKey;
        const parts = typeof r.relPath === 'string' ? r.relPath.split('/') : [];
        if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..')) continue; // not ours
        const path = join(removedRoot(this.trustDir), b, ...parts);
        await lstat(path);
        out.push({ ...r, batch: b, path, originalPath: join(this.privateDir, ...parts) });
      } catch {
        // an empty or foreign dir: ignore
      }
    }
    return out;
  }

  private async removedFor(idOrPrefix: string): Promise<RemovedKey[]> {
    const q = idOrPrefix.trim().toLowerCase();
    const all = await this.listRemoved();
    const hits = all.filter((r) => r.keyId === q || r.batch === idOrPrefix);
    const pre = hits.length > 0 ? hits : q.length >= 4 ? all.filter((r) => r.keyId.startsWith(q)) : [];
    if (new Set(pre.map((r) => r.keyId)).size > 1)
      throw new TrustDeskError('INVALID_ARGUMENT', `key ID prefix ${idOrPrefix} matches several removed keys`);
    return pre;
  }

  /** Deletes removed copies of a key for good. Returns what was deleted. */
  async purge(idOrPrefix: string): Promise<RemovedKey[]> {
    const hits = await this.removedFor(idOrPrefix);
    for (const r of hits) await rm(join(removedRoot(this.trustDir), r.batch), { recursive: true, force: true });
    return hits;
  }

  /** Moves the most recently removed copy of a key back (never over an existing key). */
  async restore(idOrPrefix: string): Promise<RemovedKey> {
    const hits = await this.removedFor(idOrPrefix);
    const r = hits[hits.length - 1];
    if (!r) throw new TrustDeskError('KEY_NOT_FOUND', `no removed key ${idOrPrefix} in ${removedRoot(this.trustDir)}`);
    if ((await this.list()).some((e) => e.keyId === r.keyId)) {
      throw new TrustDeskError('KEY_EXISTS', `key ${r.keyId} is in the trust dir again; not restoring over it`);
    }
    await mkdir(dirname(r.originalPath), { recursive: true, mode: 0o700 });
    try {
      await link(r.path, r.originalPath); // fails if the target exists
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TrustDeskError('KEY_EXISTS', `${r.originalPath} exists; not restoring over it`);
      throw new TrustDeskError('KEYSTORE_ERROR', `cannot restore ${r.path}: ${(err as Error).message}`, { cause: err });
    }
    await unlink(r.path);
    await fsyncDir(dirname(r.originalPath));
    await rm(join(removedRoot(this.trustDir), r.batch), { recursive: true, force: true });
    return r;
  }
}
