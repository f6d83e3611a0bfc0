/**
 * Public keys in Notary metadata: the key object, its key ID, and its conversion to a Node KeyObject.
 *
 * Key types (notary `tuf/data/keys.go`): `ecdsa` and `rsa` carry a DER SubjectPublicKeyInfo,
 * `ed25519` the raw 32-byte key, `ecdsa-x509` and `rsa-x509` the PEM text of a certificate.
 * A key ID is the hex SHA-256 of the canonical JSON of {keytype, keyval: {private: null, public}}.
 * Root keys are certificate-wrapped, so one private root key has two IDs: the certificate's (in
 * root.json and `docker trust inspect`) and the bare key's (the key file name, `notary key list`).
 */
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical-json.js';
import { TrustDeskError } from '../base/errors.js';

export const KEY_TYPES = ['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface PublicKeyJson {
  keytype: string;
  keyval: { public: string; private?: string | null };
}

const KEY_OBJECT_CACHE_MAX = 4096;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function isKeyType(t: string): t is KeyType {
  return (KEY_TYPES as readonly string[]).includes(t);
}

/** The key ID Notary computes for a public key object. */
export function keyId(key: PublicKeyJson): string {
  const canonical = canonicalBytes({ keytype: key.keytype, keyval: { private: null, public: key.keyval.public } });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Splits a PEM bundle into its CERTIFICATE blocks, in order. */
export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Parses the certificates of an x509 key (leaf first, then intermediates). */
const certificateCache = new Map<string, X509Certificate[]>();

export function keyCertificates(key: PublicKeyJson): X509Certificate[] {
  const cached = certificateCache.get(key.keyval.public);
  if (cached) return cached;
  const certs = parseKeyCertificates(key);
  if (certificateCache.size >= KEY_OBJECT_CACHE_MAX) certificateCache.clear();
  certificateCache.set(key.keyval.public, certs);
  return certs;
}

function parseKeyCertificates(key: PublicKeyJson): X509Certificate[] {
  const pem = Buffer.from(key.keyval.public, 'base64').toString('utf8');
  const blocks = pemCertificates(pem);
  if (blocks.length === 0) {
    throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', `${key.keytype} key does not hold a PEM certificate`);
  }
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch (err) {
    throw new TrustDeskError('ROOT_CERTIFICATE_INVALID', `certificate cannot be parsed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Parsed keys by type and public value: a repository's keys are checked many times per update. */
const keyObjects = new Map<string, KeyObject>();

/** Converts a metadata key into a Node public KeyObject for verification. */
export function toKeyObject(key: PublicKeyJson): KeyObject {
  const cacheKey = `${key.keytype}\0${key.keyval.public}`;
  let obj = keyObjects.get(cacheKey);
  if (!obj) {
    obj = parseKeyObject(key);
    if (keyObjects.size >= KEY_OBJECT_CACHE_MAX) keyObjects.clear();
    keyObjects.set(cacheKey, obj);
  }
  return obj;
}

function parseKeyObject(key: PublicKeyJson): KeyObject {
  const der = Buffer.from(key.keyval.public ?? '', 'base64');
  try {
    switch (key.keytype) {
      case 'ecdsa':
      case 'rsa':
        return createPublicKey({ key: der, format: 'der', type: 'spki' });
      case 'ed25519':
        if (der.length !== 32) throw new Error(`ed25519 public key must be 32 bytes, got ${der.length}`);
        return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' });
      case 'ecdsa-x509':
      case 'rsa-x509':
        return keyCertificates(key)[0]!.publicKey;
      default:
        throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', `unsupported key type "${key.keytype}"`);
    }
  } catch (err) {
    if (err instanceof TrustDeskError) throw err;
    throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', `${key.keytype} public key cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The bare (non-certificate) form of a key: for x509 keys, the certificate's public key as SPKI. */
export function bareKey(key: PublicKeyJson): PublicKeyJson {
  if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') return key;
  const spki = toKeyObject(key).export({ format: 'der', type: 'spki' });
  return { keytype: key.keytype === 'ecdsa-x509' ? 'ecdsa' : 'rsa', keyval: { private: null, public: spki.toString('base64') } };
}

/**
 * The canonical key ID of a key: for certificate-wrapped keys, the ID of the bare public key, which is
 * what key files are named after and what daemon.json trust pinning lists.
 */
export function canonicalKeyId(key: PublicKeyJson): string {
  return keyId(bareKey(key));
}

/** canonicalKeyId, or undefined for a key that cannot be read (never throws). */
export function tryCanonicalKeyId(key: PublicKeyJson): string | undefined {
  try {
    return canonicalKeyId(key);
  } catch {
    return undefined;
  }
}

/** Makes a metadata key object from a Node public key (ecdsa, rsa or ed25519). */
export function publicKeyJson(pub: KeyObject): PublicKeyJson {
  const spki = pub.export({ format: 'der', type: 'spki' });
  switch (pub.asymmetricKeyType) {
    case 'ec':
      return { keytype: 'ecdsa', keyval: { private: null, public: spki.toString('base64') } };
    case 'rsa':
      return { keytype: 'rsa', keyval: { private: null, public: spki.toString('base64') } };
    case 'ed25519':
      return { keytype: 'ed25519', keyval: { private: null, public: spki.subarray(ED25519_SPKI_PREFIX.length).toString('base64') } };
    default:
      throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', `unsupported key type ${pub.asymmetricKeyType}`);
  }
}

/** Makes an x509 metadata key object from a certificate PEM (kept with its trailing newline). */
export function certificateKeyJson(certPem: string, keytype: 'ecdsa-x509' | 'rsa-x509' = 'ecdsa-x509'): PublicKeyJson {
  const pem = certPem.endsWith('\n') ? certPem : `${certPem}\n`;
  return { keytype, keyval: { private: null, public: Buffer.from(pem, 'utf8').toString('base64') } };
}
