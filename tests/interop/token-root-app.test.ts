/**
 * A root on hardware tokens, through the app's handlers only (issue 15): PINs come from the PIN
 * dialog (the handlers' secret requests, answered on `secret:answer`), never from the environment.
 * Against the real lab and SoftHSM2: a root key generated on token A, a new repository with that
 * root, the root rotated onto token B (signed by both tokens), then the air-gapped half: a rotation
 * request online, the bundle signed by token B's root on a machine in offline mode with no socket
 * opened, imported and published online; docker trust inspect and notary list verify each step.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { cpSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLab, dockerTrust, notary, pushTag, writeDockerConfig, LAB_PASSPHRASE, type Lab } from '../../lab/index.js';
import { makeSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { SettingsStore } from '../../electron/app/settings-store.js';
import { KeyRing } from '../../electron/core/signing/signer.js';
import type { SecretRequestView } from '../../shared/ipc/secrets-contract.js';

const PINS: Record<string, string> = { 'root-a': 'pin-of-token-a-1357', 'root-b': 'pin-of-token-b-2468' };
const ready = softHsmAvailable() && existsSync(resolve(import.meta.dirname, '../../dist/electron/signer/worker.js'));

let lab: Lab;
let hsm: SoftHsm;

beforeAll(async () => {
  if (!ready) return;
  lab = await startLab();
  hsm = makeSoftHsm();
  hsm.addToken('root-a', PINS['root-a']);
  hsm.addToken('root-b', PINS['root-b']);
}, 120_000);

afterAll(async () => {
  hsm?.cleanup();
  await lab?.stop();
});

/** The app on one machine: its Settings (docker config dir, modules, offline), its PIN dialog answering from PINS. */
async function app(configDir: string, offline = false) {
  const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-app-tokroot-')));
  await settings.update({ dockerConfigDir: configDir, pkcs11Modules: [hsm.module], offline });
  const asked: SecretRequestView[] = [];
  // the environment carries a wrong PIN: the app must not read it
  const env = { ...process.env, ...lab.env, ...hsm.env, DOCKER_CONFIG: configDir, TRUSTDESK_TOKEN_PIN: 'wrong-env-pin' };
  const handlers = createHandlers({
    settings,
    version: 't',
    openExternal: async () => undefined,
    env,
    sendSecretRequest: (r) => {
      asked.push(r);
      setImmediate(() => void handlers.invoke('secret:answer', { id: r.id, pin: PINS[r.device.label]! }));
      return true;
    },
  });
  const call = async <T = any>(channel: string, payload: unknown): Promise<T> => {
    const r = (await handlers.invoke(channel, payload)) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    const text = JSON.stringify(r);
    for (const p of Object.values(PINS)) expect(text).not.toContain(p);
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error!.code}: ${r.error!.message}`), { code: r.error!.code });
    return r.value as T;
  };
  return { call, asked };
}

interface Inspected {
  SignedTags: { SignedTag: string }[];
  AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[];
}

async function inspect(g: string): Promise<Inspected> {
  const config = mkdtempSync(join(tmpdir(), 'trustdesk-tokroot-inspect-'));
  await writeDockerConfig(config, lab.caFile, [lab.notaryHost, lab.registryHost]);
  const r = await dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: config } });
  return (JSON.parse(r.stdout) as Inspected[])[0]!;
}
const rootId = (i: Inspected) => i.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID;

/** Runs fn counting every TCP/IPC socket connect made in this process. */
async function countingSockets<T>(fn: () => Promise<T>): Promise<{ value: T; sockets: number }> {
  const connect = net.Socket.prototype.connect;
  let sockets = 0;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    sockets++;
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  try {
    return { value: await fn(), sockets };
  } finally {
    net.Socket.prototype.connect = connect;
  }
}

describe.skipIf(!ready)('root on hardware tokens, in the app', () => {
  it('generate on token A → new repository with that root → rotate onto token B → air-gapped bundle signed by token B → published; docker and notary verify', async () => {
    const g = `${lab.registryHost}/lab/app-token-root`;
    const online = mkdtempSync(join(tmpdir(), 'trustdesk-tokroot-online-'));
    await writeDockerConfig(online, lab.caFile, [lab.notaryHost, lab.registryHost]);
    const a = await app(online);

    // 1. a root key generated on token A
    const gen = await a.call<{ key: { keyId: string } }>('hardware:generate', { device: { label: 'root-a' } });
    expect(a.asked.map((r) => r.device.label)).toEqual(['root-a']);

    // 2. a new repository whose root is that key (its certificate made and stored on token A)
    const v1 = await pushTag(lab, 'app-token-root', 'v1');
    const init = await a.call<{ published: boolean }>('publish:init', {
      name: g,
      snapshotServerManaged: true,
      rootDevice: { label: 'root-a' },
      passphrases: { new: LAB_PASSPHRASE },
    });
    expect(init.published).toBe(true);
    const doc1 = await a.call<{ rootKeys: { keyId: string; certificates: { gun: string; certId: string }[] }[] }>('hardware:doctor', {});
    const certA = doc1.rootKeys.find((k) => k.keyId === gen.key.keyId)!.certificates.find((c) => c.gun === g)!.certId;
    expect(rootId(await inspect(g))).toBe(certA);

    // a tag signed with the new repository's targets key
    await a.call('publish:apply', {
      name: g,
      changes: [{ kind: 'add-target', name: 'v1', target: { sha256Hex: v1.digest.slice(7), length: statSync(v1.file).size }, roles: ['targets'] }],
      passphrases: { unlock: LAB_PASSPHRASE },
    });
    expect((await inspect(g)).SignedTags.map((t) => t.SignedTag)).toEqual(['v1']);

    // 3. the root rotated onto token B: the old root (token A) and the new one (token B) both sign
    a.asked.length = 0;
    const rot = await a.call<{ published: boolean }>('publish:rotate-root', {
      name: g,
      toDevice: { label: 'root-b' },
      passphrases: { unlock: LAB_PASSPHRASE },
    });
    expect(rot.published).toBe(true);
    expect(new Set(a.asked.map((r) => r.device.label))).toEqual(new Set(['root-a', 'root-b']));
    const doc2 = await a.call<{ rootKeys: { keyId: string; devices: string[]; certificates: { gun: string; certId: string }[] }[] }>(
      'hardware:doctor',
      {},
    );
    const onB = doc2.rootKeys.find((k) => k.devices.some((d) => d.startsWith('root-b')) && k.certificates.some((c) => c.gun === g))!;
    const certB = onB.certificates.find((c) => c.gun === g)!.certId;
    expect(rootId(await inspect(g))).toBe(certB);

    // 4. air-gapped: a new root key file online, the request bundle; token B's root signs it on the offline machine
    const ring = new KeyRing(join(online, 'trust'), { env: { NOTARY_ROOT_PASSPHRASE: LAB_PASSPHRASE } });
    const before = new Set((await ring.rootKeys()).map((k) => k.keyId));
    await ring.generate({ role: 'root' });
    const newRoot = (await ring.rootKeys()).find((k) => !before.has(k.keyId))!.keyId;
    const work = mkdtempSync(join(tmpdir(), 'trustdesk-tokroot-usb-'));
    const req = await a.call<{ sha256: string }>('ceremony:rotate-request', {
      repository: g,
      newKeyId: newRoot,
      outFile: join(work, 'request.json'),
      allowNoBackup: true,
      passphrases: { unlock: LAB_PASSPHRASE },
    });

    // the offline machine: its own copy of the trust dir's token records, offline mode in Settings
    const offlineDir = mkdtempSync(join(tmpdir(), 'trustdesk-tokroot-offline-'));
    cpSync(online, offlineDir, { recursive: true });
    const off = await app(offlineDir, true);
    const { value: signed, sockets } = await countingSockets(async () => {
      const opened = await off.call<{ sha256: string; missing: string[] }>('ceremony:bundle-open', { file: join(work, 'request.json') });
      expect(opened.sha256).toBe(req.sha256);
      const signed = await off.call<{ signedBy: string[] }>('ceremony:bundle-sign', {
        file: join(work, 'request.json'),
        outFile: join(work, 'signed.json'),
      });
      // the online steps are refused there, before any connection
      await expect(off.call('ceremony:bundle-import', { file: join(work, 'signed.json'), publish: true })).rejects.toMatchObject({
        code: 'NETWORK_UNREACHABLE',
      });
      await expect(off.call('publish:rotate-root', { name: g })).rejects.toMatchObject({ code: 'NETWORK_UNREACHABLE' });
      return signed;
    });
    expect(sockets, 'no socket opened on the offline machine').toBe(0);
    expect(signed.signedBy.length).toBeGreaterThan(0);
    expect(off.asked.map((r) => [r.device.label, r.keyId])).toEqual([['root-b', onB.keyId]]);

    // 5. back online: imported and published; docker and notary (with the old root cached) accept it
    const notaryDir = mkdtempSync(join(tmpdir(), 'trustdesk-tokroot-notary-'));
    expect((await notary(lab, ['list', g], { trustDir: notaryDir })).stdout).toContain('v1');
    const imported = await a.call<{ published: boolean }>('ceremony:bundle-import', { file: join(work, 'signed.json'), publish: true });
    expect(imported.published).toBe(true);
    expect(rootId(await inspect(g))).not.toBe(certB);
    expect((await notary(lab, ['list', g], { trustDir: notaryDir })).stdout).toContain('v1');
  });
});
