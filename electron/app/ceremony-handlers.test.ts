import { describe, it, expect } from 'vitest';
import dns from 'node:dns';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { rotationRequestOn } from '../../tests/support/rotation-request.js';

const PASS = 'correct horse battery staple';
const GUN = 'registry.example/team/app';
type Ok<T> = { ok: true; value: T };

/** Records (and refuses) every outgoing connection, name lookup and fetch while `fn` runs. */
async function withoutNetwork<T>(fn: () => Promise<T>): Promise<{ value: T; attempts: string[] }> {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const fetch = globalThis.fetch;
  net.Socket.prototype.connect = function (this: net.Socket, ...a: unknown[]) {
    attempts.push(`connect ${JSON.stringify(a[0])}`);
    throw new Error('network is off');
  } as never;
  (dns as { lookup: unknown }).lookup = (h: string) => {
    attempts.push(`lookup ${h}`);
    throw new Error('network is off');
  };
  globalThis.fetch = (async (u: unknown) => {
    attempts.push(`fetch ${String(u)}`);
    throw new Error('network is off');
  }) as typeof fetch;
  try {
    return { value: await fn(), attempts };
  } finally {
    net.Socket.prototype.connect = connect;
    (dns as { lookup: unknown }).lookup = lookup;
    globalThis.fetch = fetch;
  }
}

describe('Ceremony view channels', () => {
  it('offline mode: a bundle is opened and signed with a file key with no network call; online-only steps are refused before any connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-cer-'));
    const env = { DOCKER_CONFIG: join(dir, 'docker') };
    const settings = new SettingsStore(dir);
    await settings.update({ offline: true });
    const handlers = createHandlers({ settings, version: 't', openExternal: async () => undefined, env });
    const trustDir = join(dir, 'docker', 'trust');

    // the offline laptop holds the old root key (a file key here); the request came on a USB stick
    const { reqFile, rid } = await rotationRequestOn(dir, trustDir, GUN, { NOTARY_ROOT_PASSPHRASE: PASS });
    const out = join(dir, 'signed.json');

    const { value, attempts } = await withoutNetwork(async () => {
      const opened = (await handlers.invoke('ceremony:bundle-open', { file: reqFile })) as Ok<{ summary: string[]; missing: string[]; kind: string }>;
      const wrong = await handlers.invoke('ceremony:bundle-sign', { file: reqFile, outFile: out, passphrases: { unlock: 'not the passphrase' } });
      const sign = (await handlers.invoke('ceremony:bundle-sign', { file: reqFile, outFile: out, passphrases: { unlock: PASS } })) as Ok<{
        signedBy: string[];
      }>;
      const reopened = (await handlers.invoke('ceremony:bundle-open', { file: out })) as Ok<{ kind: string; missing: string[]; signedBy: string[] }>;
      const rotate = await handlers.invoke('ceremony:rotate-request', { repository: GUN, newKeyId: 'abcdef', outFile: join(dir, 'x.json') });
      const imp = await handlers.invoke('ceremony:bundle-import', { file: out, publish: true });
      const log = (await handlers.invoke('ceremony:log-verify', {})) as Ok<{ ok: boolean; entries: number }>;
      return { opened, wrong, sign, reopened, rotate, imp, log };
    });
    expect(attempts).toEqual([]);
    expect(value.opened.ok, JSON.stringify(value.opened)).toBe(true);
    expect(value.opened.value.summary[0]).toContain(`Root rotation of ${GUN}: root.json version 1 -> 2`);
    expect(value.opened.value.missing).toHaveLength(1);
    expect(value.wrong).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG' } });
    expect(value.sign.ok, JSON.stringify(value.sign)).toBe(true);
    expect(value.sign.value.signedBy).toEqual([rid]);
    expect(value.reopened.value).toMatchObject({ kind: 'signed', missing: [] });
    expect(value.rotate).toMatchObject({ ok: false, error: { code: 'NETWORK_UNREACHABLE' } });
    expect(value.imp).toMatchObject({ ok: false, error: { code: 'NETWORK_UNREACHABLE' } });
    expect(value.log.value).toMatchObject({ ok: true, entries: 1 });
    expect(JSON.stringify(value)).not.toContain(PASS);

    // a tampered bundle is refused by name
    writeFileSync(reqFile, readFileSync(reqFile, 'utf8').replace('"request"', '"signed"'));
    expect(await handlers.invoke('ceremony:bundle-open', { file: reqFile })).toMatchObject({ ok: false, error: { code: 'BUNDLE_INVALID' } });
  });

  it('the signing step takes no PIN (a token asks in the PIN dialog); a root key file is generated with the passphrase typed in the step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-cer-gen-'));
    const settings = new SettingsStore(dir);
    await settings.update({ offline: true });
    const handlers = createHandlers({ settings, version: 't', openExternal: async () => undefined, env: { DOCKER_CONFIG: join(dir, 'docker') } });
    const withPin = await handlers.invoke('ceremony:bundle-sign', { file: join(dir, 'r.json'), outFile: join(dir, 's.json'), pin: '123456' });
    expect(withPin).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(JSON.stringify(withPin)).not.toContain('123456');

    const gen = (await handlers.invoke('ceremony:generate', { passphrases: { new: PASS } })) as Ok<{ keyId: string }>;
    expect(gen.value.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(gen)).not.toContain(PASS);
    const key = readFileSync(join(dir, 'docker', 'trust', 'private', `${gen.value.keyId}.key`), 'utf8');
    expect(key).toContain('ENCRYPTED PRIVATE KEY');
    expect(key).toContain('role: root');
    const log = (await handlers.invoke('ceremony:log-verify', {})) as Ok<{ ok: boolean; entries: number }>;
    expect(log.value).toMatchObject({ ok: true, entries: 1 });
  });
});
