/**
 * `trustdesk cosign verify --key PUB IMAGE[:TAG]...` and `trustdesk cosign key generate|import|export`:
 * parse, the use cases of electron/core/use-cases/cosign/, print.
 * cosign passwords: COSIGN_PASSWORD (even empty, as cosign), else the prompt.
 */
import { toErrorValue } from '../../core/base/errors.js';
import type { CosignPasswordProvider, TrustContext } from '../../core/session/context.js';
import type { ImageVerification } from '../../core/cosign/verify-images.js';
import { verifyCosignImages } from '../../core/use-cases/cosign/verify.js';
import { existingCosignKeyFiles, exportCosignKey, generateCosignKey, importCosignKey } from '../../core/use-cases/cosign/keys.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags, terminalSecrets } from '../context.js';

const USAGE = `Usage: trustdesk cosign COMMAND

  verify --key PUB [--json] IMAGE[:TAG|@DIGEST]...   cosign signatures (classic .sig tag and Sigstore bundles) checked with a public key
         PUB: a PEM public key file (cosign.pub), notary:KEYID (a key of the trust dir), token:KEYID|LABEL
  key generate [-o PREFIX]                           new ECDSA P-256 cosign key pair: PREFIX.key (encrypted) + PREFIX.pub (default cosign)
  key import FILE [--role ROLE]                      a cosign.key into the trust dir as a notary key file (role default: cosign)
  key export KEYID [-o PREFIX]                       a trust dir key as PREFIX.key (cosign's encrypted format) + PREFIX.pub

Passwords for cosign keys: COSIGN_PASSWORD, else asked. Notary passphrases as for trustdesk key.
Exit codes: 0 every image verified / done; 1 an image has no valid signature, or a failure; 2 usage.
`;

/** cosign passwords on the terminal: an existing key's once, a new key's twice (a mismatch, or no terminal, is a usage error). */
function cosignPasswordPrompt(io: Io): CosignPasswordProvider {
  return async (req) => {
    const ask = io.prompt;
    if (req.purpose === 'unlock') return ask?.(req.question, { secret: true });
    if (!ask) throw new UsageError(`a password for ${req.what} is needed: set COSIGN_PASSWORD, or run in a terminal`);
    const a = await ask(`Enter password for ${req.what}: `, { secret: true });
    const b = await ask(`Enter password for ${req.what} again: `, { secret: true });
    if (a === undefined || a !== b) throw new UsageError('the passwords do not match');
    return a;
  };
}

/** The use cases' context from the flags, with the terminal's passphrase, PIN and cosign password prompts; closed when done. */
export async function withCosignContext<T>(values: Record<string, unknown>, io: Io, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
  const ctx = contextFromFlags(values, io, { secrets: { ...terminalSecrets(io), cosignPassword: cosignPasswordPrompt(io) } });
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

export function formatVerification(r: ImageVerification): string {
  const where = `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
  if (r.error) return `${where}: ${r.error.code}: ${r.error.message}\n`;
  let s = `${where}: ${r.verified ? `verified (${r.validFormats.join(', ')})` : 'NOT verified'}\n`;
  if (r.signatures.length === 0) s += '  no cosign signatures\n';
  for (const g of r.signatures)
    s += `  ${g.format.padEnd(7)} ${g.verdict.padEnd(17)} ${g.dockerReference ? `${g.dockerReference}  ` : ''}${g.detail}\n`;
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
  const results = await withCosignContext(values, io, (ctx) => verifyCosignImages(ctx, { key: values.key as string, images: positionals }));
  if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) io.stdout(formatVerification(r));
  return results.every((r) => r.verified) ? 0 : 1;
}

/** Neither PREFIX.key nor PREFIX.pub is ever overwritten: refused before anything is asked or written. */
async function refuseExisting(prefix: string): Promise<void> {
  const taken = await existingCosignKeyFiles(prefix);
  if (taken.length > 0) throw new UsageError(`${taken[0]} exists; not overwriting it`);
}

async function key(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, { output: { type: 'string', short: 'o' }, role: { type: 'string' } });
  const prefix = (values.output as string | undefined) ?? 'cosign';
  if (sub === 'generate') {
    await refuseExisting(prefix);
    const r = await withCosignContext(values, io, (ctx) => generateCosignKey(ctx, { prefix }));
    io.stdout(`Private key written to ${r.privateKeyFile}\nPublic key written to ${r.publicKeyFile}\n`);
    return 0;
  }
  if (sub === 'import') {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('Usage: trustdesk cosign key import FILE [--role ROLE]');
    const r = await withCosignContext(values, io, (ctx) => importCosignKey(ctx, { file, ...(values.role ? { role: values.role as string } : {}) }));
    for (const x of r) io.stdout(`Imported ${x.role} key ${x.keyId} from ${file} to ${x.path}\n`);
    for (const x of r) for (const w of x.warnings) io.stderr(`warning: ${w}\n`);
    return 0;
  }
  if (sub === 'export') {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('Usage: trustdesk cosign key export KEYID [-o PREFIX]');
    await refuseExisting(prefix);
    const r = await withCosignContext(values, io, (ctx) => exportCosignKey(ctx, { keyId: id, prefix }));
    io.stdout(`Key ${r.keyId} written to ${r.privateKeyFile} (cosign format) and ${r.publicKeyFile}\n`);
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
