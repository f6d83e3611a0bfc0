/**
 * The publishing core against an in-memory notary server (stores uploads byte for byte, signs
 * snapshot when it holds the key, always signs a new timestamp): what the builder signs must verify
 * with our own updater, versions and expiries follow notary, root rotation is accepted by a client
 * that trusted the old root, previews show the exact change, and the root certificate has notary's
 * profile.
 */
import { describe, it, expect } from 'vitest';
import { createHash, createPublicKey, X509Certificate, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustCache } from '../cache/trust-cache.js';
import { TrustDeskError } from '../base/errors.js';
import { fileMetaFor } from '../tuf/metadata/file-meta.js';
import { updateRepository, type MetadataSource, type RepositoryTrust } from '../tuf/repository-updater.js';
import { multipartBody, type MetadataPart } from '../remote/notary-publisher.js';
import { simKey, signEnvelope } from '../../../tests/support/repository-simulator.js';
import { ChangeList, type Change } from './changelist.js';
import { formatPreview } from './diff-preview.js';
import { goTime } from './expiry.js';
import { buildUpdate, SignerSet, type NewRepositoryKeys, type ResolvedRotation } from './metadata-builder.js';
import { makeRootCertificate } from '../signing/root-certificate.js';
import { KeyObjectSigner } from '../signing/signer.js';

const GUN = 'registry.example.test/team/app';
const NOW = new Date('2026-12-01T12:00:00.123Z');

/** notary-server in memory: current files, root history, server-held timestamp (and snapshot) keys. */
class MemoryServer implements MetadataSource {
  files = new Map<string, Buffer>();
  roots = new Map<number, Buffer>();
  readonly timestampKey = simKey();
  readonly snapshotKey = simKey();
  private tsVersion = 0;

  accept(parts: MetadataPart[]): void {
    for (const p of parts) {
      const version = JSON.parse(p.raw.toString()).signed.version as number;
      const current = this.files.get(p.role);
      if (current && JSON.parse(current.toString()).signed.version >= version) {
        throw new TrustDeskError('PUBLISH_REJECTED', `VERSION: ${p.role} ${version}`);
      }
    }
    for (const p of parts) {
      this.files.set(p.role, p.raw);
      if (p.role === 'root') this.roots.set(JSON.parse(p.raw.toString()).signed.version, p.raw);
    }
    if (!parts.some((p) => p.role === 'snapshot')) {
      const old = this.files.get('snapshot');
      const meta = Object.fromEntries(
        [...this.files].filter(([r]) => r !== 'snapshot' && r !== 'timestamp').map(([r, raw]) => [r, fileMetaFor(raw)]),
      );
      const version = old ? JSON.parse(old.toString()).signed.version + 1 : 1;
      this.files.set('snapshot', signEnvelope({ _type: 'Snapshot', expires: '2029-01-01T00:00:00Z', meta, version }, [this.snapshotKey]));
    }
    this.tsVersion++;
    this.files.set(
      'timestamp',
      signEnvelope(
        {
          _type: 'Timestamp',
          expires: '2027-01-01T00:00:00Z',
          meta: { snapshot: fileMetaFor(this.files.get('snapshot')!) },
          version: this.tsVersion,
        },
        [this.timestampKey],
      ),
    );
  }

  async fetchRole(_gun: string, role: string): Promise<Buffer> {
    const b = this.files.get(role);
    if (!b) throw new TrustDeskError('METADATA_NOT_FOUND', `${role} not found`);
    return b;
  }

  async fetchRootVersion(_gun: string, version: number): Promise<Buffer> {
    const b = this.roots.get(version);
    if (!b) throw new TrustDeskError('METADATA_NOT_FOUND', `${version}.root not found`);
    return b;
  }
}

function ecSigner(): KeyObjectSigner {
  return new KeyObjectSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

interface Repo {
  server: MemoryServer;
  signers: SignerSet;
  cache: TrustCache;
  root: KeyObjectSigner;
  targets: KeyObjectSigner;
}

async function load(repo: Repo, cache = repo.cache): Promise<RepositoryTrust> {
  return updateRepository({ gun: GUN, cache, source: repo.server, now: NOW });
}

async function initRepo(serverSnapshot = true): Promise<Repo> {
  const server = new MemoryServer();
  const root = ecSigner();
  const targets = ecSigner();
  const signers = new SignerSet();
  signers.add(root);
  signers.add(targets);
  const snapshot = ecSigner();
  if (!serverSnapshot) signers.add(snapshot);
  const init: NewRepositoryKeys = {
    root: makeRootCertificate(root.privateKey, GUN, NOW).key,
    targets: targets.publicKey,
    snapshot: serverSnapshot ? server.snapshotKey.pub : snapshot.publicKey,
    snapshotServerManaged: serverSnapshot,
    timestamp: server.timestampKey.pub,
  };
  const built = await buildUpdate({ gun: GUN, now: NOW, init, changes: [], signers });
  server.accept(built.parts);
  return { server, signers, cache: new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-pub-'))), root, targets };
}

async function publish(repo: Repo, changes: Change[], rotations?: Map<'root' | 'targets' | 'snapshot' | 'timestamp', ResolvedRotation>) {
  const trust = await load(repo);
  const built = await buildUpdate({ gun: GUN, now: NOW, trust, changes, signers: repo.signers, ...(rotations ? { rotations } : {}) });
  repo.server.accept(built.parts);
  return { built, after: await load(repo) };
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('metadata builder', () => {
  it('initialises a repository our updater verifies (root v1 with a certificate, targets v1)', async () => {
    const repo = await initRepo();
    const trust = await load(repo);
    expect(trust.root.signed.version).toBe(1);
    expect(trust.targets.signed.version).toBe(1);
    expect(trust.targets.signed.delegations).toEqual({ keys: {}, roles: [] });
    const rootKey = trust.root.signed.keys[trust.root.signed.roles.root.keyids[0]!]!;
    expect(rootKey.keytype).toBe('ecdsa-x509');
    expect(trust.root.signed.expires).toBe('2036-11-28T12:00:00.123Z');
  });

  it('signs tags into targets, bumps versions, previews the exact change', async () => {
    const repo = await initRepo();
    const { built, after } = await publish(repo, [
      { kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 10 } },
      { kind: 'add-target', name: 'v2', target: { sha256Hex: hex('b'), length: 20 } },
    ]);
    expect(Object.keys(after.targets.signed.targets)).toEqual(['v1', 'v2']);
    expect(after.targets.signed.version).toBe(2);
    const targetsPreview = built.preview.roles.find((r) => r.role === 'targets')!;
    expect(targetsPreview).toMatchObject({ fromVersion: 1, toVersion: 2, signedBy: 'local', signingKeyIds: [repo.targets.keyId] });
    expect(targetsPreview.targetsAdded).toEqual([
      { name: 'v1', digest: `sha256:${hex('a')}`, size: 10 },
      { name: 'v2', digest: `sha256:${hex('b')}`, size: 20 },
    ]);
    expect(built.preview.roles.map((r) => [r.role, r.signedBy])).toEqual([
      ['targets', 'local'],
      ['snapshot', 'server'],
      ['timestamp', 'server'],
    ]);
    expect(formatPreview(built.preview)).toContain(`+ v1 sha256:${hex('a')} (10 bytes)`);
    // revoke: the target goes, version 3
    const { after: revoked, built: b2 } = await publish(repo, [{ kind: 'remove-target', name: 'v1' }]);
    expect(Object.keys(revoked.targets.signed.targets)).toEqual(['v2']);
    expect(b2.preview.roles[0]!.targetsRemoved.map((t) => t.name)).toEqual(['v1']);
  });

  it('delegations as docker makes them; the delegate signs into releases and its own role', async () => {
    const repo = await initRepo();
    const alice = ecSigner();
    await publish(repo, [
      { kind: 'add-delegation', role: 'targets/alice', keys: [alice.publicKey] },
      { kind: 'add-delegation', role: 'targets/releases', keys: [alice.publicKey] },
    ]);
    // alice's machine holds only her key
    const aliceRepo: Repo = { ...repo, signers: new SignerSet() };
    aliceRepo.signers.add(alice);
    const { after, built } = await publish(aliceRepo, [{ kind: 'add-target', name: 'a1', target: { sha256Hex: hex('x'), length: 5 } }]);
    expect(built.parts.map((p) => p.role).sort()).toEqual(['targets/alice', 'targets/releases']);
    expect(after.delegations.map((d) => [d.env.role, Object.keys(d.env.signed.targets)])).toEqual([
      ['targets/alice', ['a1']],
      ['targets/releases', ['a1']],
    ]);
    // the admin without delegation keys cannot sign implicitly (docker's rule) but can into targets
    await expect(publish(repo, [{ kind: 'add-target', name: 'x', target: { sha256Hex: hex('y'), length: 1 } }])).rejects.toMatchObject({
      code: 'NO_SIGNING_KEY',
    });
    await publish(repo, [{ kind: 'add-target', name: 'x', target: { sha256Hex: hex('y'), length: 1 }, roles: ['targets'] }]);
    // removing alice's keys from releases leaves it without keys: the delegation goes
    const { after: removed, built: b3 } = await publish(repo, [
      { kind: 'remove-delegation-keys', role: 'targets/releases', keyIds: [alice.keyId] },
      { kind: 'remove-delegation', role: 'targets/alice' },
    ]);
    expect(removed.targets.signed.delegations).toEqual({ keys: {}, roles: [] });
    expect(b3.preview.roles[0]!.delegationsRemoved.map((d) => d.role)).toEqual(['targets/alice', 'targets/releases']);
  });

  it('paths and thresholds are enforced when staging', async () => {
    const repo = await initRepo();
    const bob = ecSigner();
    await publish(repo, [{ kind: 'add-delegation', role: 'targets/bob', keys: [bob.publicKey], paths: ['rel-'] }]);
    const bobRepo: Repo = { ...repo, signers: new SignerSet() };
    bobRepo.signers.add(bob);
    await expect(publish(bobRepo, [{ kind: 'add-target', name: 'dev', target: { sha256Hex: hex('d'), length: 1 } }])).rejects.toMatchObject({
      code: 'NO_SIGNING_KEY',
    });
    await expect(publish(repo, [{ kind: 'set-delegation', role: 'targets/bob', threshold: 2 }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => new ChangeList(GUN).add({ kind: 'add-delegation', role: 'targets/Bad Name', keys: [bob.publicKey] })).toThrow(
      /not a valid delegation name/,
    );
    expect(() => new ChangeList(GUN).add({ kind: 'rotate-key', role: 'targets', serverManaged: true })).toThrow(/cannot be server-managed/);
  });

  it('a local snapshot key signs snapshot; rotating it to the server hands snapshot over', async () => {
    const repo = await initRepo(false);
    const { built } = await publish(repo, [{ kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 1 } }]);
    expect(built.parts.map((p) => p.role)).toEqual(['targets', 'snapshot']);
    const rotations = new Map([['snapshot' as const, { role: 'snapshot' as const, key: repo.server.snapshotKey.pub, serverManaged: true }]]);
    const { built: b2, after } = await publish(repo, [{ kind: 'rotate-key', role: 'snapshot', serverManaged: true }], rotations);
    expect(b2.parts.map((p) => p.role)).toEqual(['root']);
    expect(after.root.signed.roles.snapshot.keyids).toEqual([repo.server.snapshotKey.id]);
    expect(b2.preview.roles[0]!.roleKeys).toEqual([{ role: 'snapshot', added: [repo.server.snapshotKey.id], removed: [expect.any(String)] }]);
  });

  it('root rotation: signed by old and new root keys; a client that trusted root v1 walks to v2', async () => {
    const repo = await initRepo();
    await publish(repo, [{ kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 1 } }]);
    const oldClient = new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-old-')));
    await load(repo, oldClient);
    const newRoot = ecSigner();
    repo.signers.add(newRoot);
    const cert = makeRootCertificate(newRoot.privateKey, GUN, NOW);
    const rotations = new Map([['root' as const, { role: 'root' as const, key: cert.key, serverManaged: false }]]);
    const { built } = await publish(repo, [{ kind: 'rotate-key', role: 'root' }], rotations);
    const rootFile = JSON.parse(built.parts[0]!.raw.toString());
    expect(rootFile.signed.version).toBe(2);
    expect(rootFile.signatures).toHaveLength(2);
    const walked = await load(repo, oldClient);
    expect(walked.root.signed.version).toBe(2);
    expect(walked.rootChain.map((r) => r.signed.version)).toEqual([1, 2]);
    expect(Object.keys(walked.targets.signed.targets)).toEqual(['v1']);
  });

  it('targets rotation re-signs targets with the new key', async () => {
    const repo = await initRepo();
    await publish(repo, [{ kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 1 } }]);
    const next = ecSigner();
    repo.signers.add(next);
    const rotations = new Map([['targets' as const, { role: 'targets' as const, key: next.publicKey, serverManaged: false }]]);
    const { after, built } = await publish(repo, [{ kind: 'rotate-key', role: 'targets' }], rotations);
    expect(built.parts.map((p) => p.role)).toEqual(['root', 'targets']);
    expect(after.root.signed.roles.targets.keyids).toEqual([next.keyId]);
    expect(after.targets.signatures.map((s) => s.keyid)).toEqual([next.keyId]);
    expect(Object.keys(after.targets.signed.targets)).toEqual(['v1']);
  });

  it('a build on a stale state is refused by the server as a version conflict', async () => {
    const repo = await initRepo();
    const stale = await load(repo);
    await publish(repo, [{ kind: 'add-target', name: 'a', target: { sha256Hex: hex('a'), length: 1 } }]);
    const built = await buildUpdate({
      gun: GUN,
      now: NOW,
      trust: stale,
      changes: [{ kind: 'add-target', name: 'b', target: { sha256Hex: hex('b'), length: 1 } }],
      signers: repo.signers,
    });
    expect(() => repo.server.accept(built.parts)).toThrow(/VERSION/);
  });
});

describe('wire formats', () => {
  it('expiries in Go RFC 3339 (no trailing zeros)', () => {
    expect(goTime(new Date('2029-01-01T00:00:00.630Z'))).toBe('2029-01-01T00:00:00.63Z');
    expect(goTime(new Date('2029-01-01T00:00:00.000Z'))).toBe('2029-01-01T00:00:00Z');
    expect(goTime(new Date('2029-01-01T00:00:00.637Z'))).toBe('2029-01-01T00:00:00.637Z');
  });

  it('multipart body as the notary client writes it', () => {
    const { body, contentType } = multipartBody([{ role: 'targets/releases', raw: Buffer.from('{"a":1}') }], 'BOUNDARY');
    expect(contentType).toBe('multipart/form-data; boundary=BOUNDARY');
    expect(body.toString()).toBe(
      '--BOUNDARY\r\nContent-Disposition: form-data; name="files"; filename="targets/releases"\r\nContent-Type: application/octet-stream\r\n\r\n{"a":1}\r\n--BOUNDARY--\r\n',
    );
    expect(() => multipartBody([{ role: 'timestamp', raw: Buffer.alloc(0) }])).toThrow(/not a role that can be published/);
  });

  it("root certificate with notary's profile", () => {
    const signer = ecSigner();
    const cert = makeRootCertificate(signer.privateKey, GUN, NOW);
    const x = new X509Certificate(cert.pem);
    expect(x.subject).toBe(`CN=${GUN}`);
    expect(x.issuer).toBe(`CN=${GUN}`);
    expect(x.ca).toBe(false);
    expect(x.verify(createPublicKey(signer.privateKey))).toBe(true);
    expect(new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()).toBe(3650 * 86_400_000);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']);
    expect(x.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    let text = '';
    try {
      const f = join(mkdtempSync(join(tmpdir(), 'cert-')), 'c.pem');
      writeFileSync(f, cert.pem);
      text = execFileSync('openssl', ['x509', '-in', f, '-noout', '-text'], { encoding: 'utf8' });
    } catch {
      return; // no openssl here: the Node checks above stand
    }
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+Code Signing/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/ecdsa-with-SHA256/);
    expect(text).not.toMatch(/Subject Key Identifier/);
  });
});

describe('root near expiry', () => {
  it('is re-signed with a new version and expiry on the next publish, as notary does', async () => {
    const repo = await initRepo();
    const trust = await load(repo);
    trust.root.expires = new Date(NOW.getTime() + 100 * 86_400_000); // within six months
    const built = await buildUpdate({
      gun: GUN,
      now: NOW,
      trust,
      changes: [{ kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 1 } }],
      signers: repo.signers,
    });
    expect(built.parts.map((p) => p.role)).toEqual(['root', 'targets']);
    expect(JSON.parse(built.parts[0]!.raw.toString()).signed.version).toBe(2);
    expect(built.preview.warnings[0]).toMatch(/root expires on .*re-signed/);
    repo.server.accept(built.parts);
    expect((await load(repo)).root.signed.version).toBe(2);
  });
});

describe('a delegation added again', () => {
  it('with a new key: written anew, continuing the version the server kept for the removed role', async () => {
    const repo = await initRepo();
    const alice = ecSigner();
    const addAlice: Change[] = [
      { kind: 'add-delegation', role: 'targets/alice', keys: [alice.publicKey] },
      { kind: 'add-delegation', role: 'targets/releases', keys: [alice.publicKey] },
    ];
    await publish(repo, addAlice);
    const aliceRepo: Repo = { ...repo, signers: new SignerSet() };
    aliceRepo.signers.add(alice);
    await publish(aliceRepo, [{ kind: 'add-target', name: 'a1', target: { sha256Hex: hex('x'), length: 5 } }]);
    await publish(repo, [
      { kind: 'remove-delegation-keys', role: 'targets/releases', keyIds: [alice.keyId] },
      { kind: 'remove-delegation', role: 'targets/alice' },
    ]);
    // alice comes back with a new key: her old file no longer verifies and is skipped by readers
    const alice2 = ecSigner();
    await publish(repo, [
      { kind: 'add-delegation', role: 'targets/alice', keys: [alice2.publicKey] },
      { kind: 'add-delegation', role: 'targets/releases', keys: [alice2.publicKey] },
    ]);
    aliceRepo.signers.add(alice2);
    const trust = await load(aliceRepo);
    expect(trust.skipped.map((x) => x.role).sort()).toEqual(['targets/alice', 'targets/releases']);
    const sign: Change[] = [{ kind: 'add-target', name: 'a2', target: { sha256Hex: hex('z'), length: 5 } }];
    const first = await buildUpdate({ gun: GUN, now: NOW, trust, changes: sign, signers: aliceRepo.signers });
    expect(first.needsVersionHints?.sort()).toEqual(['targets/alice', 'targets/releases']);
    expect(first.preview.warnings.join('\n')).toMatch(/targets\/alice is written anew/);
    expect(() => repo.server.accept(first.parts)).toThrow(/VERSION/);
    const hinted = await buildUpdate({
      gun: GUN,
      now: NOW,
      trust,
      changes: sign,
      signers: aliceRepo.signers,
      versionHints: { 'targets/alice': 1, 'targets/releases': 1 },
    });
    expect(hinted.needsVersionHints).toBeUndefined();
    repo.server.accept(hinted.parts);
    const after = await load(aliceRepo);
    expect(after.delegations.map((d) => [d.env.role, d.env.signed.version, Object.keys(d.env.signed.targets)])).toEqual([
      ['targets/alice', 2, ['a2']],
      ['targets/releases', 2, ['a2']],
    ]);
  });
});

describe('thresholds above 1', () => {
  it('a delegation needing 2 of 2 keys is signed with both; with one key here it is refused', async () => {
    const repo = await initRepo();
    const [k1, k2] = [ecSigner(), ecSigner()];
    await publish(repo, [{ kind: 'add-delegation', role: 'targets/pair', keys: [k1.publicKey, k2.publicKey], threshold: 2 }]);
    const both: Repo = { ...repo, signers: new SignerSet() };
    both.signers.add(k1);
    both.signers.add(k2);
    const { built, after } = await publish(both, [{ kind: 'add-target', name: 'p1', target: { sha256Hex: hex('p'), length: 3 } }]);
    expect(built.preview.roles[0]).toMatchObject({ role: 'targets/pair', signingKeyIds: [k1.keyId, k2.keyId] });
    expect(after.delegations.find((d) => d.env.role === 'targets/pair')!.env.signatures).toHaveLength(2);
    const one: Repo = { ...repo, signers: new SignerSet() };
    one.signers.add(k1);
    await expect(publish(one, [{ kind: 'add-target', name: 'p2', target: { sha256Hex: hex('q'), length: 3 } }])).rejects.toMatchObject({
      code: 'NO_SIGNING_KEY',
      message: expect.stringMatching(/needs 2 of the key/),
    });
  });
});

describe('renewal', () => {
  it('an expired targets is verified accepting its expiry, re-signed with the same content, a bumped version and the given lifetime', async () => {
    const repo = await initRepo();
    await publish(repo, [{ kind: 'add-target', name: 'v1', target: { sha256Hex: hex('a'), length: 10 } }]);
    // make targets expire one second after NOW
    const short = await buildUpdate({
      gun: GUN,
      now: NOW,
      trust: await load(repo),
      changes: [{ kind: 'renew', role: 'targets' }],
      signers: repo.signers,
      lifetimeMs: 1000,
    });
    repo.server.accept(short.parts);
    const later = new Date(NOW.getTime() + 3_600_000);
    const cache = new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-renew-')));
    await expect(updateRepository({ gun: GUN, cache, source: repo.server, now: later })).rejects.toMatchObject({ code: 'METADATA_EXPIRED' });
    const expired = await updateRepository({ gun: GUN, cache, source: repo.server, now: later, acceptExpired: (r) => r === 'targets' });
    expect(expired.expiredAccepted).toEqual(['targets']);
    expect(await cache.cachedRoles(GUN)).toEqual(new Set()); // expired data stays out of the cache
    // only the roles named are accepted expired
    await expect(
      updateRepository({ gun: GUN, cache, source: repo.server, now: later, acceptExpired: (r) => r === 'snapshot' }),
    ).rejects.toMatchObject({ code: 'METADATA_EXPIRED' });

    const renewed = await buildUpdate({
      gun: GUN,
      now: later,
      trust: expired,
      changes: [{ kind: 'renew', role: 'targets' }],
      signers: repo.signers,
      lifetimeMs: 90 * 86_400_000,
    });
    expect(renewed.parts.map((p) => p.role)).toEqual(['targets']);
    const p = renewed.preview.roles.find((r) => r.role === 'targets')!;
    expect(p).toMatchObject({
      fromVersion: 3,
      toVersion: 4,
      fromExpires: goTime(new Date(NOW.getTime() + 1000)),
      expires: goTime(new Date(later.getTime() + 90 * 86_400_000)),
    });
    expect(p.targetsAdded).toEqual([]);
    expect(formatPreview(renewed.preview)).toContain(
      `targets: version 3 -> 4, signed by ${repo.targets.keyId.slice(0, 12)}, expires ${p.fromExpires} -> ${p.expires}`,
    );
    repo.server.accept(renewed.parts);
    const after = await updateRepository({ gun: GUN, cache, source: repo.server, now: later });
    expect(after.targets.signed.version).toBe(4);
    expect(after.targets.signed.targets).toEqual(expired.targets.signed.targets);
  });

  it('root renewal keeps the root keys and is accepted by a client that trusted the old root', async () => {
    const repo = await initRepo();
    const before = await load(repo);
    const built = await buildUpdate({
      gun: GUN,
      now: NOW,
      trust: before,
      changes: [{ kind: 'renew', role: 'root' }],
      signers: repo.signers,
      lifetimeMs: 365 * 86_400_000,
    });
    repo.server.accept(built.parts);
    const after = await load(repo); // the cache holds root v1: the chain is walked
    expect(after.root.signed.version).toBe(2);
    expect(after.root.signed.roles).toEqual(before.root.signed.roles);
    expect(after.root.signed.expires).toBe(goTime(new Date(NOW.getTime() + 365 * 86_400_000)));
  });

  it('a role whose key is not here cannot be renewed; timestamp is refused', async () => {
    const repo = await initRepo();
    const trust = await load(repo);
    const noKeys = new SignerSet();
    await expect(buildUpdate({ gun: GUN, now: NOW, trust, changes: [{ kind: 'renew', role: 'targets' }], signers: noKeys })).rejects.toMatchObject({
      code: 'NO_SIGNING_KEY',
    });
    expect(() => new ChangeList(GUN, [{ kind: 'renew', role: 'timestamp' }])).toThrow(/server/);
  });
});
