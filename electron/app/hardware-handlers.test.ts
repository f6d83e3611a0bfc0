import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { makeSoftHsm, softHsmAvailable } from '../../tests/support/softhsm.js';
import { TokenAccess } from '../core/signing/token/tokens.js';
import { forkTransport } from '../core/signing/token/client.js';

/** Distinctive, so that finding it in a response cannot be a coincidence of hex digits. */
const PIN = 'pin-never-crosses';
const ready = softHsmAvailable() && existsSync(join(import.meta.dirname, '../../dist/electron/signer/worker.js'));

describe.skipIf(!ready)('Hardware keys channel', () => {
  it('hardware:doctor reports the Settings modules, their tokens and keys, the recorded keys; no PIN crosses', async () => {
    const hsm = makeSoftHsm();
    hsm.addToken('app-root', PIN);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-hw-'));
      const env = { ...process.env, ...hsm.env, DOCKER_CONFIG: join(dir, 'docker') };
      const access = new TokenAccess({
        trustDir: join(dir, 'docker', 'trust'),
        env: { TRUSTDESK_TOKEN_PIN: PIN },
        transport: forkTransport(undefined, env),
      });
      const rec = await access.generate({ module: hsm.module, token: { label: 'app-root' } });
      access.close();

      const settings = new SettingsStore(dir);
      await settings.update({ pkcs11Modules: [hsm.module, '/nonexistent/libvendor.so'] });
      const handlers = createHandlers({ settings, version: 't', openExternal: async () => undefined, env });
      const r = await handlers.invoke('hardware:doctor', {});
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const v = (
        r as {
          value: {
            modules: { path: string; loads: boolean; devices: { label: string; keys: { keyId?: string; origin?: string }[] }[] }[];
            recordedKeys: { keyId: string; devices: string[] }[];
          };
        }
      ).value;
      expect(v.modules.map((m) => [m.path, m.loads])).toEqual([
        [hsm.module, true],
        ['/nonexistent/libvendor.so', false],
      ]);
      const dev = v.modules[0]!.devices.find((d) => d.label === 'app-root')!;
      expect(dev.keys.map((k) => k.keyId)).toEqual([rec.keyId]);
      expect(v.recordedKeys).toEqual([expect.objectContaining({ keyId: rec.keyId, devices: ['app-root'] })]);
      expect(JSON.stringify(r)).not.toContain(PIN);
      // a module path that is not there is a finding, not a failure
      const missing = await handlers.invoke('hardware:doctor', { modules: ['/nonexistent/other.so'] });
      expect(missing).toMatchObject({
        ok: true,
        value: { modules: [{ loads: false, findings: [{ level: 'error', title: 'The module does not load' }] }] },
      });
    } finally {
      hsm.cleanup();
    }
  });

  it('hardware:generate with a backup copy: an encrypted root key file (0600) put on the token, PIN from the dialog; a wrong PIN leaves no key file', async () => {
    const hsm = makeSoftHsm();
    hsm.addToken('copy-root', PIN);
    const PASS = 'passphrase of the encrypted copy 7';
    try {
      const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-hw-copy-'));
      const env = { ...process.env, ...hsm.env, DOCKER_CONFIG: join(dir, 'docker'), TRUSTDESK_TOKEN_PIN: 'wrong-pin-from-the-environment' };
      const settings = new SettingsStore(dir);
      await settings.update({ pkcs11Modules: [hsm.module] });
      let answer = 'not-the-pin';
      const handlers = createHandlers({
        settings,
        version: 't',
        openExternal: async () => undefined,
        env,
        sendSecretRequest: (r) => {
          setImmediate(() => void handlers.invoke('secret:answer', { id: r.id, pin: answer }));
          return true;
        },
      });
      const priv = join(dir, 'docker', 'trust', 'private');
      const files = () => (existsSync(priv) ? readdirSync(priv).filter((f) => f.endsWith('.key')) : []);
      const req = { device: { label: 'copy-root' }, backupCopy: true, passphrases: { new: PASS } };

      const wrong = await handlers.invoke('hardware:generate', req);
      expect(wrong).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_WRONG' } });
      expect(files(), 'no key file left behind when the token refused').toEqual([]);

      answer = PIN;
      const r = (await handlers.invoke('hardware:generate', req)) as {
        ok: boolean;
        value: { key: { keyId: string; origin: string; devices: string[] }; keyFile: string };
      };
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(r.value.key.origin).toBe('imported');
      expect(r.value.key.devices).toEqual([expect.stringMatching(/^copy-root/)]);
      expect(files()).toEqual([`${r.value.key.keyId}.key`]);
      expect(r.value.keyFile).toBe(join(priv, `${r.value.key.keyId}.key`));
      expect(statSync(r.value.keyFile).mode & 0o777).toBe(0o600);
      expect(JSON.stringify(r)).not.toContain(PIN);
      expect(JSON.stringify(r)).not.toContain(PASS);
      const doctor = (await handlers.invoke('hardware:doctor', {})) as { value: { rootKeys: { keyId: string; file: boolean; devices: string[] }[] } };
      expect(doctor.value.rootKeys).toEqual([expect.objectContaining({ keyId: r.value.key.keyId, file: true })]);
    } finally {
      hsm.cleanup();
    }
  });
});
