/**
 * The key use-cases as the app calls them: passphrases only through the provider, results that are
 * safe to send over IPC (no key bytes, encrypted or not, and no passphrase anywhere in them).
 */
import { describe, it, expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  changePassphrase,
  exportKey,
  generateKey,
  importKeys,
  listKeys,
  loadKey,
  migrateLegacyKeys,
  removeKey,
  restoreKey,
  listRemovedKeys,
} from './keys.js';
import { TrustContext } from '../../session/context.js';
import { parsePemBlocks } from '../../keystore/pem-format.js';
import type { PassphraseRequest } from '../../keystore/passphrase-sources.js';
import { sampleTrustDir, SAMPLE_CLOCK, REFERENCE_DIR } from '../../../../tests/support/samples.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'trustdesk-keys-uc-'));

/** Fails the test if a value that must stay private shows up in an IPC result. */
function assertIpcSafe(result: unknown, secrets: string[]): void {
  const json = JSON.stringify(result);
  expect(json).not.toMatch(/-----BEGIN|PRIVATE KEY/);
  for (const s of secrets) expect(json).not.toContain(s);
}

/** Base64 bodies of every key block in the files (what must never cross IPC). */
function keyBodies(paths: string[]): string[] {
  return paths.flatMap((p) => parsePemBlocks(readFileSync(p, 'utf8')).map((b) => b.der.toString('base64').slice(10, 60)));
}

describe('key use-cases for the app', () => {
  it('generate, list, passwd, export to a file, remove and restore: results carry public information only', async () => {
    const trustDir = join(tmp(), 'trust');
    const asked: PassphraseRequest[] = [];
    const answers = ['first-passphrase', 'first-passphrase', 'second-passphrase'];
    const ctx = new TrustContext({ trustDir, env: {}, secrets: { passphrase: async (req) => (asked.push(req), answers.shift()) } });
    const secrets = ['first-passphrase', 'second-passphrase'];

    const g = await generateKey(ctx, { name: 'kim', dir: tmp() });
    expect(asked.map((a) => [a.purpose, a.role])).toEqual([['new', 'kim']]);
    const p = await changePassphrase(ctx, { keyId: g.keyId });
    expect(asked.slice(1).map((a) => a.purpose)).toEqual(['unlock', 'new']);
    const list = await listKeys(ctx);
    expect(list.keys.map((k) => [k.keyId, k.role, k.algorithm, k.encryption, k.notaryCompatible])).toEqual([
      [g.keyId, 'kim', 'ecdsa', 'pkcs8-pbes2', true],
    ]);
    const out = join(tmp(), 'kim-export.pem');
    const e = await exportKey(ctx, { keyId: g.keyId, outFile: out });
    expect(e.path).toBe(out);
    await expect(exportKey(ctx, { keyId: g.keyId, outFile: out })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect(parsePemBlocks(readFileSync(out, 'utf8'))[0]!.headers).toEqual({ path: g.keyId, role: 'kim' });
    const r = await removeKey(ctx, { keyId: g.keyId });
    const removed = await listRemovedKeys(ctx);
    const back = await restoreKey(ctx, { keyId: g.keyId });
    const all = [g, p, list, e, r, removed, back];
    assertIpcSafe(all, [...secrets, ...keyBodies([g.path, out])]);
  });

  it('load and import: clear refusals, and the inventory of a cached repository', async () => {
    const { trustDir, gun } = sampleTrustDir('team');
    const env = { NOTARY_TARGETS_PASSPHRASE: 'targets-pass-1', DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'repo-pass-123' };
    const ctx = new TrustContext({ trustDir, env, clock: () => SAMPLE_CLOCK });
    const dir = tmp();
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const file = join(dir, 'k.pem');
    writeFileSync(file, pem, { mode: 0o600 });
    const loaded = await loadKey(ctx, { file, name: 'lee' });
    expect(loaded).toMatchObject({ role: 'lee', algorithm: 'ecdsa', reencrypted: true });
    await expect(loadKey(ctx, { file, name: 'lee' })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    await expect(importKeys(ctx, { file, role: 'targets' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(importKeys(ctx, { file, role: 'timestamp', gun })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // a copy of the team sample's trust dir has metadata but none of its keys
    const list = await listKeys(ctx);
    expect(list.repositories.map((r) => [r.gun, r.verified])).toEqual([[gun, true]]);
    expect(list.findings.map((f) => f.kind)).toEqual(['orphan-key']);
    assertIpcSafe([loaded, list], ['repo-pass-123', 'targets-pass-1', ...keyBodies([loaded.path])]);
    // the legacy dirs need their own passphrase; the file stays as it was
    const legacy = join(tmp(), 'notary0.1');
    cpSync(join(REFERENCE_DIR, 'legacy-trust-dirs/notary0.1'), legacy, { recursive: true });
    const before = readFileSync(join(legacy, 'private/root_keys/d0c623c8e70c70d42a8a8125c44a8598588b3f6e31d5c21a83cbc338dfde8a68_root.key'));
    await expect(
      exportKey(new TrustContext({ trustDir: legacy, env: { NOTARY_ROOT_PASSPHRASE: 'nope' } }), {
        keyId: 'd0c623c8',
        outFile: join(dir, 'p.pub'),
        public: true,
      }),
    ).rejects.toMatchObject({
      code: 'PASSPHRASE_WRONG',
    });
    await exportKey(new TrustContext({ trustDir: legacy, env: { NOTARY_ROOT_PASSPHRASE: 'randompass' } }), {
      keyId: 'd0c623c8',
      outFile: join(dir, 'p.pub'),
      public: true,
    });
    expect(readFileSync(join(dir, 'p.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: root\n\n/);
    expect(readFileSync(join(legacy, 'private/root_keys/d0c623c8e70c70d42a8a8125c44a8598588b3f6e31d5c21a83cbc338dfde8a68_root.key'))).toEqual(before);
  });

  it('migrate leaves the legacy files where they were when it cannot keep a backup, and says why', async () => {
    const legacy = join(tmp(), 'notary0.3');
    cpSync(join(REFERENCE_DIR, 'legacy-trust-dirs/notary0.3'), legacy, { recursive: true });
    writeFileSync(join(legacy, 'removed-keys'), 'a file where the backup dir would go');
    const r = await migrateLegacyKeys(new TrustContext({ trustDir: legacy, env: {} }));
    expect(r.migrated).toEqual([]);
    expect(r.skipped.map((x) => x.reason)).toEqual(Array(4).fill(expect.stringMatching(/cannot move the old file away .*left as it was/)));
    expect((await listKeys(new TrustContext({ trustDir: legacy, env: {} }))).keys.map((k) => k.layout).sort()).toEqual([
      'legacy-root-keys',
      'legacy-tuf-keys',
      'legacy-tuf-keys',
      'legacy-tuf-keys',
    ]);
  });
});
