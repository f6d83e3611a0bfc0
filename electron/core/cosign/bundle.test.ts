import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { checkBundle, makeBundle, pae } from './bundle.js';
import { makePayload } from './simple-signing.js';
import { sigstoreVerifyBundle, sigstoreVerifyClassic } from '../../../tests/support/sigstore-verify.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const D = `sha256:${'c'.repeat(64)}`;
const signDer = async (d: Buffer) => sign('sha256', d, privateKey);

describe('Sigstore bundles (DSSE) and classic signatures, checked by @sigstore/verify', () => {
  it('DSSE PAE as specified', () => {
    expect(pae('t', Buffer.from('ab')).toString()).toBe('DSSEv1 1 t 2 ab');
  });
  it('a bundle we make verifies with ours and with @sigstore/verify; wrong key and other digest fail', async () => {
    const b = await makeBundle('127.0.0.1:5000/r/app', D, publicKey, signDer);
    expect(checkBundle(b, publicKey, D).verdict).toBe('valid');
    expect(checkBundle(b, other, D).verdict).toBe('invalid-signature');
    expect(checkBundle(b, publicKey, `sha256:${'d'.repeat(64)}`).verdict).toBe('digest-mismatch');
    expect(() => sigstoreVerifyBundle(JSON.parse(b.toString()), publicKey)).not.toThrow();
    expect(() => sigstoreVerifyBundle(JSON.parse(b.toString()), other)).toThrow();
  });
  it('a classic signature we make verifies with @sigstore/verify; a truncated one does not', () => {
    const payload = makePayload('127.0.0.1:5000/r/app:v1', D);
    const sig = sign('sha256', payload, privateKey).toString('base64');
    expect(() => sigstoreVerifyClassic(payload, sig, publicKey)).not.toThrow();
    expect(() => sigstoreVerifyClassic(payload, sig, other)).toThrow();
    expect(() => sigstoreVerifyClassic(payload, Buffer.from(sig, 'base64').subarray(0, 40).toString('base64'), publicKey)).toThrow();
  });
});
