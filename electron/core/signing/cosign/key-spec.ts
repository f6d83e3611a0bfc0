/**
 * `--key` values: for signing a cosign key file path, `notary:KEYID` (a key file of the trust dir),
 * `token:KEYID|LABEL` (a PKCS#11 token key TrustDesk knows); for verifying also a PEM public key file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { TrustDeskError } from '../../base/errors.js';
import { KeyFileStore } from '../../keystore/key-file-store.js';
import { openBlock } from '../../keystore/pkcs8-encryption.js';
import type { PassphraseProvider } from '../../keystore/passphrase-sources.js';
import type { TokenAccess } from '../token/tokens.js';
import { publicKeyFromPem } from '../ecdsa.js';
import { cosignKeyFileSigner, notaryKeySigner, tokenCosignSigner, type CosignSigner } from './signing-key.js';
import { isCosignKeyFile } from './key-file.js';

export interface KeyContext {
  trustDir: string;
  env: NodeJS.ProcessEnv;
  /** Notary passphrase prompt. */
  prompt?: PassphraseProvider;
  /** cosign password prompt. */
  cosignPrompt?: (q: string) => Promise<string | undefined>;
  tokens?: () => TokenAccess;
}

async function tokenRecord(ctx: KeyContext, id: string) {
  if (!ctx.tokens) throw new TrustDeskError('INVALID_ARGUMENT', 'token keys are not available here');
  const access = ctx.tokens();
  const records = await access.store.list();
  const matches = records.filter((r) => r.keyId.startsWith(id) || r.label === id);
  if (matches.length !== 1)
    throw new TrustDeskError(
      'KEY_NOT_FOUND',
      matches.length === 0 ? `no token key ${id} (trustdesk token list)` : `${id} names ${matches.length} token keys; give more of the key ID`,
    );
  return { access, record: matches[0]! };
}

export async function signerFromSpec(spec: string, ctx: KeyContext): Promise<CosignSigner> {
  if (spec.startsWith('notary:'))
    return notaryKeySigner(ctx.trustDir, spec.slice(7), { env: ctx.env, ...(ctx.prompt ? { prompt: ctx.prompt } : {}) });
  if (spec.startsWith('token:')) {
    const { access, record } = await tokenRecord(ctx, spec.slice(6));
    const pub = createPublicKey({ key: Buffer.from(record.publicKey, 'base64'), format: 'der', type: 'spki' });
    return tokenCosignSigner(access.signerOf(record), pub, `token key ${record.keyId.slice(0, 7)} (${record.label})`);
  }
  if (!existsSync(spec)) throw new TrustDeskError('KEY_NOT_FOUND', `${spec}: no such key file (or use notary:KEYID, token:KEYID)`);
  return cosignKeyFileSigner(spec, ctx.env, ctx.cosignPrompt);
}

/** A public key for verification: PEM file (public key, certificate, or a cosign.key's public half is not read), notary:KEYID, token:KEYID. */
export async function publicKeyFromSpec(spec: string, ctx: KeyContext): Promise<KeyObject> {
  if (spec.startsWith('notary:')) {
    const entry = await new KeyFileStore(ctx.trustDir).find(spec.slice(7));
    // The public half of a notary key needs the private key opened only when the file is unencrypted; use the signer path.
    if (entry.block && entry.encryption === 'none') return createPublicKey(openBlock(entry.block));
    return (await notaryKeySigner(ctx.trustDir, spec.slice(7), { env: ctx.env, ...(ctx.prompt ? { prompt: ctx.prompt } : {}) })).publicKey;
  }
  if (spec.startsWith('token:')) {
    const { record } = await tokenRecord(ctx, spec.slice(6));
    return createPublicKey({ key: Buffer.from(record.publicKey, 'base64'), format: 'der', type: 'spki' });
  }
  const text = await readFile(spec, 'utf8').catch((err: Error) => {
    throw new TrustDeskError('KEY_NOT_FOUND', `${spec}: ${err.message}`);
  });
  if (isCosignKeyFile(text)) throw new TrustDeskError('INVALID_ARGUMENT', `${spec} is a private key; verify with its public key (cosign.pub)`);
  return publicKeyFromPem(text);
}
