import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, createPrivateKey, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePemBlocks, encodePem } from './pem-format.js';
import {
  classifyBlock,
  decryptPrivateKeyInfo,
  OID,
  encryptKey,
  encryptionInfo,
  notaryPrivateKeyInfo,
  openBlock,
  parsePrivateKeyInfo,
  privateKeyId,
} from './pkcs8-encryption.js';
import { readOne, children, seq, oid, octets, int } from './der.js';
import { REFERENCE_DIR } from '../../../tests/support/samples.js';

const LEGACY = join(REFERENCE_DIR, 'legacy-trust-dirs');
const pass = (s: string) => Buffer.from(s, 'utf8');

describe('notary PKCS#8 encryption', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('writes the exact structure notary writes for P-256 (241 bytes, fixed prefix, no PRF field)', () => {
    const der = encryptKey(privateKey, pass('a passphrase'));
    expect(der.length).toBe(241);
    expect(der.toString('base64').startsWith('MIHuMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAO')).toBe(true);
    expect(encryptionInfo(der)).toEqual({ iterations: 2048, prf: 'hmacWithSHA1', cipher: 'aes-256-cbc', notaryCompatible: true });
    // Decrypt independently: PBKDF2-HMAC-SHA1 over the 8-byte salt, AES-256-CBC.
    const top = children(readOne(der));
    const [kdf, enc] = children(children(top[0]!)[1]!);
    const [salt, iter] = children(children(kdf!)[1]!);
    expect(salt!.value.length).toBe(8);
    expect(iter!.raw.toString('hex')).toBe('02020800');
    const iv = children(enc!)[1]!.value;
    const key = pbkdf2Sync('a passphrase', salt!.value, 2048, 32, 'sha1');
    const d = createDecipheriv('aes-256-cbc', key, iv);
    const plain = Buffer.concat([d.update(top[1]!.value), d.final()]);
    expect(plain.length).toBe(150);
    expect(plain.subarray(0, 5).toString('hex')).toBe('3081930201'); // SEQUENCE, version INTEGER...
    expect(plain[5]).toBe(1); // notary writes version 1 for EC keys
    expect(privateKeyId(parsePrivateKeyInfo(plain))).toBe(privateKeyId(privateKey));
  });

  it('round-trips EC, RSA and Ed25519 keys in notary form', () => {
    const keys = [privateKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, generateKeyPairSync('ed25519').privateKey];
    for (const k of keys) {
      const der = encryptKey(k, pass('pw12345678'));
      const info = decryptPrivateKeyInfo(der, pass('pw12345678'));
      expect(privateKeyId(parsePrivateKeyInfo(info))).toBe(privateKeyId(k));
    }
    const ed = notaryPrivateKeyInfo(keys[2]!);
    expect(ed.toString('hex')).toContain('06092b06010401da470f01'); // notary's Ed25519 OID 1.3.6.1.4.1.11591.15.1
  });

  it('maps a wrong passphrase to PASSPHRASE_WRONG, every time', () => {
    const der = encryptKey(privateKey, pass('right one'));
    for (let i = 0; i < 300; i++) {
      expect(() => openBlock({ label: 'ENCRYPTED PRIVATE KEY', headers: {}, der }, pass(`wrong ${i}`))).toThrow(
        expect.objectContaining({ code: 'PASSPHRASE_WRONG' }),
      );
    }
    expect(() => openBlock({ label: 'ENCRYPTED PRIVATE KEY', headers: {}, der })).toThrow(expect.objectContaining({ code: 'PASSPHRASE_REQUIRED' }));
  });

  it("reads Node's default export (hmacWithSHA256) but flags it as unreadable by notary", () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'node default' });
    expect(encryptionInfo(der).notaryCompatible).toBe(false);
    expect(encryptionInfo(der).prf).toBe('hmacWithSHA256');
    const k = openBlock({ label: 'ENCRYPTED PRIVATE KEY', headers: {}, der }, pass('node default'));
    expect(privateKeyId(k)).toBe(privateKeyId(privateKey));
  });

  it('reads unencrypted PKCS#8, SEC1 and PKCS#1', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases: [string, Buffer, string][] = [
      ['PRIVATE KEY', privateKey.export({ format: 'der', type: 'pkcs8' }), privateKeyId(privateKey)],
      ['EC PRIVATE KEY', privateKey.export({ format: 'der', type: 'sec1' }), privateKeyId(privateKey)],
      ['RSA PRIVATE KEY', rsa.export({ format: 'der', type: 'pkcs1' }), privateKeyId(rsa)],
    ];
    for (const [label, der, id] of cases) {
      expect(classifyBlock({ label, headers: {}, der }).encryption).toBe('none');
      expect(privateKeyId(openBlock({ label, headers: {}, der }))).toBe(id);
    }
  });

  it('refuses absurd iteration counts instead of stalling', () => {
    const der = encryptKey(privateKey, pass('x'));
    const huge = seq(
      seq(
        oid(OID.PBES2),
        seq(seq(oid(OID.PBKDF2), seq(octets(Buffer.alloc(8)), int(49_999_999))), seq(oid(OID.AES256_CBC), octets(Buffer.alloc(16)))),
      ),
      octets(Buffer.alloc(160)),
    );
    expect(() => encryptionInfo(huge)).toThrow(/iteration count 49999999 is out of range/);
    expect(() => decryptPrivateKeyInfo(huge, pass('x'))).toThrow(/out of range/);
    expect(encryptionInfo(der).iterations).toBe(2048);
  });

  it('rejects what notary cannot use', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(() => notaryPrivateKeyInfo(p384)).toThrow(/unsupported EC curve/);
    const pub = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => classifyBlock({ label: 'PUBLIC KEY', headers: {}, der: Buffer.alloc(2) })).toThrow(/public key, not a private key/);
    expect(pub.asymmetricKeyType).toBe('ec');
  });

  it('decrypts the legacy OpenSSL-encrypted keys of notary 0.1 and 0.3 with the IDs notary lists', () => {
    const files: [string, string, string][] = [
      ['notary0.1/private/root_keys/d0c623c8e70c70d42a8a8125c44a8598588b3f6e31d5c21a83cbc338dfde8a68_root.key', 'randompass', 'ec'],
      ['notary0.3/private/root_keys/f4eaf871a74aa3b3a0ff95cef2455a1e4d461639f5625418e76756fc5c948690.key', 'password', 'ec'],
      ['notary0.3/private/tuf_keys/fa842f66cac2dc898677a8660789dcff0e3b0b93b73f8952491f6493199936d3.key', 'password', 'rsa'],
    ];
    for (const [rel, pw, type] of files) {
      const [block] = parsePemBlocks(readFileSync(join(LEGACY, rel), 'utf8'));
      expect(classifyBlock(block!).encryption).toBe('legacy-pem');
      const k = openBlock(block!, pass(pw));
      expect(k.asymmetricKeyType).toBe(type);
      expect(privateKeyId(k)).toBe(rel.match(/[0-9a-f]{64}/)![0]);
      expect(() => openBlock(block!, pass('not it'))).toThrow(expect.objectContaining({ code: 'PASSPHRASE_WRONG' }));
    }
  });
});

describe('PEM format', () => {
  it('writes headers sorted like Go (gun before role), 64-column body, and reads it back', () => {
    const der = Buffer.alloc(100, 7);
    const text = encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: 'targets', gun: 'example.com/a/b' }, der });
    expect(text.split('\n').slice(0, 4)).toEqual(['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'gun: example.com/a/b', 'role: targets', '']);
    expect(text.split('\n')[4]!.length).toBe(64);
    expect(text.endsWith('-----END ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
    const [b] = parsePemBlocks(text.replace(/\n/g, '\r\n'));
    expect(b).toEqual({ label: 'ENCRYPTED PRIVATE KEY', headers: { gun: 'example.com/a/b', role: 'targets' }, der });
    expect(
      encodePem({ label: 'X', headers: { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'x', a: 'b' }, der })
        .split('\n')
        .slice(1, 4),
    ).toEqual(['Proc-Type: 4,ENCRYPTED', 'DEK-Info: x', 'a: b']);
  });
  it('reads several blocks and none', () => {
    expect(parsePemBlocks('garbage')).toEqual([]);
    const one = encodePem({ label: 'PRIVATE KEY', headers: {}, der: Buffer.from([1, 2, 3]) });
    expect(parsePemBlocks(`text\n${one}${one}`).length).toBe(2);
  });
});
