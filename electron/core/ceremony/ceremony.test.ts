import { describe, it, expect } from 'vitest';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { canonicalKeyId, keyId } from '../tuf/keys.js';
import { serialiseEnvelope } from '../tuf/metadata/envelope.js';
import { makeRootCertificate } from '../signing/root-certificate.js';
import { KeyObjectSigner, KeyRing } from '../signing/signer.js';
import { combineShares, decodeShare, encodeShare, exportRootBackup, restoreDrill } from './backup.js';
import {
  checkBundle,
  compareWithCachedRoot,
  missingSignatures,
  rootRotationSummary,
  sealBundle,
  signBundle,
  envelopeOf,
  type SigningBundle,
} from './bundle.js';
import { CeremonyLog, verifyLogText } from './log.js';
import { buildRotationBundle, simulateClients } from './rotation.js';

const GUN = 'registry.example/team/app';
const ENV = { NOTARY_ROOT_PASSPHRASE: 'correct horse battery', DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'correct horse battery' };
const now = new Date('2026-12-01T12:00:00Z');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'trustdesk-ceremony-'));
}

function ec(): KeyObjectSigner {
  return new KeyObjectSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** A signed root.json version 1 of GUN whose root key is `root`. */
async function rootV1(root: KeyObjectSigner): Promise<Buffer> {
  const cert = makeRootCertificate(root.privateKey, GUN, now);
  const [t, s, ts] = [ec(), ec(), ec()];
  const rid = keyId(cert.key);
  const signed = {
    _type: 'Root',
    consistent_snapshot: false,
    expires: '2036-11-29T12:00:00Z',
    keys: { [rid]: cert.key, [t.keyId]: t.publicKey, [s.keyId]: s.publicKey, [ts.keyId]: ts.publicKey },
    roles: {
      root: { keyids: [rid], threshold: 1 },
      snapshot: { keyids: [s.keyId], threshold: 1 },
      targets: { keyids: [t.keyId], threshold: 1 },
      timestamp: { keyids: [ts.keyId], threshold: 1 },
    },
    version: 1,
  };
  const sig = await root.sign(canonicalBytes(signed));
  return serialiseEnvelope(signed, [{ keyid: rid, method: sig.method, sig: sig.sig }]);
}

describe('ceremony log', () => {
  it('chains entries and finds a changed, removed or reordered line', async () => {
    const file = join(tmp(), 'c.log');
    const log = new CeremonyLog(file, () => now);
    await log.append({ step: 'a', keyIds: ['k1'] });
    await log.append({ step: 'b', hashes: { x: 'ab' } });
    await log.append({ step: 'c', details: { n: 1 } });
    const text = readFileSync(file, 'utf8');
    expect(verifyLogText(text)).toMatchObject({ ok: true, entries: 3 });
    const lines = text.trim().split('\n');
    expect(verifyLogText(`${lines[0]}\n${lines[2]}\n`).problem).toMatchObject({ line: 2 });
    expect(verifyLogText(`${lines[1]}\n${lines[0]}\n`).ok).toBe(false);
    const changed = text.replace('"step":"b"', '"step":"B"');
    expect(verifyLogText(changed).problem?.message).toContain('does not match its hash');
    writeFileSync(file, changed);
    await expect(log.append({ step: 'd' })).rejects.toThrow(/CEREMONY_LOG_INVALID|broken/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('root backup, shares and restore drill', () => {
  it('exports the encrypted key, 3-of-5 shares rebuild it, the drill checks it against the root', async () => {
    const trustDir = tmp();
    const ring = new KeyRing(trustDir, { env: ENV });
    const root = await ring.generate({ role: 'root' });
    const out = tmp();
    const log = new CeremonyLog(join(out, 'ceremony.log'));
    const r = await exportRootBackup({ trustDir, keyId: root.keyId.slice(0, 10), outDir: out, shares: { threshold: 3, total: 5 }, log });
    const pem = readFileSync(r.backupFile, 'utf8');
    expect(pem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(pem).not.toContain('BEGIN PRIVATE KEY');
    expect(r.shares!.files).toHaveLength(5);
    for (const f of readdirSync(out)) expect(statSync(join(out, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(r.shares!.pages[0]!, 'utf8')).toContain('<svg');

    const shares = r.shares!.files.map((f) => readFileSync(f, 'utf8'));
    const rebuilt = await combineShares([shares[4]!, shares[0]!, shares[2]!]);
    expect(rebuilt.keyId).toBe(root.keyId);
    expect(rebuilt.pem.replace(/\s/g, '')).toBe(pem.replace(/\s/g, ''));

    // fewer than m, a damaged share, shares of another set
    await expect(combineShares(shares.slice(0, 2))).rejects.toThrow(/2 distinct share\(s\) given, 3 of 5 are needed/);
    await expect(combineShares([shares[0]!, shares[0]!, shares[1]!])).rejects.toThrow(/3 of 5 are needed/);
    const s2 = decodeShare(shares[1]!);
    s2.payload[5] ^= 0xff;
    await expect(combineShares([shares[0]!, encodeShare(s2), shares[2]!])).rejects.toThrow(/damaged or was altered/);
    const other = await exportRootBackup({ trustDir, keyId: root.keyId, outDir: tmp(), shares: { threshold: 3, total: 5 } });
    const otherShare = readFileSync(other.shares!.files[0]!, 'utf8');
    await expect(combineShares([shares[0]!, shares[1]!, otherShare])).rejects.toThrow(/does not belong to set/);
    await expect(combineShares(['hello'])).rejects.toThrow(/not a TrustDesk root key share/);

    const raw = await rootV1(new KeyObjectSigner((await ring.rootSigner((await ring.rootKeys())[0]!)).privateKey));
    const drill = await restoreDrill({
      source: { shares: [shares[1]!, shares[3]!, shares[4]!] },
      roots: [{ gun: GUN, raw }],
      env: ENV,
      trustDir,
      log,
    });
    expect(drill).toMatchObject({ ok: true, keyId: root.keyId, from: 'shares' });
    expect(JSON.parse(readFileSync(drill.recordFile!, 'utf8'))).toMatchObject({ keyId: root.keyId, backedUp: true });

    // a drill against a repository with another root fails and does not mark it backed up
    const stranger = await rootV1(ec());
    const bad = await restoreDrill({ source: { backupFile: r.backupFile }, roots: [{ gun: GUN, raw: stranger }], env: ENV, trustDir: tmp() });
    expect(bad.ok).toBe(false);
    expect(bad.recordFile).toBeUndefined();
    await expect(
      restoreDrill({
        source: { backupFile: r.backupFile },
        roots: [{ gun: GUN, raw }],
        env: { NOTARY_ROOT_PASSPHRASE: 'wrong wrong wrong' },
        trustDir,
      }),
    ).rejects.toThrow(/PASSPHRASE|passphrase/);
    expect(verifyLogText(readFileSync(join(out, 'ceremony.log'), 'utf8'))).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('signing bundles and the rotation simulator', () => {
  async function setup() {
    const oldRoot = ec();
    const newRoot = ec();
    const v1 = await rootV1(oldRoot);
    const req = await buildRotationBundle(GUN, v1, Buffer.from('{"snapshot":1}'), newRoot, now);
    return { oldRoot, newRoot, v1, req };
  }
  const finderOf = (s: KeyObjectSigner) => ({
    signerFor: async (k: Parameters<typeof keyId>[0]) => {
      try {
        return canonicalKeyId(k) === s.keyId ? s : undefined;
      } catch {
        return undefined;
      }
    },
  });

  it('a request signed offline by the old root verifies and old and fresh clients accept the new root', async () => {
    const { oldRoot, v1, req } = await setup();
    const c = checkBundle(JSON.stringify(req), 'request');
    expect(missingSignatures(c)).toEqual([expect.stringContaining('old root needs 1')]);
    expect(c.summary[0]).toContain('version 1 -> 2');
    const { bundle, signedBy } = await signBundle(c, finderOf(oldRoot), now);
    expect(signedBy).toHaveLength(1);
    const signed = checkBundle(JSON.stringify(bundle), 'signed');
    expect(missingSignatures(signed)).toEqual([]);
    const sims = simulateClients(GUN, [v1], envelopeOf(signed), now);
    expect(sims.every((s) => s.ok)).toBe(true);
    // without the old root's signature (compromise): a client holding version 1 refuses it
    const onlyNew = simulateClients(GUN, [v1], envelopeOf(c), now);
    expect(onlyNew.find((s) => s.client.includes('version 1'))).toMatchObject({ ok: false });
    expect(onlyNew.find((s) => s.client.includes('fresh'))).toMatchObject({ ok: true });
  });

  it('the offline machine compares the trusted root with the root it cached', async () => {
    const { v1, req } = await setup();
    const c = checkBundle(JSON.stringify(req));
    expect(compareWithCachedRoot(c, undefined)).toContain('no cached root');
    expect(compareWithCachedRoot(c, v1)).toContain('matches the root version 1 this machine cached');
    const other = await rootV1(ec());
    expect(() => compareWithCachedRoot(c, other)).toThrow(/not the root this machine cached/);
    expect(() => compareWithCachedRoot(c, Buffer.from(JSON.stringify({ signed: { version: 3 } })))).toThrow(/already seen root version 3/);
  });

  it('a tampered or mismatched bundle is refused', async () => {
    const { oldRoot, req } = await setup();
    const reseal = (b: SigningBundle) => {
      const { bundleSha256: _x, ...rest } = b;
      return JSON.stringify(sealBundle(rest));
    };
    const mutate = (f: (b: SigningBundle) => void) => {
      const b = JSON.parse(JSON.stringify(req)) as SigningBundle;
      f(b);
      return b;
    };
    // one changed byte without resealing
    expect(() => checkBundle(JSON.stringify(req).replace('"request"', '"signed"'))).toThrow(/bundleSha256/);
    // resealed, but the bytes differ from their hash
    expect(() =>
      checkBundle(
        reseal(
          mutate((b) => {
            const m = Buffer.from(b.items[0]!.signed, 'base64').toString().replace('"threshold":1', '"threshold":2');
            b.items[0]!.signed = Buffer.from(m).toString('base64');
          }),
        ),
      ),
    ).toThrow(/do not match their recorded hash/);
    // resealed with consistent hashes, but the summary lies
    expect(() =>
      checkBundle(
        reseal(
          mutate((b) => {
            b.summary[0] = 'harmless change';
          }),
        ),
      ),
    ).toThrow(/summary does not describe/);
    // bytes changed consistently: the new key's signature no longer verifies
    expect(() =>
      checkBundle(
        reseal(
          mutate((b) => {
            const doc = JSON.parse(Buffer.from(b.items[0]!.signed, 'base64').toString());
            doc.expires = '2099-01-01T00:00:00Z';
            const m = canonicalBytes(doc);
            b.items[0]!.signed = m.toString('base64');
            b.items[0]!.length = m.length;
            b.items[0]!.sha256 = createHash('sha256').update(m).digest('hex');
            b.summary = rootRotationSummary(b.gun, JSON.parse(Buffer.from(b.trustedRoot, 'base64').toString()).signed, doc);
          }),
        ),
      ),
    ).toThrow(/does not verify/);
    // required signatures swapped for an attacker's key set
    expect(() =>
      checkBundle(
        reseal(
          mutate((b) => {
            b.items[0]!.requiredSignatures[0]!.threshold = 0;
          }),
        ),
      ),
    ).toThrow(/required signatures/);
    expect(() =>
      checkBundle(
        reseal(
          mutate((b) => {
            (b as { version: number }).version = 2;
          }),
        ),
      ),
    ).toThrow(/version 2 is not supported/);
    // a key that is not asked for cannot sign
    await expect(signBundle(checkBundle(JSON.stringify(req)), finderOf(ec()), now)).rejects.toThrow(/no key on this machine/);
    void oldRoot;
  });
});
