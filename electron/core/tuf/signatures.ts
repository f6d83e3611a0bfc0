/**
 * Signature methods Notary uses (notary `tuf/signed/verifiers.go`):
 * - `ecdsa`: SHA-256 of the message, signature = raw r||s each padded to the curve size (64 bytes for
 *   P-256), base64. Not DER.
 * - `eddsa`: Ed25519 over the message, 64 bytes.
 * - `rsapss`: RSASSA-PSS with SHA-256 and a 32-byte salt; `rsapkcs1v15` accepted when verifying.
 * node-forge has no ECDSA, so Node's own crypto does all of this.
 */
import { sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toKeyObject, type PublicKeyJson } from './keys.js';

export type SignatureMethod = 'ecdsa' | 'eddsa' | 'rsapss' | 'rsapkcs1v15';

const EC_SIGNATURE_BYTES: Record<string, number> = { prime256v1: 64, secp384r1: 96, secp521r1: 132 };

/** Which methods a key type may be verified with. */
function methodFits(method: string, keytype: string): boolean {
  switch (method) {
    case 'ecdsa':
      return keytype === 'ecdsa' || keytype === 'ecdsa-x509';
    case 'eddsa':
      return keytype === 'ed25519';
    case 'rsapss':
    case 'rsapkcs1v15':
    case 'pycrypto-pkcs#1 pss':
      return keytype === 'rsa' || keytype === 'rsa-x509';
    default:
      return false;
  }
}

/** Checks one signature over `message`; false for a wrong method, length or signature. Never throws. */
export function verifySignature(key: PublicKeyJson, method: string, message: Buffer, sigB64: string): boolean {
  const m = method.toLowerCase();
  if (!methodFits(m, key.keytype)) return false;
  const sig = Buffer.from(sigB64, 'base64');
  let pub: KeyObject;
  try {
    pub = toKeyObject(key);
  } catch {
    return false;
  }
  try {
    switch (m) {
      case 'ecdsa': {
        const curve = pub.asymmetricKeyDetails?.namedCurve ?? '';
        if (sig.length !== EC_SIGNATURE_BYTES[curve]) return false;
        return nodeVerify('sha256', message, { key: pub, dsaEncoding: 'ieee-p1363' }, sig);
      }
      case 'eddsa':
        return sig.length === 64 && nodeVerify(null, message, pub, sig);
      case 'rsapss':
      case 'pycrypto-pkcs#1 pss':
        return nodeVerify('sha256', message, { key: pub, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }, sig);
      case 'rsapkcs1v15':
        return nodeVerify('sha256', message, { key: pub, padding: 1 /* RSA_PKCS1_PADDING */ }, sig);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Signs `message` with a private key the way Notary does; returns the method and base64 signature. */
export function signMessage(privateKey: KeyObject, message: Buffer): { method: SignatureMethod; sig: string } {
  switch (privateKey.asymmetricKeyType) {
    case 'ec':
      return { method: 'ecdsa', sig: nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64') };
    case 'ed25519':
      return { method: 'eddsa', sig: nodeSign(null, message, privateKey).toString('base64') };
    case 'rsa':
      return {
        method: 'rsapss',
        sig: nodeSign('sha256', message, { key: privateKey, padding: 6, saltLength: 32 }).toString('base64'),
      };
    default:
      throw new Error(`cannot sign with a ${privateKey.asymmetricKeyType} key`);
  }
}
