/**
 * Crash-safe file writes: a temp file in the same directory, fsync, rename over the target, fsync
 * the directory. A reader (or a crash) sees the old content or the new, never a torn file.
 */
import { open, rename, mkdir, unlink, chmod, link, lstat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

async function fsyncDir(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // some file systems (and Windows) do not support fsync on directories
  } finally {
    await dh?.close();
  }
}

/**
 * Creates `dir` and its missing parents with `mode`. With `durable`, the parent of every directory
 * it created is fsynced, so a new directory (and the file about to be written in it) survives a
 * power cut: fsyncing only the file's own directory does not persist that directory's entry.
 */
export async function ensureDir(dir: string, mode = 0o700, durable = false): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode });
  if (!durable || first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

/** Errors of `link` on file systems without hard links (FAT, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

export interface AtomicWriteOptions {
  mode?: number;
  /** Never replace an existing file (keys). */
  exclusive?: boolean;
  /**
   * fsync the file and its directory (default true). Re-fetchable data (the metadata cache, other
   * than root) may skip it: rename is still atomic, and a torn file after a power cut fails its
   * hash check and is fetched again.
   */
  durable?: boolean;
}

export async function writeFileAtomic(path: string, data: Buffer | string, opts: AtomicWriteOptions = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const mode = opts.mode ?? 0o600;
  const dir = dirname(path);
  await ensureDir(dir, 0o700, durable);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // umask must not widen or narrow the mode we promise
    if (durable) await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  if (opts.exclusive) {
    // Never replace an existing file: link fails if the target exists, and the target appears
    // complete or not at all.
    try {
      await link(tmp, path);
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      // No hard links here: check, then rename. Content stays atomic; only a concurrent writer
      // creating the same name in between could be replaced (a window of microseconds).
      const exists = await lstat(path).then(
        () => true,
        () => false,
      );
      if (exists) {
        await unlink(tmp).catch(() => undefined);
        throw Object.assign(new Error(`EEXIST: file already exists, ${path}`), { code: 'EEXIST' });
      }
      await rename(tmp, path);
    }
    await unlink(tmp).catch(() => undefined);
  } else {
    await rename(tmp, path);
  }
  if (!durable) return;
  await fsyncDir(dir);
}

export { chmod };
