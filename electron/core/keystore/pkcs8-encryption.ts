/**
 * Private key encodings of notary's key files, and their encryption.
 *
 * Why the DER is built here with node:crypto and not with Node's `export({cipher})` or node-forge:
 *  - Node's encrypted PKCS#8 export always writes the hmacWithSHA256 PRF; notary's decoder ignores the
 *    PRF field and always uses HMAC-SHA1, so it cannot open such files.
 *  - node-forge could produce the PBES2 envelope with `prfAlgorithm: 'sha1'`, but it has no EC key
 *    support, so the PrivateKeyInfo inside (notary's exact form: version 1 for EC, RSA without the
 *    NULL parameter, notary's own Ed25519 OID) would still have to be built by hand; a dependency for
 *    30 lines of DER is not worth its supply-chain and bundle cost.
 * So: PBKDF2-HMAC-SHA1 (2048 iterations, 8-byte salt, 32-byte key) + AES-256-CBC from node:crypto,
 * the ASN.1 from ./der.ts, and the result checked byte-for-byte against real notary keys in tests.
 *
 * Reading accepts every form notary and docker have written: encrypted PKCS#8 (any PBKDF2 PRF that
 * OpenSSL knows, AES-128/192/256-CBC), unencrypted PKCS#8, SEC1 `EC PRIVATE KEY`, PKCS#1
 * `RSA PRIVATE KEY`, and the legacy OpenSSL PEM encryption (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`,
 * key from EVP_BytesToKey with MD5) of notary 0.1 - 0.3.
 *
 * Secrets: passphrases come in as Buffers; derived keys and decrypted DER are zero-filled here after
 * use. The returned KeyObject keeps its key in OpenSSL memory, released by the garbage collector.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  pbkdf2Sync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { keyId, publicKeyJson } from '../tuf/keys.js';
import { TAG, children, expectTag, int, intValue, octets, oid, oidToString, readOne, seq, type Tlv } from './der.js';

export const OID = {
  PBES2: '1.2.840.113549.1.5.13',
  PBKDF2: '1.2.840.113549.1.5.12',
  HMAC_SHA1: '1.2.840.113549.2.7',
  AES256_CBC: '2.16.840.1.101.3.4.1.42',
  EC_PUBLIC_KEY: '1.2.840.10045.2.1',
  PRIME256V1: '1.2.840.10045.3.1.7',
  RSA_ENCRYPTION: '1.2.840.113549.1.1.1',
  ED25519: '1.3.101.112',
  /** The Ed25519 OID notary writes (not the standard 1.3.101.112). */
  NOTARY_ED25519: '1.3.6.1.4.1.11591.15.1',
} as const;

const PRF_HASH: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
};

/** What notary writes; other iteration counts are read (notary reads the count from the file). */
export const NOTARY_ITERATIONS = 2048;
export const NOTARY_SALT_BYTES = 8;
/** A file asking for more would stall every unlock attempt (notary and OpenSSL write 2048). */
export const MAX_ITERATIONS = 1_000_000;

export type KeyAlgorithm = 'ecdsa' | 'rsa' | 'ed25519';

export interface EncryptionInfo {
  iterations: number;
  prf: string;
  cipher: string;
  /** Notary can open it: PBES2 + PBKDF2 with HMAC-SHA1 (absent PRF) + AES-256-CBC. */
  notaryCompatible: boolean;
}

function wrongPassphrase(): TrustDeskError {
  return new TrustDeskError('PASSPHRASE_WRONG', 'wrong passphrase: the key cannot be decrypted with it');
}

function formatError(detail: string): TrustDeskError {
  return new TrustDeskError('KEY_FORMAT_INVALID', detail);
}

// --- PrivateKeyInfo in notary's form ---

/** The algorithm of a private key, or KEY_FORMAT_INVALID for what notary cannot use. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve !== 'prime256v1' && curve !== 'P-256') {
        throw formatError(`unsupported EC curve ${curve ?? 'unknown'}: notary and docker use ECDSA P-256 keys`);
      }
      return 'ecdsa';
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 2048) throw formatError(`RSA key of ${bits} bits is too small (notary needs at least 2048)`);
      return 'rsa';
    }
    case 'ed25519':
      return 'ed25519';
    default:
      throw formatError(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: use ECDSA P-256, RSA or Ed25519`);
  }
}

/** Notary's canonical key ID of a private key: the ID of its bare public key. */
export function privateKeyId(key: KeyObject): string {
  return keyId(publicKeyJson(createPublicKey(key)));
}

/** The PKCS#8 PrivateKeyInfo exactly as notary writes it (`tuf/utils/pkcs8.go`). Caller clears it. */
export function notaryPrivateKeyInfo(key: KeyObject): Buffer {
  switch (keyAlgorithm(key)) {
    case 'ecdsa': {
      const sec1 = key.export({ format: 'der', type: 'sec1' });
      const out = seq(int(1), seq(oid(OID.EC_PUBLIC_KEY), oid(OID.PRIME256V1)), octets(sec1));
      sec1.fill(0);
      return out;
    }
    case 'rsa': {
      const pkcs1 = key.export({ format: 'der', type: 'pkcs1' });
      const out = seq(int(0), seq(oid(OID.RSA_ENCRYPTION)), octets(pkcs1));
      pkcs1.fill(0);
      return out;
    }
    case 'ed25519': {
      const jwk = key.export({ format: 'jwk' });
      const seedAndPub = Buffer.concat([Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')]);
      const out = seq(int(0), seq(oid(OID.NOTARY_ED25519)), octets(seedAndPub));
      seedAndPub.fill(0);
      return out;
    }
  }
}

function importDer(der: Buffer, type: 'pkcs8' | 'sec1' | 'pkcs1'): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type });
}

/** Parses a PrivateKeyInfo (notary's or standard forms) into a key. */
export function parsePrivateKeyInfo(der: Buffer): KeyObject {
  let top: Tlv[];
  let algo: string;
  let inner: Buffer;
  try {
    top = children(readOne(der, TAG.SEQUENCE));
    intValue(top[0], 'PrivateKeyInfo version');
    algo = oidToString(children(expectTag(top[1], TAG.SEQUENCE, 'PrivateKeyInfo algorithm'))[0], 'PrivateKeyInfo algorithm');
    inner = expectTag(top[2], TAG.OCTET_STRING, 'PrivateKeyInfo key').value;
  } catch (err) {
    throw formatError(`not a PKCS#8 private key: ${(err as Error).message}`);
  }
  try {
    switch (algo) {
      case OID.EC_PUBLIC_KEY:
        try {
          return importDer(der, 'pkcs8');
        } catch {
          return importDer(inner, 'sec1');
        }
      case OID.RSA_ENCRYPTION:
        return importDer(inner, 'pkcs1');
      case OID.ED25519:
        return importDer(der, 'pkcs8');
      case OID.NOTARY_ED25519: {
        // notary: the raw 64-byte seed ‖ public key; standard Ed25519 PKCS#8 wraps the 32-byte seed.
        const raw = inner.length === 64 ? inner : inner[0] === TAG.OCTET_STRING ? readOne(inner, TAG.OCTET_STRING).value : inner;
        if (raw.length !== 64 && raw.length !== 32) throw new Error(`Ed25519 key of ${raw.length} bytes`);
        const std = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(0, 32)]);
        try {
          return importDer(std, 'pkcs8');
        } finally {
          std.fill(0);
        }
      }
      default:
        throw new Error(`key algorithm ${algo} is not supported`);
    }
  } catch (err) {
    if (err instanceof TrustDeskError) throw err;
    throw formatError(`private key cannot be read: ${(err as Error).message}`);
  }
}

// --- PBES2 ---

/** Encrypts a PrivateKeyInfo as notary does: PBES2, PBKDF2-HMAC-SHA1 (no PRF field), AES-256-CBC. */
export function encryptPrivateKeyInfo(info: Buffer, passphrase: Buffer, opts: { salt?: Buffer; iv?: Buffer; iterations?: number } = {}): Buffer {
  const salt = opts.salt ?? randomBytes(NOTARY_SALT_BYTES);
  const iv = opts.iv ?? randomBytes(16);
  const iterations = opts.iterations ?? NOTARY_ITERATIONS;
  const key = pbkdf2Sync(passphrase, salt, iterations, 32, 'sha1');
  try {
    const c = createCipheriv('aes-256-cbc', key, iv);
    const encrypted = Buffer.concat([c.update(info), c.final()]);
    const params = seq(oid(OID.PBES2), seq(seq(oid(OID.PBKDF2), seq(octets(salt), int(iterations))), seq(oid(OID.AES256_CBC), octets(iv))));
    return seq(params, octets(encrypted));
  } finally {
    key.fill(0);
  }
}

interface Pbes2Params {
  salt: Buffer;
  iterations: number;
  keyLength?: number;
  prfOid: string;
  cipherOid: string;
  iv: Buffer;
  encrypted: Buffer;
}

function parseEncrypted(der: Buffer): Pbes2Params {
  const top = children(readOne(der, TAG.SEQUENCE));
  const alg = children(expectTag(top[0], TAG.SEQUENCE, 'encryptionAlgorithm'));
  const scheme = oidToString(alg[0], 'encryption scheme');
  if (scheme !== OID.PBES2) throw formatError(`encrypted key uses scheme ${scheme}; only PBES2 is supported (as in notary)`);
  const [kdf, enc] = children(expectTag(alg[1], TAG.SEQUENCE, 'PBES2 parameters'));
  const kdfParts = children(expectTag(kdf, TAG.SEQUENCE, 'key derivation'));
  const kdfOid = oidToString(kdfParts[0], 'key derivation');
  if (kdfOid !== OID.PBKDF2) throw formatError(`encrypted key uses key derivation ${kdfOid}; only PBKDF2 is supported`);
  const p = children(expectTag(kdfParts[1], TAG.SEQUENCE, 'PBKDF2 parameters'));
  const salt = expectTag(p[0], TAG.OCTET_STRING, 'PBKDF2 salt').value;
  const iterations = intValue(p[1], 'PBKDF2 iterations');
  let i = 2;
  let keyLength: number | undefined;
  if (p[i]?.tag === TAG.INTEGER) keyLength = intValue(p[i++], 'PBKDF2 key length');
  const prfOid = p[i] ? oidToString(children(expectTag(p[i], TAG.SEQUENCE, 'PBKDF2 PRF'))[0], 'PBKDF2 PRF') : OID.HMAC_SHA1;
  const encParts = children(expectTag(enc, TAG.SEQUENCE, 'encryption scheme'));
  const cipherOid = oidToString(encParts[0], 'cipher');
  const iv = expectTag(encParts[1], TAG.OCTET_STRING, 'cipher IV').value;
  const encrypted = expectTag(top[1], TAG.OCTET_STRING, 'encryptedData').value;
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw formatError(`PBKDF2 iteration count ${iterations} is out of range (1..${MAX_ITERATIONS})`);
  return { salt, iterations, keyLength, prfOid, cipherOid, iv, encrypted };
}

/** How an EncryptedPrivateKeyInfo is encrypted (no passphrase needed). */
export function encryptionInfo(der: Buffer): EncryptionInfo {
  const p = parseEncrypted(der);
  const prf = PRF_HASH[p.prfOid] ? `hmacWith${PRF_HASH[p.prfOid]!.toUpperCase()}` : p.prfOid;
  const cipher = CIPHERS[p.cipherOid]?.name ?? p.cipherOid;
  return { iterations: p.iterations, prf, cipher, notaryCompatible: p.prfOid === OID.HMAC_SHA1 && p.cipherOid === OID.AES256_CBC };
}

/** Decrypts an EncryptedPrivateKeyInfo to its PrivateKeyInfo (caller clears it). */
export function decryptPrivateKeyInfo(der: Buffer, passphrase: Buffer): Buffer {
  const p = parseEncrypted(der);
  const hash = PRF_HASH[p.prfOid];
  if (!hash) throw formatError(`encrypted key uses PRF ${p.prfOid}, which is not supported`);
  const cipher = CIPHERS[p.cipherOid];
  if (!cipher) throw formatError(`encrypted key uses cipher ${p.cipherOid}; supported are AES-128/192/256-CBC`);
  if (p.iv.length !== 16) throw formatError('encrypted key has an IV that is not 16 bytes');
  return decryptToDer(cipher.name, pbkdf2Sync(passphrase, p.salt, p.iterations, p.keyLength ?? cipher.keyLength, hash), p.iv, p.encrypted);
}

/**
 * CBC-decrypts a private key to its DER and wipes the key. A wrong passphrase shows as bad padding,
 * or (padding can be valid by chance) as bytes that are not a DER sequence: both are PASSPHRASE_WRONG.
 */
function decryptToDer(cipherName: string, key: Buffer, iv: Buffer, encrypted: Buffer): Buffer {
  try {
    const d = createDecipheriv(cipherName, key, iv);
    let out: Buffer;
    try {
      out = Buffer.concat([d.update(encrypted), d.final()]);
    } catch {
      throw wrongPassphrase();
    }
    try {
      readOne(out, TAG.SEQUENCE);
    } catch {
      out.fill(0);
      throw wrongPassphrase();
    }
    return out;
  } finally {
    key.fill(0);
  }
}

// --- legacy OpenSSL PEM encryption (notary 0.1 - 0.3) ---

const LEGACY_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  'AES-128-CBC': { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  'AES-192-CBC': { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  'AES-256-CBC': { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  'DES-EDE3-CBC': { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration (the key of legacy encrypted PEM). */
function evpBytesToKey(passphrase: Buffer, salt: Buffer, length: number): Buffer {
  const parts: Buffer[] = [];
  let prev = Buffer.alloc(0);
  let total = 0;
  while (total < length) {
    prev = createHash('md5')
      .update(Buffer.concat([prev, passphrase, salt]))
      .digest();
    parts.push(prev);
    total += prev.length;
  }
  const all = Buffer.concat(parts);
  const out = Buffer.from(all.subarray(0, length));
  all.fill(0);
  for (const p of parts) p.fill(0);
  return out;
}

/** Decrypts the body of a `Proc-Type: 4,ENCRYPTED` block to its DER (SEC1 or PKCS#1). */
export function decryptLegacyPem(headers: Record<string, string>, body: Buffer, passphrase: Buffer): Buffer {
  const dek = headers['DEK-Info'] ?? '';
  const [algName, ivHex] = dek.split(',');
  const alg = LEGACY_CIPHERS[(algName ?? '').trim().toUpperCase()];
  if (!alg) throw formatError(`legacy PEM encryption "${algName}" is not supported`);
  const iv = Buffer.from((ivHex ?? '').trim(), 'hex');
  if (iv.length !== alg.ivLength) throw formatError('legacy PEM DEK-Info has an invalid IV');
  return decryptToDer(alg.name, evpBytesToKey(passphrase, iv.subarray(0, 8), alg.keyLength), iv, body);
}

/** Imports an unencrypted key from its DER and PEM label. */
export function parsePlainKey(label: string, der: Buffer): KeyObject {
  try {
    switch (label) {
      case 'PRIVATE KEY':
        return parsePrivateKeyInfo(der);
      case 'EC PRIVATE KEY':
        return importDer(der, 'sec1');
      case 'RSA PRIVATE KEY':
        return importDer(der, 'pkcs1');
      default:
        throw formatError(`PEM block "${label}" is not a private key`);
    }
  } catch (err) {
    if (err instanceof TrustDeskError) throw err;
    throw formatError(`${label} cannot be read: ${(err as Error).message}`);
  }
}

// --- whole key blocks (PEM label + headers + body) ---

export type BlockEncryption = 'pkcs8-pbes2' | 'legacy-pem' | 'none';

export interface BlockInfo {
  encryption: BlockEncryption;
  /** For PBES2 blocks. */
  pbes2?: EncryptionInfo;
  /** Algorithm when the label tells it (legacy and unencrypted blocks). */
  algorithmHint?: KeyAlgorithm;
}

export const PRIVATE_KEY_LABELS = ['ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'] as const;

/** What kind of private key block this is, without a passphrase. KEY_FORMAT_INVALID if none. */
export function classifyBlock(block: { label: string; headers: Record<string, string>; der: Buffer }): BlockInfo {
  const hint: KeyAlgorithm | undefined = block.label === 'EC PRIVATE KEY' ? 'ecdsa' : block.label === 'RSA PRIVATE KEY' ? 'rsa' : undefined;
  if (block.label === 'ENCRYPTED PRIVATE KEY') return { encryption: 'pkcs8-pbes2', pbes2: encryptionInfo(block.der) };
  if (block.label === 'EC PRIVATE KEY' || block.label === 'RSA PRIVATE KEY' || block.label === 'PRIVATE KEY') {
    const legacy = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
    return { encryption: legacy ? 'legacy-pem' : 'none', ...(hint ? { algorithmHint: hint } : {}) };
  }
  if (block.label === 'PUBLIC KEY' || block.label === 'CERTIFICATE') {
    throw formatError(`this is a ${block.label.toLowerCase()}, not a private key`);
  }
  throw formatError(`PEM block "${block.label}" is not a private key`);
}

/**
 * Opens a private key block. Encrypted blocks need the passphrase; a wrong one is PASSPHRASE_WRONG,
 * also when it happens to give valid padding (the key then fails to parse).
 */
export function openBlock(block: { label: string; headers: Record<string, string>; der: Buffer }, passphrase?: Buffer): KeyObject {
  const info = classifyBlock(block);
  if (info.encryption === 'none') return parsePlainKey(block.label, block.der);
  if (!passphrase) throw new TrustDeskError('PASSPHRASE_REQUIRED', 'the key is encrypted and no passphrase was given');
  const plain =
    info.encryption === 'legacy-pem' ? decryptLegacyPem(block.headers, block.der, passphrase) : decryptPrivateKeyInfo(block.der, passphrase);
  try {
    return info.encryption === 'legacy-pem' ? parsePlainKey(block.label, plain) : parsePrivateKeyInfo(plain);
  } catch (err) {
    if ((err as TrustDeskError).code === 'KEY_FORMAT_INVALID') throw wrongPassphrase();
    throw err;
  } finally {
    plain.fill(0);
  }
}

/** The encrypted DER of a key in notary's form (caller puts it in a PEM block). */
export function encryptKey(key: KeyObject, passphrase: Buffer): Buffer {
  const info = notaryPrivateKeyInfo(key);
  try {
    return encryptPrivateKeyInfo(info, passphrase);
  } finally {
    info.fill(0);
  }
}
