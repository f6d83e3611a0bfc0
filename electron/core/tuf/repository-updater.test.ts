import { errorCodeOf } from '../../../tests/support/error-code.js';
import { describe, it, expect } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateRepository } from './repository-updater.js';
import { TrustCache } from '../cache/trust-cache.js';
import { sampleFile, sampleGun, sampleSource, sampleTrustDir, SAMPLE_CLOCK } from '../../../tests/support/samples.js';

function emptyCache(): TrustCache {
  return new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-cache-')));
}

const codeOf = errorCodeOf;

describe('update workflow on the real samples', () => {
  it('trusts on first use, verifies the chain and caches it in docker layout with 0600 files', async () => {
    const cache = emptyCache();
    const gun = sampleGun('team');
    const source = sampleSource('team');
    const trust = await updateRepository({ gun, cache, source, now: SAMPLE_CLOCK });
    expect(trust.source).toBe('remote');
    expect(trust.delegations.map((d) => d.env.role)).toEqual(['targets/alice', 'targets/releases']);
    // targets/bob was removed from targets.json but lingers in snapshot: never fetched
    expect(source.requests.some((r) => r.startsWith('targets/bob'))).toBe(false);
    // snapshot and targets are fetched early by name (they match the verified hashes, so no second
    // fetch); delegations by checksum once targets names them
    expect(source.requests.filter((r) => r.includes('.')).map((r) => r.split('.')[0])).toEqual(['targets/alice', 'targets/releases']);
    expect(source.requests.filter((r) => !r.includes('.')).sort()).toEqual(['root', 'snapshot', 'targets', 'timestamp']);
    const p = cache.rolePath(gun, 'targets/releases');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(join(cache.metadataDir(gun))).mode & 0o777).toBe(0o700);
    expect((await cache.read(gun, 'targets'))!.equals(sampleFile('team', 'tuf/targets.json'))).toBe(true);
  });

  it('walks every root version from a cached root v1 to v5 (rotated keys)', async () => {
    const { cache, gun } = sampleTrustDir('rotated', []);
    await cache.write(gun, 'root', sampleFile('rotated', 'tuf/root.v1.json'));
    const source = sampleSource('rotated');
    const trust = await updateRepository({ gun, cache, source, now: SAMPLE_CLOCK });
    expect(trust.rootChain.map((r) => r.signed.version)).toEqual([1, 2, 3, 4, 5]);
    expect(source.requests).toContain('2.root');
    expect(source.requests).toContain('4.root');
    expect((await cache.read(gun, 'root'))!.equals(sampleFile('rotated', 'tuf/root.json'))).toBe(true);
  });

  it('refuses an older timestamp than the cached one (rollback)', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const source = sampleSource('team-before-bob-removal');
    expect(await codeOf(updateRepository({ gun, cache, source, now: SAMPLE_CLOCK }))).toBe('ROLLBACK_DETECTED');
  });

  it('fetches by checksum when the early copy is not the one the snapshot names', async () => {
    const gun = sampleGun('team');
    const source = sampleSource('team', { targets: sampleFile('team-before-bob-removal', 'tuf/targets.json') });
    await updateRepository({ gun, cache: emptyCache(), source, now: SAMPLE_CLOCK }).catch(() => undefined);
    expect(source.requests.some((r) => r.startsWith('targets.'))).toBe(true);
  });

  it('refuses targets from another repository state (mix-and-match)', async () => {
    const gun = sampleGun('team');
    const source = sampleSource('team', { targets: sampleFile('team-before-bob-removal', 'tuf/targets.json') });
    expect(await codeOf(updateRepository({ gun, cache: emptyCache(), source, now: SAMPLE_CLOCK }))).toMatch(/HASH_MISMATCH|LENGTH_MISMATCH/);
  });

  it('refuses expired metadata (freeze) and a tampered signature', async () => {
    const gun = sampleGun('app');
    expect(await codeOf(updateRepository({ gun, cache: emptyCache(), source: sampleSource('app'), now: new Date('2026-12-31T00:00:00Z') }))).toBe(
      'METADATA_EXPIRED',
    );
    const ts = JSON.parse(sampleFile('app', 'tuf/timestamp.json').toString());
    ts.signatures[0].sig = Buffer.alloc(64, 7).toString('base64');
    const source = sampleSource('app', { timestamp: Buffer.from(JSON.stringify(ts)) });
    expect(await codeOf(updateRepository({ gun, cache: emptyCache(), source, now: SAMPLE_CLOCK }))).toBe('SIGNATURE_INVALID');
    ts.signatures = [];
    const unsigned = sampleSource('app', { timestamp: Buffer.from(JSON.stringify(ts)) });
    expect(await codeOf(updateRepository({ gun, cache: emptyCache(), source: unsigned, now: SAMPLE_CLOCK }))).toBe('SIGNATURE_THRESHOLD_NOT_MET');
  });

  it('skips a delegated role below threshold, as notary does (team-forced)', async () => {
    const { cache, gun } = sampleTrustDir('team-forced');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    expect(trust.skipped.map((s) => [s.role, s.error.code])).toEqual([['targets/releases', 'SIGNED_BY_UNTRUSTED_KEY']]);
    expect(trust.warnings.join('\n')).toMatch(/valid signatures did not meet threshold for targets\/releases/);
  });

  it('says clearly when there is nothing cached and no network', async () => {
    expect(await codeOf(updateRepository({ gun: 'example.com/x/y', cache: emptyCache() }))).toBe('REPOSITORY_NOT_SIGNED');
  });

  it('falls back to the cache, marked stale, when the server is unreachable', async () => {
    const { cache, gun } = sampleTrustDir('app');
    const down = {
      async fetchRole(): Promise<Buffer> {
        throw new (await import('../base/errors.js')).TrustDeskError('NETWORK_UNREACHABLE', 'connection refused');
      },
      async fetchRootVersion(): Promise<Buffer> {
        throw new Error('not called');
      },
    };
    const trust = await updateRepository({ gun, cache, source: down, now: SAMPLE_CLOCK });
    expect(trust.source).toBe('cache');
    expect(trust.cachedAt).toBeInstanceOf(Date);
    expect(trust.warnings[0]).toMatch(/using cached timestamp/);
  });
});
