import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustCache } from './trust-cache.js';

describe('trust cache layout', () => {
  it('lists cached repositories and roles, ignoring empty lookups and changelists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-cache-'));
    const cache = new TrustCache(dir);
    await cache.write('127.0.0.1:5000/lab/app', 'root', Buffer.from('{}'));
    await cache.write('127.0.0.1:5000/lab/app', 'targets/releases', Buffer.from('{}'));
    await cache.write('docker.io/library/alpine', 'root', Buffer.from('{}'));
    mkdirSync(join(dir, 'tuf/127.0.0.1:5000/lab/nothing/metadata'), { recursive: true }); // failed lookup
    mkdirSync(join(dir, 'tuf/127.0.0.1:5000/lab/app/changelist'), { recursive: true });
    expect(await cache.listRepositories()).toEqual(['127.0.0.1:5000/lab/app', 'docker.io/library/alpine']);
    expect([...(await cache.cachedRoles('127.0.0.1:5000/lab/app'))].sort()).toEqual(['root', 'targets/releases']);
    expect(cache.rolePath('127.0.0.1:5000/lab/app', 'targets/releases')).toBe(join(dir, 'tuf/127.0.0.1:5000/lab/app/metadata/targets/releases.json'));
  });

  it('refuses names that would escape the cache directory', () => {
    const cache = new TrustCache('/tmp/x');
    expect(() => cache.metadataDir('a/../../etc')).toThrow(/is not a repository name that can be cached/);
    expect(() => cache.rolePath('a/b', '../x')).toThrow(/not a role name/);
  });
});
