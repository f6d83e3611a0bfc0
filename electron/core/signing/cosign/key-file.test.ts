import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, createPublicKey, sign, verify } from 'node:crypto';
import { COSIGN_LABEL, SIGSTORE_LABEL, cosignPublicKeyPem, decryptCosignKey, encryptCosignKey, isCosignKeyFile } from './key-file.js';
import { isTrustDeskError } from '../../base/errors.js';

describe('cosign key files', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pw = Buffer.from('correct horse');
  const text = encryptCosignKey(privateKey, pw);

  it('round trip: scrypt N=32768 r=8 p=1, nacl/secretbox, PKCS#8 inside, the current label', () => {
    expect(text.startsWith(`-----BEGIN ${SIGSTORE_LABEL}-----\n`)).toBe(true);
    const body = JSON.parse(Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').toString());
    expect(body.kdf).toMatchObject({ name: 'scrypt', params: { N: 32768, r: 8, p: 1 } });
    expect(Buffer.from(body.kdf.salt, 'base64')).toHaveLength(32);
    expect(body.cipher.name).toBe('nacl/secretbox');
    expect(Buffer.from(body.cipher.nonce, 'base64')).toHaveLength(24);
    const k = decryptCosignKey(text, pw);
    const sig = sign('sha256', Buffer.from('x'), k);
    expect(verify('sha256', Buffer.from('x'), createPublicKey(privateKey), sig)).toBe(true);
    expect(isCosignKeyFile(text)).toBe(true);
  });
  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label', () => {
    const old = text.replaceAll(SIGSTORE_LABEL, COSIGN_LABEL);
    expect(cosignPublicKeyPem(decryptCosignKey(old, pw))).toBe(cosignPublicKeyPem(privateKey));
  });
  it('wrong password: PASSPHRASE_WRONG; not a cosign key: KEY_FORMAT_INVALID', () => {
    expect(() => decryptCosignKey(text, Buffer.from('nope'))).toThrow(expect.objectContaining({ code: 'PASSPHRASE_WRONG' }));
    try {
      decryptCosignKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pw);
      expect.unreachable();
    } catch (err) {
      expect(isTrustDeskError(err, 'KEY_FORMAT_INVALID')).toBe(true);
    }
  });
  it('an empty password works, as with cosign (COSIGN_PASSWORD="")', () => {
    const t = encryptCosignKey(privateKey, Buffer.alloc(0));
    expect(cosignPublicKeyPem(decryptCosignKey(t, Buffer.alloc(0)))).toBe(cosignPublicKeyPem(privateKey));
  });
});
