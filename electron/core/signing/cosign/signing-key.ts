/**
 * The keys a cosign signature can be made with: a cosign key file, a TrustDesk/notary key file of the
 * trust dir, or a key on a PKCS#11 token (raw r||s from the token, DER for cosign).
 */
import { readFile } from 'node:fs/promises';
import { createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { TrustDeskError } from '../../base/errors.js';
import { KeyFileStore } from '../../keystore/key-file-store.js';
import { FileKeySigner } from '../signer.js';
import type { PassphraseProvider } from '../../keystore/passphrase-sources.js';
import type { PublicKeyJson } from '../../tuf/keys.js';
import { rawToDer } from '../ecdsa.js';
import { decryptCosignKey, isCosignKeyFile } from './key-file.js';

export interface CosignSigner {
  publicKey: KeyObject;
  /** In words, for plans and reports: "cosign key cosign.key", "notary key 1a2b3c4", "token …". */
  description: string;
  /** A DER (ECDSA) or raw (Ed25519) signature of `data` with SHA-256. */
  sign(data: Buffer, summary: string): Promise<Buffer>;
}

export function keyObjectSigner(privateKey: KeyObject, description: string): CosignSigner {
  const type = privateKey.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa' && type !== 'ed25519')
    throw new TrustDeskError('KEY_FORMAT_INVALID', `a ${String(type)} key cannot make cosign signatures`);
  return {
    publicKey: createPublicKey(privateKey),
    description,
    sign: async (data) => (type === 'ed25519' ? nodeSign(null, data, privateKey) : nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'der' })),
  };
}

/** Password for a cosign key: COSIGN_PASSWORD when set (even empty, as cosign), else the prompt. */
export async function cosignPassword(
  env: NodeJS.ProcessEnv,
  prompt: ((q: string) => Promise<string | undefined>) | undefined,
  what: string,
): Promise<Buffer> {
  if (env.COSIGN_PASSWORD !== undefined) return Buffer.from(env.COSIGN_PASSWORD, 'utf8');
  const answer = prompt ? await prompt(`Enter password for ${what}: `) : undefined;
  if (answer === undefined)
    throw new TrustDeskError('PASSPHRASE_REQUIRED', `${what} is encrypted: set COSIGN_PASSWORD, or run in a terminal to be asked`);
  return Buffer.from(answer, 'utf8');
}

export async function cosignKeyFileSigner(
  path: string,
  env: NodeJS.ProcessEnv,
  prompt?: (q: string) => Promise<string | undefined>,
): Promise<CosignSigner> {
  const text = await readFile(path, 'utf8');
  if (!isCosignKeyFile(text)) throw new TrustDeskError('KEY_FORMAT_INVALID', `${path} is not a cosign private key`);
  const pw = await cosignPassword(env, prompt, path);
  try {
    return keyObjectSigner(decryptCosignKey(text, pw), `cosign key ${path}`);
  } finally {
    pw.fill(0);
  }
}

/** A key file of the trust dir by key ID (or unique prefix), opened with notary's passphrase rules. */
export async function notaryKeySigner(
  trustDir: string,
  keyId: string,
  passphrases: { env: NodeJS.ProcessEnv; prompt?: PassphraseProvider },
): Promise<CosignSigner> {
  const { key, description } = await notaryPrivateKey(trustDir, keyId, passphrases);
  return keyObjectSigner(key, description);
}

/** Opens a key file of the trust dir (its passphrase from notary's variables or the prompt). */
export async function notaryPrivateKey(
  trustDir: string,
  keyId: string,
  passphrases: { env: NodeJS.ProcessEnv; prompt?: PassphraseProvider },
): Promise<{ key: KeyObject; description: string; keyId: string }> {
  const entry = await new KeyFileStore(trustDir).find(keyId);
  // FileKeySigner only keeps the public key it is given; it is derived from the opened key below.
  const unlocked = await new FileKeySigner(entry, {} as PublicKeyJson, passphrases).unlock();
  return { key: unlocked.privateKey, keyId: entry.keyId, description: `${entry.role ?? 'notary'} key ${entry.keyId.slice(0, 7)} (${entry.relPath})` };
}

/** A token signer (Pkcs11Signer) as a cosign signer: raw r||s → DER. */
export function tokenCosignSigner(
  token: { signRaw(message: Buffer, summary: string): Promise<Buffer>; keyId: string },
  publicKey: KeyObject,
  description: string,
): CosignSigner {
  return { publicKey, description, sign: async (data, summary) => rawToDer(await token.signRaw(data, summary)) };
}
