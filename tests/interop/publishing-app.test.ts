/**
 * The app's publishing channels against the real lab, through the same handler registry Electron's
 * ipcMain calls: staged changes are previewed exactly, published in one update that docker reads,
 * the onboarding wizard's steps work across two machines, passphrases from the dialog are used once
 * and nothing secret comes back.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, dockerTrust, pushTag, writeDockerConfig, LAB_PASSPHRASE, type Lab } from '../../lab/index.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { SettingsStore } from '../../electron/app/settings-store.js';

let lab: Lab;

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-pub-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

function app(env: Record<string, string>) {
  const handlers = createHandlers({
    settings: new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-app-settings-'))),
    version: '0.0.0-test',
    openExternal: async () => undefined,
    env,
  });
  return async <T = any>(channel: string, payload: unknown): Promise<T> => {
    const r = (await handlers.invoke(channel, payload)) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
    const text = JSON.stringify(r.value);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toMatch(/erin-dialog-passphrase/);
    expect(text).not.toContain(LAB_PASSPHRASE);
    return r.value as T;
  };
}

async function inspect(g: string) {
  const r = await dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: await freshConfig() } });
  return JSON.parse(r.stdout)[0];
}

beforeAll(async () => {
  lab = await startLab();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe('publishing from the app', () => {
  it('stage, preview the exact diff, publish; signers, rotation and the onboarding wizard', async () => {
    const g = `${lab.registryHost}/lab/app-pub`;
    const v1 = await pushTag(lab, 'app-pub', 'v1');
    const admin = app({ ...lab.env });
    const stage = [{ kind: 'add-target', name: 'v1', target: { sha256Hex: v1.digest.slice(7), length: 423 }, roles: ['targets'] }];
    await expect(admin('publish:preview', { name: g, changes: stage })).rejects.toMatchObject({ code: 'REPOSITORY_NOT_SIGNED' });
    const init = await admin('publish:init', { name: g, snapshotServerManaged: true });
    expect(init.preview).toMatchObject({ initialise: true });
    expect(init.newKeys.map((k: { role: string }) => k.role).sort()).toEqual(['root', 'targets']);
    await expect(admin('publish:init', { name: g, snapshotServerManaged: true })).rejects.toMatchObject({ code: 'REPOSITORY_EXISTS' });

    const preview = await admin('publish:preview', { name: g, changes: stage });
    expect(preview.roles[0]).toMatchObject({
      role: 'targets',
      fromVersion: 1,
      toVersion: 2,
      signedBy: 'local',
      targetsAdded: [{ name: 'v1', digest: v1.digest, size: 423 }],
    });
    expect((await inspect(g)).SignedTags).toEqual([]); // a preview publishes nothing
    const done = await admin('publish:apply', { name: g, changes: stage });
    expect(done.published).toBe(true);
    expect((await inspect(g)).SignedTags).toEqual([{ SignedTag: 'v1', Digest: v1.digest.slice(7), Signers: ['Repo Admin'] }]);

    // wizard, delegate side: a machine of its own, passphrase from the dialog
    const delegateCfg = await freshConfig();
    const delegate = app({ DOCKER_CONFIG: delegateCfg, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl });
    await expect(delegate('onboarding:create-key', { signer: 'erin', passphrase: 'short' })).rejects.toMatchObject({ code: 'PASSPHRASE_TOO_SHORT' });
    const made = await delegate('onboarding:create-key', { signer: 'erin', passphrase: 'erin-dialog-passphrase' });
    expect(made.publicKey).toMatch(/BEGIN PUBLIC KEY/);
    expect(made.qrSvg).toMatch(/^<svg/);
    // admin side: the pasted key, added with paths
    const read = await admin('onboarding:read-key', { pem: made.publicKey });
    expect(read.keyId).toHaveLength(64);
    read.key = { keytype: read.keyType, keyval: { public: read.publicValue } };
    await admin('publish:apply', {
      name: g,
      changes: [
        { kind: 'add-delegation', role: 'targets/erin', keys: [read.key], paths: ['e-'] },
        { kind: 'add-delegation', role: 'targets/releases', keys: [read.key] },
      ],
    });
    // the delegate test-signs: wrong dialog passphrase first, then the right one
    const e1 = await pushTag(lab, 'app-pub', 'e-1');
    const sign = [{ kind: 'add-target', name: 'e-1', target: { sha256Hex: e1.digest.slice(7), length: 423 } }];
    await expect(delegate('publish:apply', { name: g, changes: sign, passphrases: { unlock: 'wrong-passphrase' } })).rejects.toMatchObject({
      code: 'PASSPHRASE_WRONG',
    });
    const signed = await delegate('publish:apply', { name: g, changes: sign, passphrases: { unlock: 'erin-dialog-passphrase' } });
    expect(signed.preview.roles.map((r: { role: string }) => r.role)).toEqual(['targets/erin', 'targets/releases', 'snapshot', 'timestamp']);
    // both sides see the result
    for (const side of [admin, delegate]) {
      const [st] = await side('onboarding:status', { signer: 'erin', repositories: [g], publicKey: made.publicKey });
      expect(st).toMatchObject({ signer: true, hasKey: true, paths: ['e-'], inReleases: true, signedTags: [{ tag: 'e-1', digest: e1.digest }] });
    }
    // offboarding: the cost first
    const impact = await admin('signers:impact', { name: g, signer: 'erin' });
    expect(impact).toMatchObject({ tagsLosingOnlySigner: ['e-1'], lastSignerOfReleases: true, needsConfirmation: true });

    // rotation of a non-root key from the app; root is not offered
    await expect(admin('publish:preview', { name: g, changes: [{ kind: 'rotate-key', role: 'root' }] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const rotated = await admin('publish:apply', { name: g, changes: [{ kind: 'rotate-key', role: 'targets' }] });
    expect(rotated.newKeys.map((k: { role: string }) => k.role)).toEqual(['targets']);
    const after = await inspect(g);
    expect(after.AdministrativeKeys[1].Keys).toEqual([{ ID: rotated.newKeys[0].keyId }]);
    expect(after.SignedTags.map((t: { SignedTag: string }) => t.SignedTag)).toEqual(['e-1', 'v1']);
  });
});
