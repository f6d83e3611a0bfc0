/**
 * The trust cache in docker's and notary's own layout, so that each reads what the other wrote:
 *   $DOCKER_CONFIG/trust/tuf/<gun split on "/">/metadata/{root,timestamp,snapshot,targets}.json
 *   $DOCKER_CONFIG/trust/tuf/<gun>/metadata/targets/<name>.json     (delegated roles)
 * Files hold the raw bytes as served, mode 0600 in 0700 directories, written atomically and only
 * after they verified.
 */
import { readFile, stat, readdir } from 'node:fs/promises';
import { existsSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { TrustDeskError } from '../base/errors.js';
import { writeFileAtomic } from '../base/fs-atomic.js';

/** Largest cached file read back (a cached file larger than this was not written by a sane server). */
const MAX_CACHED_FILE = 16 * 1024 * 1024;

function gunSegments(gun: string): string[] {
  const parts = gun.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new TrustDeskError('INVALID_REFERENCE', `"${gun}" is not a repository name that can be cached`);
  }
  return parts;
}

function roleSegments(role: string): string[] {
  const parts = role.split('/');
  if (parts.some((p) => !/^[-a-z0-9_]+$/.test(p))) {
    throw new TrustDeskError('INVALID_ARGUMENT', `"${role}" is not a role name`);
  }
  return parts;
}

export class TrustCache {
  constructor(readonly trustDir: string) {}

  metadataDir(gun: string): string {
    return join(this.trustDir, 'tuf', ...gunSegments(gun), 'metadata');
  }

  rolePath(gun: string, role: string): string {
    const segs = roleSegments(role);
    segs[segs.length - 1] = `${segs[segs.length - 1]}.json`;
    return join(this.metadataDir(gun), ...segs);
  }

  async read(gun: string, role: string): Promise<Buffer | undefined> {
    const path = this.rolePath(gun, role);
    try {
      const st = await stat(path);
      if (st.size > MAX_CACHED_FILE) {
        throw new TrustDeskError('CACHE_ERROR', `cached ${role} for ${gun} is ${st.size} bytes, larger than any metadata file`);
      }
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof TrustDeskError) throw err;
      throw new TrustDeskError('CACHE_ERROR', `cannot read cached ${role} for ${gun}: ${(err as Error).message}`, { cause: err });
    }
  }

  async write(gun: string, role: string, raw: Buffer): Promise<void> {
    try {
      // root.json is the trust anchor: written durably. The rest can be fetched again.
      await writeFileAtomic(this.rolePath(gun, role), raw, { mode: 0o600, durable: role === 'root' });
    } catch (err) {
      throw new TrustDeskError('CACHE_ERROR', `cannot write cached ${role} for ${gun}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Every role file cached for a GUN (`root`, `targets/releases`, ...), found with one directory walk:
   * cheaper than probing each role and failing on the ones never cached.
   */
  async cachedRoles(gun: string): Promise<Set<string>> {
    const roles = new Set<string>();
    await walkTree(this.metadataDir(gun), 8, (rel, e) => {
      if (e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.')) roles.add(rel.slice(0, -5));
      return e.isDirectory();
    });
    return roles;
  }

  /** When the cached timestamp was last written: the "cached as of" time of an offline view. */
  async cachedAt(gun: string): Promise<Date | undefined> {
    try {
      return (await stat(this.rolePath(gun, 'timestamp'))).mtime;
    } catch {
      return undefined;
    }
  }

  /** Every GUN with a cached root.json, found by walking tuf/. */
  async listRepositories(): Promise<string[]> {
    const found: string[] = [];
    const tuf = join(this.trustDir, 'tuf');
    await walkTree(tuf, 12, (rel, e) => {
      if (!e.isDirectory()) return false;
      if (e.name === 'metadata') {
        // a failed lookup leaves an empty metadata dir: only a cached root.json makes a repository
        if (existsSync(join(tuf, rel, 'root.json'))) found.push(rel.slice(0, -'/metadata'.length));
        return false;
      }
      return e.name !== 'changelist';
    });
    return found.sort();
  }
}

/**
 * Walks a directory tree depth-first; `visit` gets each entry's path relative to `root` (with `/`)
 * and says whether to descend into it. Unreadable directories are skipped.
 */
async function walkTree(root: string, maxDepth: number, visit: (rel: string, entry: Dirent) => boolean): Promise<void> {
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    if (depth > maxDepth) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = `${prefix}${e.name}`;
      if (visit(rel, e)) await walk(join(dir, e.name), `${rel}/`, depth + 1);
    }
  };
  await walk(root, '', 0);
}
