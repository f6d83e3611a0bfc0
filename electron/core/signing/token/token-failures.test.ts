/**
 * Token failures through the real worker and pkcs11js, with the tests' fake PKCS#11 module
 * (tests/support/pkcs11-shim/shim.c) in front of SoftHSM2: a locked PIN, a final try, and a token
 * removed after its first signature each fail with their own code, in bounded time, without a hung
 * worker, and the token answers normally again once "plugged back in". Skips where SoftHSM2, gcc or
 * the built worker is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkerPath, forkTransport } from './client.js';
import { TokenAccess, type TokenLocation } from './tokens.js';
import { makeSoftHsm, pkcs11ShimBuildable, softHsmAvailable, USER_PIN, type SoftHsm } from '../../../../tests/support/softhsm.js';

const ready = softHsmAvailable() && pkcs11ShimBuildable() && existsSync(join(import.meta.dirname, '../../../../dist/electron/signer/worker.js'));

describe.skipIf(!ready)('the fake PKCS#11 module in front of SoftHSM2, through the worker', () => {
  let hsm: SoftHsm | undefined;
  let access: TokenAccess | undefined;
  afterEach(() => {
    access?.close();
    hsm?.cleanup();
    access = hsm = undefined;
  });

  function setUp(pin = USER_PIN) {
    hsm = makeSoftHsm(['shim-a', 'shim-b'], { shim: true });
    const trustDir = mkdtempSync(join(tmpdir(), 'td-shim-'));
    access = new TokenAccess({
      trustDir,
      env: { TRUSTDESK_TOKEN_PIN: pin },
      transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }),
    });
    const at = (label: string): TokenLocation => ({ module: hsm!.module, token: { label } });
    return { hsm, access, at };
  }

  it('forwards to SoftHSM2 when told nothing: list, generate, sign', async () => {
    const { hsm, access, at } = setUp();
    expect(hsm.module).not.toBe('/usr/lib/softhsm/libsofthsm2.so');
    const report = await access.client.list(hsm.module);
    expect(report.library.manufacturer).toMatch(/SoftHSM/);
    expect(
      report.tokens
        .filter((t) => t.flags.initialized)
        .map((t) => t.label)
        .sort(),
    ).toEqual(['shim-a', 'shim-b']);
    const r = await access.generate(at('shim-a'));
    const sig = await access.signerOf(r).signRaw(Buffer.from('hello'), 'test');
    expect(sig).toHaveLength(64);
  });

  it('locked: the flags say so and a login answers TOKEN_PIN_LOCKED (CKR_PIN_LOCKED) for that token only', async () => {
    const { hsm, access } = setUp();
    hsm.shim('locked', 'shim-a');
    const report = await access.client.list(hsm.module);
    const flags = (label: string) => report.tokens.find((t) => t.label === label)!.flags;
    expect(flags('shim-a').pinLocked).toBe(true);
    expect(flags('shim-b').pinLocked).toBe(false);
    await expect(access.client.objects(hsm.module, { label: 'shim-a' }, USER_PIN)).rejects.toMatchObject({
      code: 'TOKEN_PIN_LOCKED',
      ckr: 'CKR_PIN_LOCKED',
    });
    expect(await access.client.objects(hsm.module, { label: 'shim-b' }, USER_PIN)).toEqual([]);
  });

  it('final-try: the flag is set, and a wrong PIN says the next one locks the token', async () => {
    const { hsm, access } = setUp();
    hsm.shim('final-try');
    const report = await access.client.list(hsm.module);
    expect(report.tokens.filter((t) => t.flags.initialized).every((t) => t.flags.pinFinalTry)).toBe(true);
    await expect(access.client.objects(hsm.module, { label: 'shim-a' }, '9999')).rejects.toMatchObject({
      code: 'TOKEN_PIN_WRONG',
      pinState: 'final-try',
      message: expect.stringContaining('the next wrong PIN locks the token'),
    });
  });

  it('remove-after-1: the first signature comes back, the next finds no token present, in bounded time; the key signs again once plugged back in', async () => {
    const { hsm, access, at } = setUp();
    const r = await access.generate(at('shim-a'));
    const signer = access.signerOf(r);
    hsm.shim('remove-after-1', 'shim-a');
    expect(await signer.signRaw(Buffer.from('one'), 'first')).toHaveLength(64);
    expect(hsm.shimState()).toBe('removed label=shim-a');
    const t0 = Date.now();
    // the key is on no other token: the only location is gone
    const err = await signer.signRaw(Buffer.from('two'), 'second').catch((e: unknown) => e);
    expect(Date.now() - t0, 'a removed token fails fast, the worker does not hang').toBeLessThan(15_000);
    expect(err).toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    expect((err as Error).message).toContain('none of them is present');
    const report = await access.client.list(hsm.module);
    expect(report.tokens.filter((t) => t.flags.initialized).map((t) => t.label)).toEqual(['shim-b']);
    expect(report.slots.some((s) => !s.tokenPresent)).toBe(true);
    // plugged back in: the same key signs again, in the same worker
    hsm.shim('normal');
    expect(await signer.signRaw(Buffer.from('three'), 'third')).toHaveLength(64);
  });

  it('removed in the middle of a session (at C_SignInit): CKR_DEVICE_REMOVED → TOKEN_REMOVED, and the worker goes on answering', async () => {
    const { hsm, access, at } = setUp();
    const r = await access.generate(at('shim-a'));
    hsm.shim('remove-at-SignInit', 'shim-a');
    const t0 = Date.now();
    const err = await access.client
      .request({ op: 'sign', module: hsm.module, token: { label: 'shim-a' }, pin: USER_PIN, ckaId: r.ckaId, digest: '00'.repeat(32), summary: 't' })
      .catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(err).toMatchObject({ code: 'TOKEN_REMOVED', ckr: 'CKR_DEVICE_REMOVED' });
    expect((err as Error).message).not.toContain(USER_PIN);
    expect(hsm.shimState()).toBe('removed label=shim-a');
    const pid = access.client.workerPid;
    const report = await access.client.list(hsm.module);
    expect(access.client.workerPid, 'the same worker answers').toBe(pid);
    expect(report.tokens.filter((t) => t.flags.initialized).map((t) => t.label)).toEqual(['shim-b']);
  });
});

describe.skipIf(!ready)('importing into two tokens when the second is pulled out while its copy is written', () => {
  it('undoes the first copy, records nothing and says TOKEN_REMOVED', async () => {
    const hsm = makeSoftHsm(['imp-a', 'imp-b'], { shim: true });
    const trustDir = mkdtempSync(join(tmpdir(), 'td-shim-imp-'));
    const access = new TokenAccess({
      trustDir,
      env: { TRUSTDESK_TOKEN_PIN: USER_PIN },
      transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }),
    });
    try {
      const { generateKeyPairSync } = await import('node:crypto');
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      hsm.shim('remove-at-CreateObject', 'imp-b');
      const at = (label: string): TokenLocation => ({ module: hsm.module, token: { label } });
      const err = await access.importKey(privateKey, [at('imp-a'), at('imp-b')]).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TOKEN_REMOVED', message: expect.stringContaining('the import was undone') });
      expect((err as Error).message).toContain('imp-a');
      expect(await access.store.list()).toEqual([]);
      expect(await access.client.objects(hsm.module, { label: 'imp-a' }, USER_PIN)).toEqual([]);
      hsm.shim('normal');
      expect(await access.client.objects(hsm.module, { label: 'imp-b' }, USER_PIN)).toEqual([]);
    } finally {
      access.close();
      hsm.cleanup();
    }
  });
});

describe.skipIf(!ready)('a root certificate when the token is pulled out right after signing it', () => {
  it('stores and records nothing and says TOKEN_REMOVED', async () => {
    const hsm = makeSoftHsm(['cert-a'], { shim: true });
    const trustDir = mkdtempSync(join(tmpdir(), 'td-shim-cert-'));
    const access = new TokenAccess({
      trustDir,
      env: { TRUSTDESK_TOKEN_PIN: USER_PIN },
      transport: forkTransport(defaultWorkerPath(), { ...process.env, ...hsm.env }),
    });
    try {
      const r = await access.generate({ module: hsm.module, token: { label: 'cert-a' } });
      const recorded = readFileSync(join(trustDir, 'tokens', `${r.keyId}.json`), 'utf8');
      hsm.shim('remove-after-1', 'cert-a');
      await expect(access.rootCertificate(r, 'registry.example/team/app', new Date())).rejects.toMatchObject({
        code: 'TOKEN_REMOVED',
        message: expect.stringContaining('nothing was stored or recorded'),
      });
      expect(readFileSync(join(trustDir, 'tokens', `${r.keyId}.json`), 'utf8')).toBe(recorded);
      hsm.shim('normal');
      const objects = await access.client.objects(hsm.module, { label: 'cert-a' }, USER_PIN);
      expect(objects.map((o) => o.kind).sort()).toEqual(['private-key', 'public-key']);
    } finally {
      access.close();
      hsm.cleanup();
    }
  });
});
