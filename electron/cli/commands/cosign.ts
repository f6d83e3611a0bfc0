/**
 * `trustdesk cosign verify --key PUB IMAGE[:TAG]...` and `trustdesk cosign key generate|import|export`.
 * cosign passwords: COSIGN_PASSWORD (even empty, as cosign), else the prompt.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { toErrorValue } from '../../core/base/errors.js';
import { defaultTrustDir, importKeys } from '../../core/use-cases/keys/keys.js';
import { cosignPublicKeyPem, decryptCosignKey, encryptCosignKey } from '../../core/signing/cosign/key-file.js';
import { cosignPassword, notaryPrivateKey } from '../../core/signing/cosign/signing-key.js';
import { publicKeyFromSpec, type KeyContext } from '../../core/signing/cosign/key-spec.js';
import { verifyImages, type ImageVerification } from '../../core/cosign/verify-images.js';
import { parseCommandArgs, sessionFrom, UsageError, type Command, type Io } from '../cli-support.js';
import { passphrasePrompt } from './publish-support.js';
import { tokenAccess } from './token-support.js';
import type { TokenAccess } from '../../core/signing/token/tokens.js';

const USAGE = `Usage: trustdesk cosign COMMAND

  verify --key PUB [--json] IMAGE[:TAG|@DIGEST]...   cosign signatures (classic .sig tag and Sigstore bundles) checked with a public key
         PUB: a PEM public key file (cosign.pub), notary:KEYID (a key of the trust dir), token:KEYID|LABEL
  key generate [-o PREFIX]                           new ECDSA P-256 cosign key pair: PREFIX.key (encrypted) + PREFIX.pub (default cosign)
  key import FILE [--role ROLE]                      a cosign.key into the trust dir as a notary key file (role default: cosign)
  key export KEYID [-o PREFIX]                       a trust dir key as PREFIX.key (cosign's encrypted format) + PREFIX.pub

Passwords for cosign keys: COSIGN_PASSWORD, else asked. Notary passphrases as for trustdesk key.
Exit codes: 0 every image verified / done; 1 an image has no valid signature, or a failure; 2 usage.
`;

/** Where keys come from; `close()` ends the token worker when one was started. */
export function keyContext(values: Record<string, unknown>, io: Io): KeyContext & { close(): void } {
  const trustDir = (values['trust-dir'] as string | undefined) ?? defaultTrustDir(io.env, values.config as string | undefined);
  const prompt = passphrasePrompt(io);
  const ask = io.prompt;
  let access: TokenAccess | undefined;
  return {
    trustDir,
    env: io.env,
    ...(prompt ? { prompt } : {}),
    ...(ask ? { cosignPrompt: (q: string) => ask(q, { secret: true }) } : {}),
    tokens: () => (access ??= tokenAccess(io, trustDir)),
    close: () => access?.close(),
  };
}

async function newCosignPassword(io: Io, what: string): Promise<Buffer> {
  if (io.env.COSIGN_PASSWORD !== undefined) return Buffer.from(io.env.COSIGN_PASSWORD, 'utf8');
  if (!io.prompt) throw new UsageError(`a password for ${what} is needed: set COSIGN_PASSWORD, or run in a terminal`);
  const a = await io.prompt(`Enter password for ${what}: `, { secret: true });
  const b = await io.prompt(`Enter password for ${what} again: `, { secret: true });
  if (a === undefined || a !== b) throw new UsageError('the passwords do not match');
  return Buffer.from(a, 'utf8');
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  if (existsSync(path)) throw new UsageError(`${path} exists; not overwriting it`);
  await writeFile(path, text, { mode, flag: 'wx' });
}

export function formatVerification(r: ImageVerification): string {
  const where = `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
  if (r.error) return `${where}: ${r.error.code}: ${r.error.message}\n`;
  let s = `${where}: ${r.verified ? `verified (${r.validFormats.join(', ')})` : 'NOT verified'}\n`;
  if (r.signatures.length === 0) s += '  no cosign signatures\n';
  for (const g of r.signatures) s += `  ${g.format.padEnd(7)} ${g.verdict.padEnd(17)} ${g.dockerReference ? `${g.dockerReference}  ` : ''}${g.detail}\n`;
  return s;
}

async function verify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.key) throw new UsageError('cosign verify needs --key PUB');
  if (positionals.length === 0) throw new UsageError('cosign verify needs at least one IMAGE');
  const ctx = keyContext(values, io);
  let key;
  try {
    key = await publicKeyFromSpec(values.key as string, ctx);
  } finally {
    ctx.close();
  }
  const s = sessionFrom(values, io);
  try {
    const results = await verifyImages(s, positionals, key);
    if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    else for (const r of results) io.stdout(formatVerification(r));
    return results.every((r) => r.verified) ? 0 : 1;
  } finally {
    s.close();
  }
}

async function key(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, { output: { type: 'string', short: 'o' }, role: { type: 'string' } });
  const ctx = keyContext(values, io);
  try {
    return await keyCommand(sub, values, positionals, ctx, io);
  } finally {
    ctx.close();
  }
}

async function keyCommand(sub: string | undefined, values: Record<string, unknown>, positionals: string[], ctx: KeyContext, io: Io): Promise<number> {
  if (sub === 'generate') {
    const prefix = (values.output as string | undefined) ?? 'cosign';
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pw = await newCosignPassword(io, `${prefix}.key`);
    await writeNew(`${prefix}.key`, encryptCosignKey(privateKey, pw), 0o600);
    pw.fill(0);
    await writeNew(`${prefix}.pub`, cosignPublicKeyPem(privateKey), 0o644);
    io.stdout(`Private key written to ${prefix}.key\nPublic key written to ${prefix}.pub\n`);
    return 0;
  }
  if (sub === 'import') {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('Usage: trustdesk cosign key import FILE [--role ROLE]');
    const text = await readFile(file, 'utf8');
    const pw = await cosignPassword(io.env, ctx.cosignPrompt, file);
    const k = decryptCosignKey(text, pw);
    pw.fill(0);
    // Through the keystore's own import (notary's format, a new notary passphrase), from a private temp dir.
    const dir = await mkdtemp(join(tmpdir(), 'trustdesk-cosign-'));
    try {
      const tmp = join(dir, 'key.pem');
      await writeFile(tmp, k.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
      const r = await importKeys({ trustDir: ctx.trustDir, env: io.env, ...(ctx.prompt ? { prompt: ctx.prompt } : {}) }, { file: tmp, role: (values.role as string | undefined) ?? 'cosign' });
      for (const x of r) io.stdout(`Imported ${x.role} key ${x.keyId} from ${file} to ${x.path}\n`);
      for (const x of r) for (const w of x.warnings) io.stderr(`warning: ${w}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return 0;
  }
  if (sub === 'export') {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('Usage: trustdesk cosign key export KEYID [-o PREFIX]');
    const prefix = (values.output as string | undefined) ?? 'cosign';
    const { key: k, keyId } = await notaryPrivateKey(ctx.trustDir, id, { env: io.env, ...(ctx.prompt ? { prompt: ctx.prompt } : {}) });
    const pw = await newCosignPassword(io, `${prefix}.key`);
    await writeNew(`${prefix}.key`, encryptCosignKey(k, pw), 0o600);
    pw.fill(0);
    await writeNew(`${prefix}.pub`, cosignPublicKeyPem(k), 0o644);
    io.stdout(`Key ${keyId} written to ${prefix}.key (cosign format) and ${prefix}.pub\n`);
    return 0;
  }
  throw new UsageError(`Usage: trustdesk cosign key generate|import|export (got ${sub ?? 'nothing'})`);
}

async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'verify') return await verify(rest, io);
    if (sub === 'key') return await key(rest, io);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = toErrorValue(err);
    io.stderr(`${e.code}: ${e.message}\n`);
    return 1;
  }
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown cosign command "${sub}"\n${USAGE}`);
}

export const cosignCommand: Command = {
  name: 'cosign',
  summary: 'cosign verify --key PUB IMAGE... | cosign key generate|import|export   cosign signatures and key files',
  run,
};
