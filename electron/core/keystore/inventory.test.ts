import { describe, it, expect } from 'vitest';
import { reconcile, repositoryRoles } from './inventory.js';
import type { KeyFileEntry } from './key-file-store.js';
import { sampleTrustDir, SAMPLE_CLOCK } from '../../../tests/support/samples.js';

const ROOT_CERT_ID = '183e9eeb293333afb42feb2ba80627fa0cef03a8d647003d1788629b4c35394a';
const TARGETS_ID = '5d5aab59b7bce9d18f49d1f8aacbc6bb43050465aac3c835275fa11fe2c858d1';
const ALICE_ID = '1116125cb93455f5e6f4d3a465fd8869f82e610f73a16a35d08221adaa3be203';

function entry(keyId: string, role: string, gun?: string): KeyFileEntry {
  return {
    keyId,
    role,
    ...(gun ? { gun } : {}),
    path: `/t/private/${keyId}.key`,
    relPath: `${keyId}.key`,
    layout: 'flat',
    encryption: 'pkcs8-pbes2',
    notaryCompatible: true,
    warnings: [],
  };
}

describe('repositoryRoles', () => {
  it('reads the verified roles of a cached repository, root keys by their bare ID', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const r = await repositoryRoles(cache, gun, SAMPLE_CLOCK);
    expect(r.verified).toBe(true);
    expect(r.roles.map((a) => a.role)).toEqual(['root', 'targets', 'snapshot', 'timestamp', 'targets/alice', 'targets/releases']);
    const root = r.roles[0]!;
    expect(root.keyIds[0]).toMatch(/^476887c2/); // the private key file's ID (notary-metadata.md §4)
    expect(root.metadataKeyIds[root.keyIds[0]!]).toBe(ROOT_CERT_ID);
    expect(r.roles.find((a) => a.role === 'targets/alice')!.keyIds).toEqual([ALICE_ID]);
  });

  it('falls back to unverified cached files when they no longer verify (expired)', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const r = await repositoryRoles(cache, gun, new Date('2031-01-01T00:00:00Z'));
    expect(r.verified).toBe(false);
    expect(r.warnings[0]).toMatch(/does not verify/);
    expect(r.roles.map((a) => a.role)).toEqual(['root', 'targets', 'snapshot', 'timestamp', 'targets/alice', 'targets/releases']);
  });
});

describe('reconcile', () => {
  it('finds usage (both root IDs), missing targets key, stale and orphan keys', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const repo = await repositoryRoles(cache, gun, SAMPLE_CLOCK);
    const rootId = repo.roles[0]!.keyIds[0]!;
    const stale = 'e'.repeat(64);
    const orphan = 'f'.repeat(64);
    const keys = [entry(rootId, 'root'), entry(ALICE_ID, 'alice'), entry(stale, 'targets/releases'), entry(orphan, 'zed')];
    const rec = reconcile(keys, [repo]);
    expect(rec.usage.get(rootId)).toEqual({
      keyId: rootId,
      otherIds: [ROOT_CERT_ID],
      usedBy: [{ gun, role: 'root', metadataKeyId: ROOT_CERT_ID, verified: true }],
    });
    expect(rec.usage.get(ALICE_ID)!.usedBy.map((u) => u.role)).toEqual(['targets/alice', 'targets/releases']);
    const f = rec.findings.map((x) => [x.severity, x.kind, x.role, x.keyIds]);
    expect(f).toContainEqual(['error', 'missing-key', 'targets', [TARGETS_ID]]);
    expect(f).toContainEqual(['info', 'missing-key', 'snapshot', [expect.any(String)]]);
    expect(f).toContainEqual(['warning', 'stale-key', 'targets/releases', [stale]]);
    expect(f).toContainEqual(['info', 'orphan-key', 'zed', [orphan]]);
    expect(f).toContainEqual(['info', 'orphan-key', 'targets/releases', [stale]]);
    expect(rec.findings.find((x) => x.kind === 'missing-key' && x.role === 'targets')!.message).toMatch(/could not find necessary signing keys/);
    expect(f.filter((x) => x[2] === 'root')).toEqual([]); // the root key is here
  });

  it('a machine that holds only a delegation key administers nothing: no missing-key findings', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const repo = await repositoryRoles(cache, gun, SAMPLE_CLOCK);
    const rec = reconcile([entry(ALICE_ID, 'alice')], [repo]);
    expect(rec.findings).toEqual([]);
  });
});

describe('reconcile: keys of repositories not in the cache', () => {
  it('says how to learn their use instead of calling them orphans of nothing', () => {
    const rec = reconcile([entry('d'.repeat(64), 'targets', 'example.com/not/cached')], []);
    expect(rec.findings.map((f) => f.message)).toEqual([
      `key ddddddd (targets, example.com/not/cached): example.com/not/cached is not in the trust cache, so its use is unknown (run "trustdesk inspect example.com/not/cached" to fetch it)`,
    ]);
  });
});
