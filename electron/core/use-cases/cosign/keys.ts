/**
 * `trustdesk cosign key generate|import|export`: cosign key files (cosign's encrypted format) to and
 * from the trust dir's notary key files. Passwords of cosign keys: COSIGN_PASSWORD (even empty, as
 * cosign), else `ctx.secrets.cosignPassword`; notary passphrases as for the key use cases. Results
 * hold paths and key IDs only: no key bytes, no password.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustDeskError } from '../../base/errors.js';
import type { TrustContext } from '../../session/context.js';
import { cosignPublicKeyPem, decryptCosignKey, encryptCosignKey } from '../../signing/cosign/key-file.js';
import { cosignPassword, notaryPrivateKey } from '../../signing/cosign/signing-key.js';
import { importKeys, type KeyWriteResult } from '../keys/keys.js';
import { cosignKeyContext } from './key-context.js';

export interface CosignKeyFiles {
  privateKeyFile: string;
  publicKeyFile: string;
}

/** `PREFIX.key` and `PREFIX.pub`. */
export function cosignKeyFiles(prefix: string): CosignKeyFiles {
  return { privateKeyFile: `${prefix}.key`, publicKeyFile: `${prefix}.pub` };
}

/** Which of `PREFIX.key`, `PREFIX.pub` exist already (neither is ever overwritten). */
export async function existingCosignKeyFiles(prefix: string): Promise<string[]> {
  const f = cosignKeyFiles(prefix);
  const taken: string[] = [];
  for (const p of [f.privateKeyFile, f.publicKeyFile])
    if (
      await stat(p).then(
        () => true,
        () => false,
      )
    )
      taken.push(p);
  return taken;
}

async function newCosignPassword(ctx: TrustContext, what: string): Promise<Buffer> {
  if (ctx.env.COSIGN_PASSWORD !== undefined) return Buffer.from(ctx.env.COSIGN_PASSWORD, 'utf8');
  const answer = await ctx.secrets.cosignPassword?.({ purpose: 'new', what });
  if (answer === undefined)
    throw new TrustDeskError('PASSPHRASE_REQUIRED', `a password for ${what} is needed: set COSIGN_PASSWORD, or run in a terminal`);
  return Buffer.from(answer, 'utf8');
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { mode, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TrustDeskError('KEY_EXISTS', `${path} exists; not overwriting it`);
    throw err;
  }
}

/** Writes `PREFIX.key` (encrypted with a new password) and `PREFIX.pub`; both are checked to be new before anything is asked. */
async function writeKeyPair(ctx: TrustContext, key: KeyObject, prefix: string): Promise<CosignKeyFiles> {
  const files = cosignKeyFiles(prefix);
  const taken = await existingCosignKeyFiles(prefix);
  if (taken.length > 0) throw new TrustDeskError('KEY_EXISTS', `${taken[0]} exists; not overwriting it`);
  const pw = await newCosignPassword(ctx, files.privateKeyFile);
  try {
    await writeNew(files.privateKeyFile, encryptCosignKey(key, pw), 0o600);
  } finally {
    pw.fill(0);
  }
  await writeNew(files.publicKeyFile, cosignPublicKeyPem(key), 0o644);
  return files;
}

/** `cosign key generate`: a new ECDSA P-256 key pair. */
export async function generateCosignKey(ctx: TrustContext, input: { prefix: string }): Promise<CosignKeyFiles> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return writeKeyPair(ctx, privateKey, input.prefix);
}

/** `cosign key import FILE`: a cosign.key into the trust dir as a notary key file (a new notary passphrase), through the keystore's own import. */
export async function importCosignKey(ctx: TrustContext, input: { file: string; role?: string }): Promise<KeyWriteResult[]> {
  const text = await readFile(input.file, 'utf8');
  const pw = await cosignPassword(ctx.env, cosignKeyContext(ctx).cosignPrompt, input.file);
  const k = decryptCosignKey(text, pw);
  pw.fill(0);
  // from a private temp dir, removed whatever happens
  const dir = await mkdtemp(join(tmpdir(), 'trustdesk-cosign-'));
  try {
    const tmp = join(dir, 'key.pem');
    await writeFile(tmp, k.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    return await importKeys(ctx, { file: tmp, role: input.role ?? 'cosign' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `cosign key export KEYID`: a trust dir key as `PREFIX.key` (cosign's encrypted format) + `PREFIX.pub`. */
export async function exportCosignKey(ctx: TrustContext, input: { keyId: string; prefix: string }): Promise<CosignKeyFiles & { keyId: string }> {
  const { key, keyId } = await notaryPrivateKey(ctx.trustDir, input.keyId, {
    env: ctx.env,
    ...(ctx.secrets.passphrase ? { prompt: ctx.secrets.passphrase } : {}),
  });
  return { keyId, ...(await writeKeyPair(ctx, key, input.prefix)) };
}
