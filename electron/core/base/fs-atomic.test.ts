import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'trustdesk-atomic-'));

describe('writeFileAtomic', () => {
  it('creates missing directories 0700 and the file with the mode asked, whatever the umask', async () => {
    const base = tmp();
    const path = join(base, 'a', 'b', 'f.key');
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(path, 'x', { mode: 0o640 });
    } finally {
      process.umask(old);
    }
    expect(statSync(join(base, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(base, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('exclusive never replaces an existing file and leaves no temp file behind', async () => {
    const dir = tmp();
    const path = join(dir, 'k.key');
    writeFileSync(path, 'original');
    await expect(writeFileAtomic(path, 'new', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('original');
    await writeFileAtomic(join(dir, 'n.key'), 'fresh', { exclusive: true });
    expect(readdirSync(dir).sort()).toEqual(['k.key', 'n.key']);
  });

  it('replaces atomically otherwise', async () => {
    const dir = tmp();
    const path = join(dir, 'k.key');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two', { durable: false });
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['k.key']);
  });
});
