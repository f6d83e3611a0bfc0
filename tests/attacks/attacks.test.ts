/**
 * Attacks against the verified update, on the REAL notary-server: trust data is made by the real
 * notary and docker CLIs, and a tampering HTTPS proxy (tamper-proxy.ts) sits between TrustDesk's
 * client and the server. Each attack must be rejected with its own error code, and a rejected update
 * must leave the trust cache exactly as it was (byte for byte).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { dockerTrust, ensureSigner, gunFor, notary, startLab, type Lab } from '../../lab/index.js';
import { updateRepository, type RepositoryTrust } from '../../electron/core/tuf/repository-updater.js';
import { TrustCache } from '../../electron/core/cache/trust-cache.js';
import { NotaryClient } from '../../electron/core/remote/notary-client.js';
import { HttpClient } from '../../electron/core/remote/http-client.js';
import { TrustDeskError, type ErrorCode } from '../../electron/core/base/errors.js';
import { TrustedMetadataStore } from '../../electron/core/tuf/trusted-metadata-store.js';
import { signMessage } from '../../electron/core/tuf/signatures.js';
import { canonicalBytes } from '../../electron/core/tuf/canonical-json.js';
import { certificateKeyJson, keyId, publicKeyJson, type PublicKeyJson } from '../../electron/core/tuf/keys.js';
import { paddedStream, startTamperProxy, tufPath, type TamperProxy } from './tamper-proxy.js';

const execFileP = promisify(execFile);

let lab: Lab;
let proxy: TamperProxy;
let caPem: Buffer;
let work: string;
const clients: HttpClient[] = [];

/** One repository per purpose, so that no test depends on what another one published. */
const guns = { basic: '', rollback: '', rotated: '', forced: '' };

// ---------------------------------------------------------------------------------------------
// Scenario set-up (real CLIs only)

async function targetFile(name: string): Promise<string> {
  const dir = join(work, 'files');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.txt`);
  await writeFile(path, `TrustDesk attack test target ${name}\n`);
  return path;
}

/** `notary init -p` and `v1` added and published: root v1, client-held targets and snapshot keys. */
async function initRepo(name: string): Promise<string> {
  const gun = gunFor(lab, name);
  await notary(lab, ['init', '-p', gun]);
  await notary(lab, ['add', '-p', gun, 'v1', await targetFile(`${name}-v1`)]);
  return gun;
}

/**
 * `team-forced` (see tests/fixtures/samples/README.md): alice and bob added with
 * `docker trust signer add`; alice signs v1 into targets/releases + targets/alice; bob (own trust dir)
 * signs bob-only into targets/releases + targets/bob, so releases.json is now signed by bob's key
 * only; then `echo y | docker trust signer remove bob GUN` removes bob while he is the last signer of
 * targets/releases. releases.json stays signed only by a key that is no longer delegated.
 */
async function buildTeamForced(name = 'team-forced'): Promise<string> {
  const gun = gunFor(lab, name);
  const [alice, bob] = await Promise.all([ensureSigner(lab, 'alice', false), ensureSigner(lab, 'bob', true)]);
  await dockerTrust(lab, ['signer', 'add', '--key', alice.pubFile, 'alice', gun]);
  await dockerTrust(lab, ['signer', 'add', '--key', bob.pubFile, 'bob', gun]);
  await notary(lab, ['add', '-p', gun, 'v1', await targetFile(`${name}-v1`), '--roles', 'targets/releases', '--roles', 'targets/alice'], {
    trustDir: alice.trustDir,
  });
  await notary(lab, ['add', '-p', gun, 'bob-only', await targetFile(`${name}-bob-only`), '--roles', 'targets/releases', '--roles', 'targets/bob'], {
    trustDir: bob.trustDir,
    env: bob.env,
  });
  const removed = await dockerTrust(lab, ['signer', 'remove', 'bob', gun], { stdin: 'y\n' });
  if (!/Successfully removed bob/.test(removed.stdout)) {
    throw new Error(`team-forced: bob was not removed:\n${removed.stdout}\n${removed.stderr}`);
  }
  return gun;
}

// ---------------------------------------------------------------------------------------------
// Client helpers

function source(url = proxy.url, timeoutMs = 10_000): NotaryClient {
  const http = new HttpClient({ tlsFor: () => ({ ca: [caPem] }), timeoutMs });
  clients.push(http);
  return new NotaryClient(url, http);
}

async function freshCache(): Promise<TrustCache> {
  return new TrustCache(await mkdtemp(join(work, 'cache-')));
}

function update(gun: string, cache: TrustCache, opts: { now?: Date; url?: string; timeoutMs?: number } = {}): Promise<RepositoryTrust> {
  return updateRepository({ gun, cache, source: source(opts.url, opts.timeoutMs), ...(opts.now ? { now: opts.now } : {}) });
}

/** A cache that trusts `gun` as the server serves it now (one untampered update through the proxy). */
async function trusted(gun: string): Promise<TrustCache> {
  const cache = await freshCache();
  proxy.reset();
  const r = await update(gun, cache);
  expect(r.source).toBe('remote');
  expect(proxy.tampered).toEqual([]);
  expect(await cache.read(gun, 'timestamp')).toBeDefined();
  return cache;
}

/** Every file under the trust dir with the SHA-256 of its bytes. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out[relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** The error an update was rejected with (fails the test when it was not rejected, or not typed). */
async function rejection(p: Promise<unknown>): Promise<TrustDeskError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TrustDeskError);
    return err as TrustDeskError;
  }
  throw new Error('the update was accepted, but it should have been rejected');
}

/** Runs an attacked update: asserts the exact code and that the cache did not change at all. */
async function expectRejected(
  gun: string,
  cache: TrustCache,
  code: ErrorCode,
  opts: { now?: Date; url?: string; timeoutMs?: number } = {},
): Promise<TrustDeskError> {
  const before = await tree(cache.trustDir);
  const cachedTimestamp = await cache.read(gun, 'timestamp');
  const err = await rejection(update(gun, cache, opts));
  expect({ code: err.code, message: err.message }).toEqual({ code, message: expect.any(String) });
  expect(await tree(cache.trustDir)).toEqual(before);
  expect(await cache.read(gun, 'timestamp')).toEqual(cachedTimestamp);
  return err;
}

// A man in the middle tampers with a role under every URL it is served at: by checksum (as notary
// fetches it) and by name (the client's speculative early fetch).
const SNAPSHOT_BY_CHECKSUM = /\/_trust\/tuf\/snapshot(\.[0-9a-f]{64})?\.json$/;
const TARGETS_BY_CHECKSUM = /\/_trust\/tuf\/targets(\.[0-9a-f]{64})?\.json$/;

interface Doc {
  signed: Record<string, unknown> & { version: number; expires: string };
  signatures: Array<{ keyid: string; method: string; sig: string }>;
}

function parse(raw: Buffer | undefined): Doc {
  if (!raw) throw new Error('no metadata');
  return JSON.parse(raw.toString('utf8')) as Doc;
}

/** The same bytes with one byte of the first signature flipped (same length, still valid base64). */
function flipSignature(raw: Buffer): Buffer {
  const text = raw.toString('utf8');
  const sig = parse(raw).signatures[0]!.sig;
  const bytes = Buffer.from(sig, 'base64');
  bytes[10] = bytes[10]! ^ 0xff;
  const flipped = bytes.toString('base64');
  expect(flipped).not.toBe(sig);
  expect(text.split(sig)).toHaveLength(2);
  return Buffer.from(text.replace(sig, flipped), 'utf8');
}

/** The same bytes with one digit of `"expires"` changed: same length, different content. */
function changeOneByte(raw: Buffer): Buffer {
  const out = Buffer.from(raw);
  const at = raw.indexOf('"expires":"') + '"expires":"'.length + 3; // last digit of the year
  expect(at).toBeGreaterThan(20);
  out[at] = out[at] === 0x31 ? 0x32 : 0x31;
  expect(out.length).toBe(raw.length);
  expect(out.equals(raw)).toBe(false);
  return out;
}

function envelope(signed: unknown, key: KeyObject, keyid: string): Buffer {
  const { method, sig } = signMessage(key, canonicalBytes(signed));
  return Buffer.from(JSON.stringify({ signed, signatures: [{ keyid, method, sig }] }), 'utf8');
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  const t0 = Date.now();
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'trustdesk-attacks-'));
  caPem = await readFile(lab.caFile);
  proxy = await startTamperProxy({ upstream: lab.notaryUrl, caFile: lab.caFile, certFile: lab.tls.serverChain, keyFile: lab.tls.serverKey });
  // One root key in the lab trust dir first, so the concurrent inits below share it.
  await notary(lab, ['key', 'generate', 'ecdsa', '--role', 'root']);
  [guns.basic, guns.rollback, guns.rotated, guns.forced] = await Promise.all([
    initRepo('attack'),
    initRepo('rollback'),
    initRepo('rotated-live'),
    buildTeamForced(),
  ]);
  console.log(`attacks: lab and scenarios ready in ${Date.now() - t0} ms`);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await proxy?.stop();
  await lab?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the proxy itself', () => {
  it('passes the real server through unchanged when there is no rule', async () => {
    const cache = await trusted(guns.basic);
    const ts = tufPath(guns.basic, 'timestamp.json');
    expect(proxy.requests).toContain(ts);
    expect(await cache.read(guns.basic, 'timestamp')).toEqual(proxy.seen.get(ts));
  });
});

describe('attacks through a tampering proxy on the real notary-server', () => {
  it('1. a flipped byte in the timestamp signature → SIGNATURE_INVALID', async () => {
    const gun = guns.basic;
    const cache = await trusted(gun);
    const ts = tufPath(gun, 'timestamp.json');
    proxy.reset();
    proxy.rule = (path, body) => (path === ts ? flipSignature(body) : undefined);
    const err = await expectRejected(gun, cache, 'SIGNATURE_INVALID');
    expect(err.message).toMatch(/timestamp/);
    expect(proxy.tampered).toContain(ts);
  });

  it('2. a timestamp with no signatures → SIGNATURE_THRESHOLD_NOT_MET', async () => {
    const gun = guns.basic;
    const cache = await trusted(gun);
    const ts = tufPath(gun, 'timestamp.json');
    proxy.reset();
    proxy.rule = (path, body) => (path === ts ? JSON.stringify({ ...parse(body), signatures: [] }) : undefined);
    const err = await expectRejected(gun, cache, 'SIGNATURE_THRESHOLD_NOT_MET');
    expect(err.message).toMatch(/timestamp/);
    expect(proxy.tampered).toContain(ts);
  });

  it('3. an old (validly signed) timestamp after a newer one was trusted → ROLLBACK_DETECTED', async () => {
    const gun = guns.rollback;
    const cache = await freshCache();
    proxy.reset();
    const r1 = await update(gun, cache);
    const tsPath = tufPath(gun, 'timestamp.json');
    const t1 = proxy.seen.get(tsPath)!;
    const snapPath = [...proxy.seen.keys()].find((p) => SNAPSHOT_BY_CHECKSUM.test(p))!;
    const s1 = proxy.seen.get(snapPath)!;
    expect(t1).toBeDefined();
    expect(s1).toBeDefined();

    await notary(lab, ['add', gun, 'v2', await targetFile('rollback-v2')]);
    await notary(lab, ['publish', gun]);
    proxy.reset();
    const r2 = await update(gun, cache);
    expect(r2.timestamp.signed.version).toBeGreaterThan(r1.timestamp.signed.version);
    expect(Object.keys(r2.targets.signed.targets).sort()).toEqual(['v1', 'v2']);
    expect(parse(await cache.read(gun, 'timestamp')).signed.version).toBe(r2.timestamp.signed.version);

    proxy.reset();
    proxy.serve(tsPath, { body: t1 });
    proxy.serve(snapPath, { body: s1 });
    const err = await expectRejected(gun, cache, 'ROLLBACK_DETECTED');
    expect(err.message).toMatch(new RegExp(`timestamp version ${r1.timestamp.signed.version} is older than version ${r2.timestamp.signed.version}`));
    expect(proxy.tampered).toContain(tsPath);
  });

  it('4. past the expiry of the server’s timestamp → METADATA_EXPIRED naming the role', async () => {
    const gun = guns.basic;
    const cache = await trusted(gun);
    const expires = new Date(parse(await cache.read(gun, 'timestamp')).signed.expires);
    const days = (expires.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9); // notary-server signs timestamps for 14 days
    expect(days).toBeLessThan(14.1);
    proxy.reset();
    const now = new Date(expires.getTime() + 60_000);
    const err = await expectRejected(gun, cache, 'METADATA_EXPIRED', { now });
    expect(err.message).toMatch(/^timestamp metadata expired/);
    expect(err.message).toContain(expires.toISOString());
    // one minute before expiry the same update is fine
    await update(gun, cache, { now: new Date(expires.getTime() - 60_000) });
  });

  it('5a. one byte changed in snapshot.<sha256>.json → HASH_MISMATCH', async () => {
    const gun = guns.basic;
    const cache = await freshCache();
    proxy.reset();
    proxy.rule = (path, body) => (SNAPSHOT_BY_CHECKSUM.test(path) ? changeOneByte(body) : undefined);
    const err = await expectRejected(gun, cache, 'HASH_MISMATCH');
    expect(err.message).toMatch(/^snapshot sha256 hash does not match/);
    expect(proxy.tampered.some((p) => SNAPSHOT_BY_CHECKSUM.test(p))).toBe(true);
    expect(await tree(cache.trustDir)).toEqual({}); // not even the first-use root was kept
  });

  it('5b. bytes appended to (or cut from) targets.<sha256>.json → LENGTH_MISMATCH', async () => {
    const gun = guns.basic;
    for (const tamper of [(b: Buffer) => Buffer.concat([b, Buffer.from('   ')]), (b: Buffer) => b.subarray(0, b.length - 1)]) {
      const cache = await freshCache();
      proxy.reset();
      proxy.rule = (path, body) => (TARGETS_BY_CHECKSUM.test(path) ? tamper(body) : undefined);
      const err = await expectRejected(gun, cache, 'LENGTH_MISMATCH');
      expect(err.message).toMatch(/targets/);
      expect(proxy.tampered.some((p) => TARGETS_BY_CHECKSUM.test(p))).toBe(true);
      expect(await tree(cache.trustDir)).toEqual({});
    }
  });

  it('6. a 50 MB timestamp.json → RESPONSE_TOO_LARGE within seconds, without reading it all', async () => {
    const gun = guns.basic;
    const cache = await trusted(gun);
    const ts = tufPath(gun, 'timestamp.json');
    const total = 50 * 1024 * 1024;
    for (const announce of [false, true]) {
      proxy.reset();
      const body = paddedStream(total, '{"signed":{"_type":"Timestamp","meta":{"snapshot":');
      proxy.serve(ts, { stream: () => body.stream, ...(announce ? { headers: { 'content-length': String(total) } } : {}) });
      const t0 = Date.now();
      const err = await expectRejected(gun, cache, 'RESPONSE_TOO_LARGE');
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(err.message).toMatch(/1048576 bytes/);
      expect(proxy.tampered).toContain(ts);
      // the client hung up just past its 1 MiB cap (chunked) or on the announced length: the proxy
      // produced only what fit in the socket buffers (observed ~1.2 MB and ~0.3 MB of 50 MB)
      expect(body.produced()).toBeLessThan(8 * 1024 * 1024);
    }
  });

  it('7a. root v2 signed only by a new key, no cross-signature → ROOT_ROTATION_INVALID', async () => {
    const gun = guns.basic;
    const cache = await trusted(gun);
    const realRoot = parse(await cache.read(gun, 'root'));
    const realTs = parse(await cache.read(gun, 'timestamp'));
    expect(realRoot.signed.version).toBe(1);

    // The attacker's key: ECDSA P-256, in a self-signed certificate with CN = GUN.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keyFile = join(work, 'attacker.key');
    const certFile = join(work, 'attacker.crt');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await execFileP('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-sha256',
      '-days',
      '3650',
      '-subj',
      `/CN=${gun.replace(/\//g, '\\/')}`,
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext',
      'extendedKeyUsage=codeSigning',
      '-out',
      certFile,
    ]);
    const rootKey = certificateKeyJson(await readFile(certFile, 'utf8'));
    const rootKeyId = keyId(rootKey);
    const tsKey: PublicKeyJson = publicKeyJson(publicKey);
    const tsKeyId = keyId(tsKey);

    // Root v2: the real root with the attacker's key as root key (and timestamp key), signed by it alone.
    const signed = structuredClone(realRoot.signed) as Doc['signed'] & {
      keys: Record<string, PublicKeyJson>;
      roles: Record<string, { keyids: string[]; threshold: number }>;
    };
    for (const id of [...signed.roles.root!.keyids, ...signed.roles.timestamp!.keyids]) delete signed.keys[id];
    signed.keys[rootKeyId] = rootKey;
    signed.keys[tsKeyId] = tsKey;
    signed.roles.root = { keyids: [rootKeyId], threshold: 1 };
    signed.roles.timestamp = { keyids: [tsKeyId], threshold: 1 };
    signed.version = 2;
    const forgedRoot = envelope(signed, privateKey, rootKeyId);
    const forgedTs = envelope({ ...realTs.signed, version: realTs.signed.version + 1 }, privateKey, tsKeyId);

    // Control: the forgery is internally consistent (a first-time user would accept it), so the
    // only thing that can reject it below is the missing signature by the trusted root key.
    const control = new TrustedMetadataStore(gun, forgedRoot, { now: new Date(), firstUse: true });
    expect(control.updateTimestamp(forgedTs).signed.version).toBe(realTs.signed.version + 1);

    proxy.reset();
    proxy.serve(tufPath(gun, 'root.json'), { body: forgedRoot });
    proxy.serve(tufPath(gun, '2.root.json'), { body: forgedRoot });
    proxy.serve(tufPath(gun, 'timestamp.json'), { body: forgedTs });
    const err = await expectRejected(gun, cache, 'ROOT_ROTATION_INVALID');
    expect(err.message).toMatch(/new root version 2 of .* is not signed by the trusted root's keys/);
    expect(proxy.requests).toContain(tufPath(gun, 'timestamp.json'));
    expect(proxy.requests).toContain(tufPath(gun, 'root.json'));
    expect(parse(await cache.read(gun, 'root')).signed.version).toBe(1);
  });

  it('7b. a cross-signed root rotation made by the real CLI is accepted by a client that trusted root v1', async () => {
    const gun = guns.rotated;
    const cache = await freshCache();
    proxy.reset();
    const before = await update(gun, cache);
    expect(before.root.signed.version).toBe(1);
    expect(parse(await cache.read(gun, 'root')).signed.version).toBe(1);

    await notary(lab, ['key', 'rotate', gun, 'targets']);
    await notary(lab, ['key', 'rotate', gun, 'snapshot', '-r']);
    await notary(lab, ['key', 'rotate', gun, 'timestamp', '-r']);
    const rotated = await notary(lab, ['key', 'rotate', gun, 'root'], { stdin: 'yes\n' });
    expect(rotated.stdout + rotated.stderr).toMatch(/Successfully rotated root key/);
    await notary(lab, ['add', gun, 'v2', await targetFile('rotated-v2')]);
    await notary(lab, ['publish', gun]);

    proxy.reset();
    const after = await update(gun, cache);
    const served = proxy.seen.get(tufPath(gun, 'root.json'))!;
    const latest = parse(served).signed.version;
    expect(latest).toBeGreaterThan(1);
    expect(after.root.signed.version).toBe(latest);
    expect(after.rootChain.map((r) => r.signed.version)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
    for (let v = 2; v < latest; v++) expect(proxy.requests).toContain(tufPath(gun, `${v}.root.json`));
    expect(Object.keys(after.targets.signed.targets).sort()).toEqual(['v1', 'v2']);
    expect(await cache.read(gun, 'root')).toEqual(served);
    expect(proxy.tampered).toEqual([]);
  });

  it('8. a delegation signed only by a key that is no longer delegated (team-forced) is skipped', async () => {
    const gun = guns.forced;
    const cache = await freshCache();
    proxy.reset();
    const r = await update(gun, cache);
    expect(r.skipped.map((s) => ({ role: s.role, code: s.error.code }))).toEqual([{ role: 'targets/releases', code: 'SIGNED_BY_UNTRUSTED_KEY' }]);
    expect(r.delegations.map((d) => d.env.role)).toEqual(['targets/alice']);
    // releases.json on the server does hold bob-only and v1 ...
    const releasesPath = [...proxy.seen.keys()].find((p) => /\/targets\/releases\.[0-9a-f]{64}\.json$/.test(p))!;
    expect(Object.keys(parse(proxy.seen.get(releasesPath)).signed.targets as object).sort()).toEqual(['bob-only', 'v1']);
    // ... but none of it is in the result, and it is not cached
    expect(r.delegations.some((d) => 'bob-only' in d.env.signed.targets)).toBe(false);
    expect(Object.keys(r.targets.signed.targets)).toEqual([]);
    expect(Object.keys(r.delegations[0]!.env.signed.targets)).toEqual(['v1']);
    expect(await cache.read(gun, 'targets/releases')).toBeUndefined();
    expect(await cache.read(gun, 'targets/alice')).toBeDefined();

    const inspected = await dockerTrust(lab, ['inspect', gun]);
    expect(inspected.code).toBe(0);
    const [repo] = JSON.parse(inspected.stdout) as Array<{ SignedTags: unknown[]; Signers: Array<{ Name: string }> }>;
    expect(repo!.SignedTags).toEqual([]);
    expect(repo!.Signers.map((s) => s.Name)).toEqual(['alice']);
  });

  it('9a. garbage instead of targets.json → HASH_MISMATCH (hashes are checked before parsing)', async () => {
    const gun = guns.basic;
    // Same length: the snapshot's hash rejects it before any JSON parser sees it.
    let cache = await freshCache();
    proxy.reset();
    proxy.rule = (path, body) => {
      if (!TARGETS_BY_CHECKSUM.test(path)) return undefined;
      const garbage = Buffer.alloc(body.length, 0x20);
      garbage.write('{"signed": [[[ not json }', 'utf8');
      return garbage;
    };
    await expectRejected(gun, cache, 'HASH_MISMATCH');
    expect(proxy.tampered.some((p) => TARGETS_BY_CHECKSUM.test(p))).toBe(true);
    expect(await tree(cache.trustDir)).toEqual({});

    // Garbage where no hash is known beforehand (timestamp.json): the parser rejects it.
    cache = await trusted(gun);
    proxy.reset();
    proxy.rule = (path) => (path === tufPath(gun, 'timestamp.json') ? '{"signed": [[[ not json }' : undefined);
    const err = await expectRejected(gun, cache, 'METADATA_MALFORMED');
    expect(err.message).toMatch(/timestamp metadata is not valid JSON/);
  });

  it('9b. an unreachable server and no cache → NETWORK_UNREACHABLE', async () => {
    const cache = await freshCache();
    await expectRejected(guns.basic, cache, 'NETWORK_UNREACHABLE', { url: `https://127.0.0.1:${await closedPort()}` });
    expect(await tree(cache.trustDir)).toEqual({});
  });

  it('9c. a server that stalls → NETWORK_TIMEOUT (no cache); with a cache it falls back to the cache', async () => {
    const gun = guns.basic;
    let cache = await freshCache();
    proxy.reset();
    proxy.serve(() => true, { stall: true });
    const t0 = Date.now();
    await expectRejected(gun, cache, 'NETWORK_TIMEOUT', { timeoutMs: 500 });
    expect(Date.now() - t0).toBeLessThan(3_000);
    // a first use asks for root and, right behind it on the same pool, the other top-level files
    // (used only once the root verifies them); nothing else, and nothing is cached
    expect(proxy.requests[0]).toBe(tufPath(gun, 'root.json'));
    const topLevel = ['root.json', 'timestamp.json', 'snapshot.json', 'targets.json'].map((f) => tufPath(gun, f));
    expect(proxy.requests.filter((r) => !topLevel.includes(r))).toEqual([]);
    expect(await tree(cache.trustDir)).toEqual({});

    // With a trusted cache, a stalled timestamp is notary's offline case: cached data, with a warning.
    cache = await trusted(gun);
    const before = await tree(cache.trustDir);
    proxy.reset();
    proxy.serve(tufPath(gun, 'timestamp.json'), { stall: true });
    const r = await update(gun, cache, { timeoutMs: 500 });
    expect(r.source).toBe('cache');
    expect(r.warnings.join('\n')).toMatch(/using cached timestamp/);
    expect(await tree(cache.trustDir)).toEqual(before);
  });
});
