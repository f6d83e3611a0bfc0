/**
 * Crash-safe file writes: a temp file in the same directory, fsync, rename over the target, fsync
 * the directory. A reader (or a crash) sees the old content or the new, never a torn file.
 */
import { open, rename, mkdir, unlink, chmod } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
}

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
  await ensureDir(dir);
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
    // Never replace an existing file: link fails if the target exists.
    const { link } = await import('node:fs/promises');
    try {
      await link(tmp, path);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  } else {
    await rename(tmp, path);
  }
  if (!durable) return;
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } catch {
    // some file systems do not support fsync on directories
  } finally {
    await dh.close();
  }
}

export { chmod };
