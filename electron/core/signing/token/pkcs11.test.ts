import { describe, it, expect, afterEach } from 'vitest';
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Pkcs11Client, defaultWorkerPath, forkTransport, workerEnv, type WorkerTransport } from './client.js';
import { defaultModulePaths, discoverModules, kindOf } from './modules.js';
import { ckrOf, spkiFromEcPoint } from '../../../signer/worker.js';
import { TokenAccess, TokenKeyStore } from './tokens.js';
import { rawToDerSignature } from '../root-certificate.js';
import { makeSoftHsm, softHsmAvailable, USER_PIN, type SoftHsm } from '../../../../tests/support/softhsm.js';
import { canonicalKeyId } from '../../tuf/keys.js';

/** A transport under test control: answers, stays silent, or dies. */
function fakeTransport(behaviour: (msg: { id: number; op: string }, t: { reply: (r: unknown) => void; die: (why: string) => void }) => void) {
  const started: WorkerTransport[] = [];
  const factory = () => {
    let onMsg: (m: unknown) => void = () => {};
    let onExit: (why: string) => void = () => {};
    const t: WorkerTransport = {
      send: (msg) =>
        behaviour(msg as { id: number; op: string }, { reply: (r) => setImmediate(() => onMsg(r)), die: (why) => setImmediate(() => onExit(why)) }),
      onMessage: (fn) => (onMsg = fn),
      onExit: (fn) => (onExit = fn),
      kill: () => setImmediate(() => onExit('killed by SIGKILL')),
    };
    started.push(t);
    return t;
  };
  return { factory, started };
}

describe('Pkcs11Client', () => {
  it('passes answers and token errors through', async () => {
    const { factory } = fakeTransport((m, t) =>
      m.op === 'ping'
        ? t.reply({ id: m.id, ok: true, result: { pid: 1 } })
        : t.reply({ id: m.id, ok: false, error: { code: 'TOKEN_PIN_WRONG', message: 'wrong PIN', ckr: 'CKR_PIN_INCORRECT', pinState: 'final-try' } }),
    );
    const c = new Pkcs11Client(factory);
    expect(await c.request({ op: 'ping' })).toEqual({ pid: 1 });
    await expect(c.list('/x.so')).rejects.toMatchObject({ code: 'TOKEN_PIN_WRONG', ckr: 'CKR_PIN_INCORRECT', pinState: 'final-try' });
  });

  it('a worker that dies mid-request fails that request; the next request starts a new worker', async () => {
    let calls = 0;
    const { factory, started } = fakeTransport((m, t) =>
      calls++ === 0 ? t.die('killed by SIGSEGV') : t.reply({ id: m.id, ok: true, result: 'ok' }),
    );
    const c = new Pkcs11Client(factory);
    await expect(c.request({ op: 'ping' })).rejects.toMatchObject({ code: 'TOKEN_WORKER_FAILED', message: expect.stringContaining('SIGSEGV') });
    expect(await c.request({ op: 'ping' })).toBe('ok');
    expect(started).toHaveLength(2);
  });

  it('a worker that does not answer in time is stopped', async () => {
    const { factory } = fakeTransport(() => {});
    const c = new Pkcs11Client(factory);
    await expect(c.request({ op: 'ping' }, 50)).rejects.toMatchObject({
      code: 'TOKEN_WORKER_FAILED',
      message: expect.stringContaining('did not answer'),
    });
  });
});

describe('module discovery', () => {
  it('lists the user paths first, then one installed default per kind', () => {
    const present = new Set(['/usr/lib/x86_64-linux-gnu/libykcs11.so', '/usr/lib/libykcs11.so', '/usr/lib/softhsm/libsofthsm2.so']);
    const found = discoverModules({ platform: 'linux', env: {}, extra: ['/opt/vendor/libp11.so'], exists: (p) => present.has(p) });
    expect(found).toEqual([
      { path: '/opt/vendor/libp11.so', kind: 'user', exists: false },
      { path: '/usr/lib/x86_64-linux-gnu/libykcs11.so', kind: 'ykcs11', exists: true },
      { path: '/usr/lib/softhsm/libsofthsm2.so', kind: 'softhsm', exists: true },
    ]);
  });

  it('has ykcs11, OpenSC and SoftHSM defaults on Linux, macOS and Windows', () => {
    for (const p of ['linux', 'darwin', 'win32'] as const) {
      const kinds = new Set(defaultModulePaths(p).map((m) => m.kind));
      expect([...kinds].sort()).toEqual(['opensc', 'softhsm', 'ykcs11']);
    }
    expect(defaultModulePaths('darwin').map((m) => m.path)).toContain('/opt/homebrew/lib/libykcs11.dylib');
    expect(defaultModulePaths('win32')[0]!.path).toMatch(/Yubico PIV Tool\\bin\\libykcs11\.dll$/);
    expect(kindOf('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so')).toBe('opensc');
  });

  it('TRUSTDESK_PKCS11_MODULE is used even before the defaults', () => {
    const found = discoverModules({ platform: 'linux', env: { TRUSTDESK_PKCS11_MODULE: '/m/a.so' }, exists: () => false });
    expect(found).toEqual([{ path: '/m/a.so', kind: 'user', exists: false }]);
  });
});

describe('formats', () => {
  it('CKA_EC_POINT (DER octet string or raw) becomes a P-256 SPKI', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const raw = spki.subarray(spki.length - 65);
    expect(spkiFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x41]), raw]))!.equals(spki)).toBe(true);
    expect(spkiFromEcPoint(raw)!.equals(spki)).toBe(true);
    expect(spkiFromEcPoint(Buffer.alloc(10))).toBeUndefined();
  });

  it('normalises both pkcs11js error shapes', () => {
    expect(ckrOf(Object.assign(new Error('CKR_PIN_INCORRECT'), { method: 'C_Login' }))).toMatchObject({
      ckr: 'CKR_PIN_INCORRECT',
      method: 'C_Login',
    });
    expect(ckrOf(new Error('CKR_TEMPLATE_INCOMPLETE:208'))).toMatchObject({ ckr: 'CKR_TEMPLATE_INCOMPLETE' });
    expect(ckrOf(new Error('/x.so: cannot open shared object file')).ckr).toBeUndefined();
  });

  it('a raw r||s signature converts to a DER signature Node verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const msg = Buffer.from(`message ${i}`);
      const raw = nodeSign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(nodeVerify('sha256', msg, publicKey, rawToDerSignature(raw))).toBe(true);
    }
  });
});

describe.skipIf(!softHsmAvailable() || !existsSync(join(import.meta.dirname, '../../../../dist/electron/signer/worker.js')))(
  'TokenAccess on SoftHSM2',
  () => {
    let hsm: SoftHsm | undefined;
    let access: TokenAccess | undefined;
    afterEach(() => {
      access?.close();
      hsm?.cleanup();
    });

    it('generates on the token, signs raw r||s over SHA-256, makes a root certificate with CN = GUN on the token', async () => {
      hsm = makeSoftHsm(['unit']);
      const trustDir = mkdtempSync(join(tmpdir(), 'trustdesk-unit-'));
      access = new TokenAccess({
        trustDir,
        env: { TRUSTDESK_TOKEN_PIN: USER_PIN },
        transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }),
      });
      const location = { module: hsm.module, token: { label: 'unit' } };
      const r = await access.generate(location);
      expect(r.origin).toBe('generated');
      const signer = access.signerOf(r);
      const msg = Buffer.from('{"signed":{}}');
      const s = await signer.sign(msg, { summary: 'test' });
      expect(s.method).toBe('ecdsa');
      expect(Buffer.from(s.sig, 'base64')).toHaveLength(64);
      expect(
        nodeVerify(
          'sha256',
          msg,
          { key: createPublicKey({ key: Buffer.from(r.publicKey, 'base64'), format: 'der', type: 'spki' }), dsaEncoding: 'ieee-p1363' },
          Buffer.from(s.sig, 'base64'),
        ),
      ).toBe(true);

      const cert = await access.rootCertificate(r, 'registry.example/team/app', new Date('2026-01-01T00:00:00Z'));
      const x = new X509Certificate(cert.pem);
      expect(x.subject).toBe('CN=registry.example/team/app');
      expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']);
      expect(canonicalKeyId(cert.key)).toBe(r.keyId);
      const objects = await access.client.objects(hsm.module, location.token, USER_PIN);
      expect(objects.map((o) => o.kind).sort()).toEqual(['certificate', 'private-key', 'public-key']);
      const stored = JSON.parse(readFileSync(join(trustDir, 'tokens', `${r.keyId}.json`), 'utf8'));
      expect(stored.certificates).toEqual([{ gun: 'registry.example/team/app', notAfter: '2035-12-30T00:00:00.000Z' }]);
      expect((await new TokenKeyStore(trustDir).list()).map((x) => x.keyId)).toEqual([r.keyId]);
    });

    it('an idle worker does not keep the caller alive: a CLI that never calls close() still exits', () => {
      hsm = makeSoftHsm(['idle']);
      const dist = join(import.meta.dirname, '../../../../dist/electron/core');
      const script = `
      import { TokenAccess } from '${dist}/signing/token/tokens.js';
      import { mkdtempSync } from 'node:fs';
      const a = new TokenAccess({ trustDir: mkdtempSync('${tmpdir()}/td-idle-'), env: { ...process.env, TRUSTDESK_TOKEN_PIN: '${USER_PIN}' } });
      const r = await a.generate({ module: '${hsm.module}', token: { label: 'idle' } });
      await a.signerOf(r).sign(Buffer.from('x'));
      console.log('signed');`;
      const started = Date.now();
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, ...hsm.env },
        timeout: 15_000,
      }).toString();
      expect(out.trim()).toBe('signed');
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('the worker gets no PIN or passphrase variables', () => {
      const env = workerEnv({
        SOFTHSM2_CONF: '/x',
        TRUSTDESK_TOKEN_PIN: '1',
        TRUSTDESK_TOKEN_SO_PIN: '2',
        NOTARY_ROOT_PASSPHRASE: '3',
        DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: '4',
      });
      expect(env).toEqual({ SOFTHSM2_CONF: '/x', TRUSTDESK_PKCS11_WORKER_MAIN: '1' });
    });

    it('imports one software key into two tokens; a wrong PIN is reported with the attempts left and forgotten', async () => {
      hsm = makeSoftHsm(['one', 'two']);
      const trustDir = mkdtempSync(join(tmpdir(), 'trustdesk-unit-'));
      const env = { TRUSTDESK_TOKEN_PIN: USER_PIN };
      access = new TokenAccess({ trustDir, env, transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }) });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const { record, failed } = await access.importKey(privateKey, [
        { module: hsm.module, token: { label: 'one' } },
        { module: hsm.module, token: { label: 'two' } },
        { module: hsm.module, token: { label: 'absent' } },
      ]);
      expect(record.locations.map((l) => l.token.label)).toEqual(['one', 'two']);
      expect(failed.map((f) => [f.location.token.label, f.error.code])).toEqual([['absent', 'TOKEN_NOT_FOUND']]);
      for (const label of ['one', 'two']) {
        const objs = await access.client.objects(hsm.module, { label }, USER_PIN);
        expect(objs.find((o) => o.kind === 'private-key')).toMatchObject({ generatedOnToken: false, sensitive: true, extractable: false });
      }
      // writing as the security officer (ykcs11's default: the management key) asks the SO PIN, never the user PIN
      const so = { TRUSTDESK_TOKEN_PIN: USER_PIN, TRUSTDESK_TOKEN_SO_PIN: 'not-the-so-pin' };
      const soAccess = new TokenAccess({ trustDir, env: so, transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }) });
      await expect(soAccess.generate({ module: hsm.module, token: { label: 'one' } }, { as: 'so' })).rejects.toMatchObject({
        code: 'TOKEN_PIN_WRONG',
        message: expect.stringContaining('wrong SO PIN'),
      });
      soAccess.close();
      expect(TokenAccess.writerFor('/usr/lib/x86_64-linux-gnu/libykcs11.so')).toBe('so');
      expect(TokenAccess.writerFor(hsm.module)).toBe('user');

      env.TRUSTDESK_TOKEN_PIN = '0000';
      access.close();
      await expect(access.signerOf(record).sign(Buffer.from('x'))).rejects.toMatchObject({
        code: 'TOKEN_PIN_WRONG',
        message: expect.stringMatching(/attempts|locks/),
      });
    });
  },
);
