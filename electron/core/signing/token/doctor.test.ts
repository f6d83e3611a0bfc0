import { describe, it, expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { Pkcs11Client, type WorkerTransport } from './client.js';
import { runDoctor, YUBIKEY_DEFAULT_MANAGEMENT_KEY } from './doctor.js';
import type { ModuleReport, TokenFlags, TokenObject } from '../../../signer/protocol.js';

const YKCS11 = '/usr/lib/x86_64-linux-gnu/libykcs11.so';

const flags = (f: Partial<TokenFlags> = {}): TokenFlags => ({
  initialized: true,
  loginRequired: true,
  userPinInitialized: true,
  pinCountLow: false,
  pinFinalTry: false,
  pinLocked: false,
  pinToBeChanged: false,
  soPinCountLow: false,
  soPinFinalTry: false,
  soPinLocked: false,
  protectedAuthenticationPath: false,
  ...f,
});

/** A client whose worker answers from a table: a YubiKey as ykcs11 would describe it. */
function clientWith(answers: { list: ModuleReport | Error; objects?: TokenObject[]; managementKeyDefault?: boolean }) {
  const seen: { op: string; key?: string }[] = [];
  const factory = (): WorkerTransport => {
    let onMsg: (m: unknown) => void = () => {};
    return {
      send: (raw) => {
        const m = raw as { id: number; op: string; key?: string };
        seen.push({ op: m.op, ...(m.key ? { key: m.key } : {}) });
        const reply =
          m.op === 'list'
            ? answers.list instanceof Error
              ? { id: m.id, ok: false, error: { code: 'TOKEN_MODULE_ERROR', message: answers.list.message } }
              : { id: m.id, ok: true, result: answers.list }
            : m.op === 'objects'
              ? { id: m.id, ok: true, result: answers.objects ?? [] }
              : { id: m.id, ok: true, result: { isDefault: !!answers.managementKeyDefault } };
        setImmediate(() => onMsg(reply));
      },
      onMessage: (fn) => (onMsg = fn),
      onExit: () => {},
      kill: () => {},
    };
  };
  return { client: new Pkcs11Client(factory), seen };
}

function yubikey(f: Partial<TokenFlags> = {}, firmware = '5.4'): ModuleReport {
  return {
    module: YKCS11,
    library: { description: 'PKCS#11 PIV Library (SP-800-73)', manufacturer: 'Yubico (www.yubico.com)', version: '2.2', cryptoki: '2.40' },
    slots: [{ slotId: '00', description: 'Yubico YubiKey OTP+FIDO+CCID 00 00', tokenPresent: true }],
    tokens: [
      {
        slotId: '00',
        slotDescription: 'Yubico YubiKey',
        label: 'YubiKey PIV #12345678',
        manufacturer: 'Yubico (www.yubico.com)',
        model: 'YubiKey YK5',
        serial: '12345678',
        firmware,
        hardware: '1.0',
        minPinLength: 6,
        maxPinLength: 8,
        flags: flags(f),
      },
    ],
  };
}

describe('token doctor', () => {
  it('YubiKey: factory management key, PIN state, touch policy, slot 9c, firmware; each with what to do', async () => {
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const { client, seen } = clientWith({
      list: yubikey({ pinFinalTry: true }),
      objects: [{ kind: 'public-key', id: '02', label: 'Public key for Digital Signature', keyType: 'ec', curve: 'prime256v1', spki }],
      managementKeyDefault: true,
    });
    const r = await runDoctor(client, [YKCS11]);
    const t = r.modules[0]!.tokens[0]!;
    expect(t.yubikey).toBe(true);
    const byTitle = (re: RegExp) => t.findings.find((f) => re.test(f.title));
    expect(byTitle(/factory management key/)).toMatchObject({ level: 'error', action: expect.stringContaining('change-management-key') });
    expect(byTitle(/One PIN attempt left/)).toMatchObject({ level: 'error' });
    expect(byTitle(/Default PIN and PUK/)).toMatchObject({ level: 'warning', action: expect.stringContaining('ykman piv info') });
    expect(byTitle(/Touch policy/)).toMatchObject({ action: expect.stringContaining('--touch-policy always') });
    expect(byTitle(/Slot 9c/)).toMatchObject({ level: 'ok' });
    expect(byTitle(/Firmware 5.4/)).toBeDefined();
    expect(byTitle(/ECDSA P-256/)).toMatchObject({ level: 'ok' });
    // the management key probe is the only login the doctor tries without a PIN given
    expect(seen.filter((s) => s.op === 'probe-management-key')).toEqual([{ op: 'probe-management-key', key: YUBIKEY_DEFAULT_MANAGEMENT_KEY }]);
  });

  it('a locked PIN, an RSA key, a missing module; a recorded key that is not on its token', async () => {
    const { client } = clientWith({
      list: yubikey({ pinLocked: true }, '5.7'),
      objects: [{ kind: 'public-key', id: '01', label: 'rsa', keyType: 'rsa' }],
    });
    const r = await runDoctor(client, [YKCS11], {
      checkManagementKey: false,
      records: [
        {
          keyId: 'ab'.repeat(32),
          role: 'root',
          publicKey: '',
          ckaId: '02',
          label: 'root',
          origin: 'imported',
          locations: [{ module: YKCS11, token: { label: 'YubiKey PIV #12345678' } }],
          createdAt: '',
        },
      ],
    });
    const t = r.modules[0]!.tokens[0]!;
    expect(t.findings.find((f) => /PIN is locked/.test(f.title))).toMatchObject({ level: 'error', action: expect.stringContaining('unblock-pin') });
    expect(t.findings.find((f) => /Key 01 is RSA/.test(f.title))).toMatchObject({ level: 'warning' });
    expect(t.findings.find((f) => /recorded for this token is not on it/.test(f.title))).toMatchObject({ level: 'error' });
    expect(t.findings.some((f) => /Firmware/.test(f.title))).toBe(false);

    const missing = clientWith({ list: new Error('cannot load the PKCS#11 module /x/libykcs11.so: not found') });
    const m = (await runDoctor(missing.client, ['/x/libykcs11.so'])).modules[0]!;
    expect(m.loads).toBe(false);
    expect(m.findings[0]).toMatchObject({ level: 'error', title: 'The module does not load', action: expect.stringContaining('pcscd') });
  });
});
