/**
 * cosign's encrypted private key files: PEM `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign ≥ 2.x; the older
 * `ENCRYPTED COSIGN PRIVATE KEY` is read too) whose body is JSON: scrypt (N=32768, r=8, p=1, 32-byte
 * salt) derives a 32-byte key, NaCl secretbox (XSalsa20-Poly1305, 24-byte nonce) encrypts the PKCS#8
 * DER of the private key. The public key is a PEM `PUBLIC KEY` (cosign.pub).
 */
import { createPrivateKey, createPublicKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { TrustDeskError } from '../../base/errors.js';

export const SIGSTORE_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
const SCRYPT = { N: 32768, r: 8, p: 1 };
const MAX_N = 1 << 20;

function pemBody(text: string): { label: string; der: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  return { label: m[1]!, der: Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64') };
}

function pem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function isCosignKeyFile(text: string): boolean {
  const b = pemBody(text);
  return b !== undefined && (b.label === SIGSTORE_LABEL || b.label === COSIGN_LABEL);
}

function scryptKey(password: Buffer, salt: Buffer, N: number, r: number, p: number): Buffer {
  return scryptSync(password, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

/** Decrypts a cosign key file. PASSPHRASE_WRONG when the box does not open; KEY_FORMAT_INVALID otherwise. */
export function decryptCosignKey(text: string, password: Buffer): KeyObject {
  const b = pemBody(text);
  if (!b || (b.label !== SIGSTORE_LABEL && b.label !== COSIGN_LABEL)) {
    throw new TrustDeskError('KEY_FORMAT_INVALID', `not a cosign private key (PEM ${SIGSTORE_LABEL} or ${COSIGN_LABEL})`);
  }
  let j: {
    kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string };
    cipher?: { name?: string; nonce?: string };
    ciphertext?: string;
  };
  try {
    j = JSON.parse(b.der.toString('utf8'));
  } catch {
    throw new TrustDeskError('KEY_FORMAT_INVALID', 'the cosign key body is not JSON');
  }
  const { kdf, cipher } = j;
  const N = kdf?.params?.N;
  const r = kdf?.params?.r;
  const p = kdf?.params?.p;
  if (
    kdf?.name !== 'scrypt' ||
    typeof N !== 'number' ||
    typeof r !== 'number' ||
    typeof p !== 'number' ||
    N > MAX_N ||
    N < 2 ||
    (N & (N - 1)) !== 0 ||
    r < 1 ||
    r > 32 ||
    p < 1 ||
    p > 16
  ) {
    throw new TrustDeskError('KEY_FORMAT_INVALID', 'the cosign key uses an unsupported key derivation (expected scrypt)');
  }
  if (cipher?.name !== 'nacl/secretbox' || typeof cipher.nonce !== 'string' || typeof j.ciphertext !== 'string' || typeof kdf.salt !== 'string') {
    throw new TrustDeskError('KEY_FORMAT_INVALID', 'the cosign key uses an unsupported cipher (expected nacl/secretbox)');
  }
  const nonce = Buffer.from(cipher.nonce, 'base64');
  if (nonce.length !== nacl.secretbox.nonceLength) throw new TrustDeskError('KEY_FORMAT_INVALID', 'the cosign key has a nonce of the wrong length');
  const key = scryptKey(password, Buffer.from(kdf.salt, 'base64'), N, r, p);
  const plain = nacl.secretbox.open(new Uint8Array(Buffer.from(j.ciphertext, 'base64')), new Uint8Array(nonce), new Uint8Array(key));
  key.fill(0);
  if (!plain) throw new TrustDeskError('PASSPHRASE_WRONG', 'wrong password for the cosign key (COSIGN_PASSWORD or the prompt)');
  try {
    return createPrivateKey({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new TrustDeskError('KEY_FORMAT_INVALID', `the cosign key does not hold a PKCS#8 private key: ${(err as Error).message}`, { cause: err });
  } finally {
    plain.fill(0);
  }
}

/** Encrypts a private key in cosign's format (label ENCRYPTED SIGSTORE PRIVATE KEY). */
export function encryptCosignKey(privateKey: KeyObject, password: Buffer): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = scryptKey(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const box = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), new Uint8Array(key));
  key.fill(0);
  der.fill(0);
  const body = {
    kdf: { name: 'scrypt', params: SCRYPT, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  };
  return pem(SIGSTORE_LABEL, Buffer.from(JSON.stringify(body)));
}

/** cosign.pub for a private or public key. */
export function cosignPublicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}
