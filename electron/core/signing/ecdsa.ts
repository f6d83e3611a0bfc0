/** ECDSA helpers for cosign: public keys from PEM, DER <-> raw r||s, verification of DER signatures. */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { parsePemBlocks } from '../keystore/pem-format.js';

/**
 * A public key from a PEM `PUBLIC KEY` (or a certificate); KEY_FORMAT_INVALID otherwise. A block with
 * notary's headers (`role: alice`, as `docker trust key generate` writes the .pub) is read too: OpenSSL
 * refuses headers other than Proc-Type, so the body is decoded here.
 */
export function publicKeyFromPem(pem: string): KeyObject {
  try {
    const block = parsePemBlocks(pem).find((b) => b.label === 'PUBLIC KEY' && Object.keys(b.headers).length > 0);
    const k = block ? createPublicKey({ key: block.der, format: 'der', type: 'spki' }) : createPublicKey(pem);
    if (k.type !== 'public') throw new Error('not a public key');
    return k;
  } catch (err) {
    throw new TrustDeskError('KEY_FORMAT_INVALID', `not a PEM public key: ${(err as Error).message}`, { cause: err });
  }
}

export function publicKeyPem(k: KeyObject): string {
  return k.export({ type: 'spki', format: 'pem' }).toString();
}

function derInt(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** Raw r||s (PKCS#11 CKM_ECDSA, notary's `ecdsa`) → ASN.1 DER `SEQUENCE { r, s }` (cosign's form). */
export function rawToDer(rs: Buffer): Buffer {
  if (rs.length === 0 || rs.length % 2 !== 0 || rs.length > 132)
    throw new TrustDeskError('SIGNATURE_INVALID', `raw ECDSA signature of ${rs.length} bytes`);
  const half = rs.length / 2;
  const body = Buffer.concat([derInt(rs.subarray(0, half)), derInt(rs.subarray(half))]);
  if (body.length < 128) return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  return Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]);
}

/** True when `sig` (DER) is a valid ECDSA/SHA-256 (or RSA / Ed25519) signature of `data` by `key`. */
export function verifyDer(key: KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    const type = key.asymmetricKeyType;
    if (type === 'ed25519') return nodeVerify(null, data, key, sig);
    return nodeVerify('sha256', data, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

/** Strict base64 (whitespace and newlines allowed, as in cosign's annotations); undefined when not base64. */
export function decodeBase64(s: string): Buffer | undefined {
  const clean = s.replace(/\s+/g, '');
  if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return undefined;
  return Buffer.from(clean, 'base64');
}
