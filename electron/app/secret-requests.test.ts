import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHandlers, type Handlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { SecretRequests } from './secret-requests.js';
import { makeSoftHsm, softHsmAvailable } from '../../tests/support/softhsm.js';
import { KeyRing } from '../core/signing/signer.js';
import type { WorkerTransport } from '../core/signing/token/client.js';
import type { SecretRequestView } from '../../shared/ipc/secrets-contract.js';

/** Distinctive, so that finding one in a response or an error cannot be a coincidence. */
const PIN = 'pin-typed-in-the-dialog';
const BACKUP_PIN = 'backup-pin-typed-in-the-dialog';
const ENV_PIN = 'pin-from-the-environment';
const PASS = 'root file passphrase 0123';
const ready = softHsmAvailable() && existsSync(join(import.meta.dirname, '../../dist/electron/signer/worker.js'));

type Asked = SecretRequestView[];

/** Handlers whose PIN dialog answers with `answer(request)` (undefined: cancel), through the `secret:answer` channel. */
async function appWith(
  env: NodeJS.ProcessEnv,
  modules: string[],
  answer: (r: SecretRequestView) => string | undefined,
  extra: { pkcs11Transport?: () => WorkerTransport } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-pin-'));
  const settings = new SettingsStore(dir);
  await settings.update({ pkcs11Modules: modules, dockerConfigDir: join(dir, 'docker') });
  const asked: Asked = [];
  const answers: unknown[] = [];
  const holder: { h?: Handlers } = {};
  const handlers = createHandlers({
    settings,
    version: 't',
    openExternal: async () => undefined,
    env,
    ...extra,
    sendSecretRequest: (r) => {
      asked.push(r);
      const pin = answer(r);
      // the renderer answers later, on its own IPC call
      setImmediate(() => void holder.h!.invoke('secret:answer', pin ? { id: r.id, pin } : { id: r.id }).then((a) => answers.push(a)));
      return true;
    },
  });
  holder.h = handlers;
  return { handlers, asked, answers, trustDir: join(dir, 'docker', 'trust') };
}

const tokenRecords = (trustDir: string) => (existsSync(join(trustDir, 'tokens')) ? readdirSync(join(trustDir, 'tokens')) : []);

describe('PIN dialog round trip (SecretRequests)', () => {
  it('a question is answered once; a second answer, an unknown ID, no window and a closed window all give nothing', async () => {
    const sent: SecretRequestView[] = [];
    const s = new SecretRequests((r) => (sent.push(r), true));
    const q = { kind: 'pin' as const, device: { label: 'A', module: '/m.so' }, reason: 'sign', state: 'ok' as const, managementKey: false };
    const p = s.ask(q);
    expect(sent[0]).toMatchObject({ ...q, id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(s.answer('0'.repeat(32), 'x')).toBe(false);
    expect(s.answer(sent[0]!.id, PIN)).toBe(true);
    expect(await p).toBe(PIN);
    expect(s.answer(sent[0]!.id, PIN)).toBe(false);

    expect(await new SecretRequests(undefined).ask(q)).toBeUndefined();
    expect(await new SecretRequests(() => false).ask(q)).toBeUndefined();
    const closing = s.ask(q);
    s.cancelAll();
    expect(await closing).toBeUndefined();
    expect(await new SecretRequests(() => true, 20).ask(q)).toBeUndefined();
  });

  it('a locked token: the dialog says so, nothing is asked of the token, the error says what to do (fake PKCS#11 worker)', async () => {
    const flags = {
      initialized: true,
      loginRequired: true,
      userPinInitialized: true,
      pinCountLow: true,
      pinFinalTry: false,
      pinLocked: true,
      pinToBeChanged: false,
      soPinCountLow: false,
      soPinFinalTry: false,
      soPinLocked: false,
      protectedAuthenticationPath: false,
    };
    const ops: string[] = [];
    const transport = (): WorkerTransport => {
      let onMsg: (m: unknown) => void = () => {};
      return {
        send: (msg) => {
          const m = msg as { id: number; op: string };
          ops.push(m.op);
          const token = {
            slotId: '1',
            slotDescription: 's',
            label: 'locked',
            manufacturer: 'Fake',
            model: 'fake',
            serial: 'F1',
            firmware: '1',
            hardware: '1',
            minPinLength: 4,
            maxPinLength: 8,
            flags,
          };
          const result =
            m.op === 'list'
              ? {
                  module: '/fake/libfake.so',
                  library: { description: 'fake', manufacturer: 'f', version: '1', cryptoki: '2.40' },
                  slots: [{ slotId: '1', description: 's', tokenPresent: true }],
                  tokens: [token],
                }
              : undefined;
          setImmediate(() =>
            onMsg(
              result
                ? { id: m.id, ok: true, result }
                : {
                    id: m.id,
                    ok: false,
                    error: { code: 'TOKEN_PIN_LOCKED', message: 'the PIN is locked', ckr: 'CKR_PIN_LOCKED', pinState: 'locked' },
                  },
            ),
          );
        },
        onMessage: (fn) => (onMsg = fn),
        onExit: () => {},
        kill: () => {},
      };
    };
    const { handlers, asked, trustDir } = await appWith({}, ['/fake/libfake.so'], () => undefined, { pkcs11Transport: transport });
    const r = await handlers.invoke('hardware:generate', { device: { label: 'locked', module: '/fake/libfake.so' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_LOCKED', message: expect.stringContaining('unlock it with the SO PIN') } });
    expect(asked).toEqual([
      expect.objectContaining({ state: 'locked', device: { label: 'locked', serial: 'F1', module: '/fake/libfake.so' }, minLength: 4, maxLength: 8 }),
    ]);
    expect(ops.filter((o) => o === 'generate')).toEqual([]);
    expect(tokenRecords(trustDir)).toEqual([]);
  });
});

describe.skipIf(!ready)('PIN dialog with SoftHSM2 through the app handlers', () => {
  it('generate, import into two tokens (each copy checked), adopt: PINs come from the dialog only, never from the environment, and cross back nowhere', async () => {
    const hsm = makeSoftHsm();
    hsm.addToken('token-a', PIN);
    hsm.addToken('token-b', BACKUP_PIN);
    try {
      // the environment's PIN is wrong on purpose: the app must not read it
      const env = { ...process.env, ...hsm.env, TRUSTDESK_TOKEN_PIN: ENV_PIN, NOTARY_ROOT_PASSPHRASE: PASS };
      const { handlers, asked, answers, trustDir } = await appWith(env, [hsm.module], (r) => (r.device.label === 'token-b' ? BACKUP_PIN : PIN));
      const seen: unknown[] = [];

      const gen = await handlers.invoke('hardware:generate', { device: { label: 'token-a' }, gun: 'registry.example/team/app' });
      seen.push(gen);
      expect(gen.ok, JSON.stringify(gen)).toBe(true);
      const key = (gen as { value: { key: { keyId: string; devices: string[]; origin: string } } }).value.key;
      expect(key).toMatchObject({ origin: 'generated', devices: ['token-a'] });
      expect(asked[0]).toMatchObject({
        kind: 'pin',
        device: { label: 'token-a', module: hsm.module },
        state: 'ok',
        managementKey: false,
        reason: expect.stringContaining('generate a new root key'),
      });
      // one question per token and request: generating and storing the certificate share it
      expect(asked).toHaveLength(1);

      // a root key file, put on both tokens as backups of each other; both copies sign and verify
      const ring = new KeyRing(trustDir, { env: { NOTARY_ROOT_PASSPHRASE: PASS } });
      await ring.generate({ role: 'root' });
      const fileKey = (await ring.rootKeys())[0]!.keyId;
      const imp = await handlers.invoke('hardware:import', {
        keyId: fileKey.slice(0, 10),
        devices: [{ label: 'token-a' }, { label: 'token-b' }],
        passphrases: { unlock: PASS },
      });
      seen.push(imp);
      expect(imp.ok, JSON.stringify(imp)).toBe(true);
      const iv = (imp as { value: { key: { keyId: string; devices: string[] }; checks: { device: string; signs: boolean }[]; failed: unknown[] } })
        .value;
      expect(iv.key).toMatchObject({ keyId: fileKey, devices: ['token-a', 'token-b'] });
      expect(iv.failed).toEqual([]);
      expect(iv.checks.map((c) => [c.device.includes('token-a') ? 'a' : 'b', c.signs])).toEqual([
        ['a', true],
        ['b', true],
      ]);
      expect(asked.slice(1).map((r) => [r.device.label, r.keyId])).toEqual([
        ['token-a', fileKey],
        ['token-b', fileKey],
      ]);

      // a key another tool made on token B (pkcs11-tool, as ykman would), adopted after a test signature
      execFileSync(
        'pkcs11-tool',
        [
          '--module',
          hsm.module,
          '--login',
          '--pin',
          BACKUP_PIN,
          '--token-label',
          'token-b',
          '--keypairgen',
          '--key-type',
          'EC:prime256v1',
          '--id',
          '0a0b',
          '--label',
          'vendor-made',
        ],
        { env: { ...process.env, ...hsm.env }, stdio: 'ignore' },
      );
      const adopted = await handlers.invoke('hardware:adopt', { device: { label: 'token-b' }, ckaId: '0A0B' });
      seen.push(adopted);
      expect(adopted).toMatchObject({ ok: true, value: { key: { ckaId: '0a0b', devices: ['token-b'] }, checks: [{ signs: true }] } });
      expect(asked.at(-1)).toMatchObject({ device: { label: 'token-b' }, reason: 'read the keys on the token' });

      // where each root key lives: the file key is in a file and on both tokens; the generated one on token A with its certificate ID
      const doc = await handlers.invoke('hardware:doctor', {});
      seen.push(doc);
      const places = (
        doc as { value: { rootKeys: { keyId: string; file: boolean; devices: string[]; certificates: { gun: string; certId: string }[] }[] } }
      ).value.rootKeys;
      expect(places).toContainEqual({ keyId: fileKey, file: true, devices: ['token-a', 'token-b'], certificates: [] });
      expect(places).toContainEqual({
        keyId: key.keyId,
        file: false,
        devices: ['token-a'],
        certificates: [{ gun: 'registry.example/team/app', certId: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      });

      // every response, every answer of secret:answer: no PIN anywhere
      const text = JSON.stringify([seen, answers]);
      for (const secret of [PIN, BACKUP_PIN, ENV_PIN, PASS]) expect(text).not.toContain(secret);
      expect(answers.every((a) => JSON.stringify(a) === JSON.stringify({ ok: true, value: { accepted: true } }))).toBe(true);
    } finally {
      hsm.cleanup();
    }
  });

  it('a wrong PIN and a cancelled dialog leave the trust dir as it was, with a message that says what to do and no PIN in it', async () => {
    const hsm = makeSoftHsm();
    hsm.addToken('token-a', PIN);
    try {
      const env = { ...process.env, ...hsm.env, TRUSTDESK_TOKEN_PIN: PIN };
      const wrong = await appWith(env, [hsm.module], () => 'not-the-pin-4711');
      const w = await wrong.handlers.invoke('hardware:generate', { device: { label: 'token-a' } });
      expect(w).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_WRONG' } });
      expect(JSON.stringify(w)).not.toContain('not-the-pin-4711');
      expect(tokenRecords(wrong.trustDir)).toEqual([]);
      // after a wrong PIN, the token's flags show in the next question
      const again = await wrong.handlers.invoke('hardware:generate', { device: { label: 'token-a' } });
      expect(again.ok).toBe(false);
      expect(wrong.asked[1]!.state).toMatch(/count-low|final-try|ok/);

      const cancelled = await appWith(env, [hsm.module], () => undefined);
      const c = await cancelled.handlers.invoke('hardware:generate', { device: { label: 'token-a' } });
      expect(c).toMatchObject({ ok: false, error: { code: 'TOKEN_PIN_REQUIRED', message: expect.stringContaining('cancelled') } });
      expect(JSON.stringify(c)).not.toContain(PIN);
      expect((c as { error: { message: string } }).error.message).not.toContain('TRUSTDESK_TOKEN_PIN');
      expect(tokenRecords(cancelled.trustDir)).toEqual([]);
    } finally {
      hsm.cleanup();
    }
  });
});
