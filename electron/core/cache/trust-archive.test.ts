import { describe, it, expect } from 'vitest';
import { updateRepository } from '../tuf/repository-updater.js';
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import {
  ArchiveSource,
  MemoryTrustCache,
  archivedRepository,
  parseArchive,
  requireArchiveSigner,
  serialiseArchive,
  serialiseSignedArchive,
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchiveBody,
  type ArchiveSignerScheme,
  type ArchiveSigningKey,
} from './trust-archive.js';
import { keyId, publicKeyJson } from '../tuf/keys.js';
import { verifyArchivedRepository } from '../use-cases/archive/archive.js';
import { repositoryStatus } from '../tuf/verdicts.js';
import { verifyStatus } from '../tuf/verification.js';
import { parseReference } from '../base/reference.js';
import { isTrustDeskError } from '../base/errors.js';
import { sampleGun, sampleSource, SAMPLE_CLOCK } from '../../../tests/support/samples.js';

/** Version 1 (unsigned, the format before signatures): still read. */
async function sampleArchive(scenario: string): Promise<{ body: ArchiveBody; bytes: Buffer; gun: string }> {
  const gun = sampleGun(scenario);
  const trust = await updateRepository({
    gun,
    cache: new MemoryTrustCache(),
    source: sampleSource(scenario),
    now: SAMPLE_CLOCK,
    fullRootChain: true,
  });
  const body: ArchiveBody = {
    format: ARCHIVE_FORMAT,
    version: 1,
    archivedAt: SAMPLE_CLOCK.toISOString(),
    createdBy: 'test',
    repositories: [archivedRepository(trust, 'https://notary.example', { tags: [] })],
  };
  return { body, bytes: serialiseArchive(body), gun };
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'OK';
  } catch (err) {
    if (isTrustDeskError(err)) return err.code;
    throw err;
  }
}

describe('trust archive', () => {
  it('holds the whole root chain and every verified role, and verifies from its bytes alone', async () => {
    const { bytes, gun } = await sampleArchive('rotated');
    const archive = parseArchive(bytes);
    const names = archive.body.repositories[0]!.files.map((f) => f.name);
    expect(names).toEqual([
      '1.root.json',
      '2.root.json',
      '3.root.json',
      '4.root.json',
      '5.root.json',
      'timestamp.json',
      'snapshot.json',
      'targets.json',
    ]);
    const a = await verifyArchivedRepository(archive, gun);
    expect(a.trust.rootChain.map((r) => r.signed.version)).toEqual([1, 2, 3, 4, 5]);
    expect(a.trust.verifiedAt.toISOString()).toBe(SAMPLE_CLOCK.toISOString());
    // verified years later: still valid as of the archive time, with what expired since
    const status = repositoryStatus(gun, a.trust, [], new Date('2030-01-01T00:00:00Z'));
    expect(status.verifiedAt).toBe(SAMPLE_CLOCK.toISOString());
    expect(status.expiredSince!.map((e) => e.role)).toContain('timestamp');
    const v = verifyStatus(`${gun}:v2`, parseReference(`${gun}:v2`), status, { registryChecked: false });
    expect(v.outcome).toBe('ok');
  });

  it('delegations are archived too (team)', async () => {
    const { bytes, gun } = await sampleArchive('team');
    const archive = parseArchive(bytes);
    expect(archive.body.repositories[0]!.files.map((f) => f.name)).toEqual(expect.arrayContaining(['targets/releases.json', 'targets/alice.json']));
    const a = await verifyArchivedRepository(archive, gun);
    expect(a.trust.delegations.map((d) => d.env.role)).toEqual(['targets/alice', 'targets/releases']);
  });

  it('any single flipped byte is refused (header, manifest, data, JSON structure)', async () => {
    const { bytes } = await sampleArchive('rotated');
    const positions = new Set<number>([0, 5, bytes.indexOf(0x0a), bytes.indexOf(0x0a) + 1, bytes.length - 1, bytes.length - 2]);
    for (let i = 0; i < 300; i++) positions.add(Math.floor((i * bytes.length) / 300));
    for (const pos of positions) {
      for (const mask of [0x01, 0x20]) {
        const bad = Buffer.from(bytes);
        bad[pos] = bad[pos]! ^ mask;
        const code = await codeOf(() => parseArchive(bad));
        expect(['ARCHIVE_INVALID', 'ARCHIVE_UNSUPPORTED'], `byte ${pos} ^ ${mask}`).toContain(code);
      }
    }
  });

  it('a consistent archive whose metadata was altered (hashes recomputed) fails the signature checks', async () => {
    const { body, gun } = await sampleArchive('rotated');
    const repo = body.repositories[0]!;
    const f = repo.files.find((x) => x.name === 'targets.json')!;
    const raw = Buffer.from(f.data, 'base64');
    const text = raw.toString('utf8').replace('"v2"', '"v9"');
    const forged = Buffer.from(text);
    const { createHash } = await import('node:crypto');
    Object.assign(f, { data: forged.toString('base64'), length: forged.length, sha256: createHash('sha256').update(forged).digest('hex') });
    const archive = parseArchive(serialiseArchive(body));
    expect(await codeOf(verifyArchivedRepository(archive, gun))).toMatch(/HASH_MISMATCH|LENGTH_MISMATCH/);
  });

  it('an archive missing a root version of the chain is incomplete; an unknown version is unsupported', async () => {
    const { body } = await sampleArchive('rotated');
    const copy = structuredClone(body);
    copy.repositories[0]!.files = copy.repositories[0]!.files.filter((f) => f.name !== '3.root.json');
    expect(await codeOf(() => parseArchive(serialiseArchive(copy)))).toBe('ARCHIVE_INCOMPLETE');
    const bytes = serialiseArchive(body);
    const v3 = Buffer.from(bytes.toString('utf8').replace('"version":1,', '"version":3,'));
    expect(await codeOf(() => parseArchive(v3))).toBe('ARCHIVE_UNSUPPORTED');
    expect(await codeOf(() => parseArchive(Buffer.from('{"format":"something-else"}\n{}')))).toBe('ARCHIVE_INVALID');
  });

  it('a consistent archive with malformed registry entries is refused, not a crash', async () => {
    const { body } = await sampleArchive('rotated');
    for (const tags of [[{ tag: 5 }], [{ tag: 'v1', digest: 'md5:abc' }], [{ tag: 'v1', size: 'big' }], 'nope']) {
      const copy = structuredClone(body);
      (copy.repositories[0] as { registry: unknown }).registry = { tags };
      expect(await codeOf(() => parseArchive(serialiseArchive(copy)))).toBe('ARCHIVE_INVALID');
    }
  });

  it('asking for a repository the archive lacks: ARCHIVE_INCOMPLETE naming what it holds', async () => {
    const { bytes, gun } = await sampleArchive('rotated');
    await expect(verifyArchivedRepository(parseArchive(bytes), 'r.io/other')).rejects.toThrow(new RegExp(`holds ${gun.replace(/[.]/g, '\\.')}`));
  });

  it('the archive source serves root.json as the newest root and 404s what it lacks', async () => {
    const { body, gun } = await sampleArchive('rotated');
    const src = new ArchiveSource(body.repositories[0]!);
    const root = JSON.parse((await src.fetchRole(gun, 'root', { maxBytes: 1e6 })).toString());
    expect(root.signed.version).toBe(5);
    expect(await codeOf(src.fetchRootVersion(gun, 6, { maxBytes: 1e6 }))).toBe('METADATA_NOT_FOUND');
  });
});

describe('signed trust archives (format 2)', () => {
  const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signingKey = (scheme: ArchiveSignerScheme, privateKey: KeyObject): ArchiveSigningKey => ({
    scheme,
    publicKey: createPublicKey(privateKey),
    sign: async (m) => nodeSign('sha256', m, { key: privateKey, dsaEncoding: 'der' }),
  });

  async function signedSample(scheme: ArchiveSignerScheme, privateKey: KeyObject) {
    const { body, gun } = await sampleArchive('team');
    const v2 = { ...body, version: ARCHIVE_VERSION };
    return { bytes: await serialiseSignedArchive(v2, signingKey(scheme, privateKey)), gun };
  }

  it('names its signer: notary canonical key ID, or the SHA-256 of a cosign public key; verifies as before', async () => {
    const k = ecKey();
    const { bytes, gun } = await signedSample('notary', k.privateKey);
    const archive = parseArchive(bytes);
    expect(archive.header.version).toBe(2);
    expect(archive.signer).toEqual({ scheme: 'notary', keyId: keyId(publicKeyJson(k.publicKey)) });
    expect((await verifyArchivedRepository(archive, gun)).trust.delegations.length).toBe(2);
    const c = ecKey();
    const cos = parseArchive((await signedSample('cosign', c.privateKey)).bytes);
    expect(cos.signer).toEqual({
      scheme: 'cosign',
      keyId: createHash('sha256')
        .update(c.publicKey.export({ format: 'der', type: 'spki' }))
        .digest('hex'),
    });
    expect(requireArchiveSigner(cos, [c.publicKey])).toEqual(cos.signer);
    // an old unsigned archive still reads, marked unsigned
    expect(parseArchive((await sampleArchive('team')).bytes).signer).toBeUndefined();
  });

  it('one flipped byte anywhere: ARCHIVE_SIGNATURE_INVALID (or ARCHIVE_INVALID where the header no longer parses)', async () => {
    const { bytes } = await signedSample('cosign', ecKey().privateKey);
    const nl = bytes.indexOf(0x0a);
    const positions = new Set<number>([nl + 1, bytes.length - 2]);
    for (let i = 0; i < 120; i++) positions.add(nl + 1 + Math.floor((i * (bytes.length - nl - 1)) / 120));
    for (const pos of positions) {
      const bad = Buffer.from(bytes);
      bad[pos] = bad[pos]! ^ 0x01;
      expect(await codeOf(() => parseArchive(bad)), `body byte ${pos}`).toBe('ARCHIVE_SIGNATURE_INVALID');
    }
    // the signature itself, its key ID, and the header's digest
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
    const body = bytes.subarray(nl);
    const withHeader = (h: unknown) => Buffer.concat([Buffer.from(JSON.stringify(h)), body]);
    const sig = Buffer.from(header.signature.sig, 'base64');
    sig[sig.length - 1] ^= 0x01;
    expect(await codeOf(() => parseArchive(withHeader({ ...header, signature: { ...header.signature, sig: sig.toString('base64') } })))).toBe(
      'ARCHIVE_SIGNATURE_INVALID',
    );
    expect(await codeOf(() => parseArchive(withHeader({ ...header, signature: { ...header.signature, keyid: 'a'.repeat(64) } })))).toBe(
      'ARCHIVE_SIGNATURE_INVALID',
    );
    expect(await codeOf(() => parseArchive(withHeader({ ...header, body_sha256: 'b'.repeat(64) })))).toBe('ARCHIVE_SIGNATURE_INVALID');
  });

  it('a different signer key: ARCHIVE_SIGNER_UNTRUSTED; so is an unsigned archive when a signer is required', async () => {
    const { bytes } = await signedSample('cosign', ecKey().privateKey);
    const other = ecKey();
    expect(await codeOf(() => requireArchiveSigner(parseArchive(bytes), [other.publicKey]))).toBe('ARCHIVE_SIGNER_UNTRUSTED');
    // re-signed by someone else after editing: the signature verifies, the signer is not the one required
    const { bytes: resigned } = await signedSample('cosign', other.privateKey);
    expect(parseArchive(resigned).signer?.scheme).toBe('cosign');
    expect(await codeOf(() => requireArchiveSigner(parseArchive(resigned), [createPublicKey(ecKey().privateKey)]))).toBe('ARCHIVE_SIGNER_UNTRUSTED');
    const unsigned = parseArchive((await sampleArchive('team')).bytes);
    expect(await codeOf(() => requireArchiveSigner(unsigned, [other.publicKey]))).toBe('ARCHIVE_SIGNER_UNTRUSTED');
  });
});
