/**
 * `trustdesk key SUBCOMMAND`: the keys of a trust dir, named like docker's (`generate`, `load`) and
 * notary's (`list`, `export`, `import`, `passwd`, `remove`) commands.
 *
 * Trust dir: `-d/--trust-dir DIR` (as notary), else `--config DIR`/trust, else $DOCKER_CONFIG/trust.
 * Passphrases: the DOCKER_CONTENT_TRUST_*_PASSPHRASE / NOTARY_*_PASSPHRASE variables, else a prompt
 * on the terminal; `passwd` takes the new one from TRUSTDESK_NEW_PASSPHRASE or the prompt.
 * Exit codes: 0 done; 1 refused or failed (error code on stderr, e.g. KEY_EXISTS, PASSPHRASE_WRONG);
 * 2 usage. `key list --check` exits 1 when a key this machine needs is missing.
 */
import { tabulate } from '../../core/base/text-table.js';
import {
  changePassphrase,
  exportKey,
  generateKey,
  importKeys,
  listKeys,
  loadKey,
  migrateLegacyKeys,
  privateKeyExportText,
  publicKeyPem,
  removeKey,
  restoreKey,
  type KeyWriteResult,
  type PassphraseProvider,
} from '../../core/use-cases/keys/keys.js';
import { MIN_PASSPHRASE_LENGTH } from '../../core/keystore/passphrase-sources.js';
import type { TrustContext } from '../../core/session/context.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags, terminalSecrets } from '../context.js';

const USAGE = `Usage: trustdesk key COMMAND [OPTIONS]

Commands:
  generate NAME [--dir DIR]             new ECDSA P-256 signer key; NAME.pub in DIR (as docker trust key generate)
  load FILE [--name NAME]               import a PEM private key as signer NAME (default "signer")
  list [--json] [--check]               keys, their roles and GUNs, and where cached metadata uses them
  export KEYID [--public] [-o FILE]     the key (still encrypted, notary export format) or its public key
  import FILE [--role ROLE] [--gun GUN] import the PEM keys of FILE (as notary key import)
  passwd KEYID                          change a key's passphrase (new one: TRUSTDESK_NEW_PASSPHRASE or prompt)
  remove KEYID [--confirm]              move a key to <trust>/removed-keys/ ; --confirm deletes it for good
  restore KEYID                         bring a removed key back
  migrate                               move keys of notary < 0.4 layouts to private/<id>.key (old files kept)

Options:
  -d, --trust-dir DIR   trust dir (default: $DOCKER_CONFIG/trust, or --config DIR/trust)
`;

/** The terminal prompt as a passphrase provider, with notary's prompt texts and rules. */
function terminalProvider(io: Io): PassphraseProvider | undefined {
  const ask = io.prompt;
  if (!ask) return undefined;
  return async (req) => {
    const id = req.keyId.length === 64 ? req.keyId.slice(0, 7) : req.keyId;
    if (req.purpose === 'unlock') {
      if (req.attempt > 1) io.stderr('Passphrase incorrect. Please retry.\n');
      const which = id ? `with ID ${id}` : `in ${req.source ?? 'the file'}`;
      return ask(`Enter passphrase for ${req.role} key ${which}: `, { secret: true });
    }
    for (;;) {
      const first = await ask(`Enter passphrase for new ${req.role} key with ID ${id}: `, { secret: true });
      if (first === undefined) return undefined;
      if (first.trim().length < MIN_PASSPHRASE_LENGTH) {
        io.stderr('Passphrase is too short. Please use a password manager to generate and store a good random passphrase.\n');
        return first; // the core counts the attempt and asks again
      }
      const again = await ask(`Repeat passphrase for new ${req.role} key with ID ${id}: `, { secret: true });
      if (again === undefined) return undefined;
      if (again === first) return first;
      io.stderr('Passphrases do not match. Please retry.\n');
    }
  };
}

/**
 * The use cases' context from the flags (`-d/--trust-dir`, `--config`), with key's own prompt texts
 * for passphrases; closed when the command is done.
 */
async function withKeys<T>(values: Record<string, unknown>, io: Io, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
  const passphrase = terminalProvider(io);
  const ctx = contextFromFlags(values, io, { secrets: { ...terminalSecrets(io), ...(passphrase ? { passphrase } : {}) } });
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

function printWarnings(io: Io, warnings: string[]): void {
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
}

function one(positionals: string[], what: string, sub: string): string {
  if (positionals.length !== 1) throw new UsageError(`"trustdesk key ${sub}" requires exactly 1 argument (${what})`);
  return positionals[0]!;
}

function imported(io: Io, r: KeyWriteResult, from: string): void {
  printWarnings(io, r.warnings);
  io.stdout(`Successfully imported key ${r.keyId} (role ${r.role}${r.gun ? `, ${r.gun}` : ''}) from ${from} to ${r.path}\n`);
}

const SUBCOMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  async generate(args, io) {
    const { values, positionals } = parseCommandArgs(args, { dir: { type: 'string' }, 'trust-dir': { type: 'string', short: 'd' } });
    const name = one(positionals, 'NAME', 'generate');
    io.stdout(`Generating key for ${name}...\n`);
    const r = await withKeys(values, io, (ctx) => generateKey(ctx, { name, dir: values.dir as string | undefined }));
    io.stdout(`Successfully generated and loaded private key. Corresponding public key available: ${r.publicKeyPath}\n`);
    return 0;
  },

  async load(args, io) {
    const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' }, 'trust-dir': { type: 'string', short: 'd' } });
    const file = one(positionals, 'FILE', 'load');
    io.stdout(`Loading key from "${file}"...\n`);
    const r = await withKeys(values, io, (ctx) => loadKey(ctx, { file, name: values.name as string | undefined }));
    imported(io, r, file);
    return 0;
  },

  async import(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      role: { type: 'string', short: 'r' },
      gun: { type: 'string', short: 'g' },
      'trust-dir': { type: 'string', short: 'd' },
    });
    const file = one(positionals, 'FILE', 'import');
    const rs = await withKeys(values, io, (ctx) =>
      importKeys(ctx, { file, role: values.role as string | undefined, gun: values.gun as string | undefined }),
    );
    for (const r of rs) imported(io, r, file);
    return 0;
  },

  async list(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      check: { type: 'boolean' },
      'trust-dir': { type: 'string', short: 'd' },
    });
    if (positionals.length > 0) throw new UsageError('"trustdesk key list" takes no arguments');
    const r = await withKeys(values, io, (ctx) => listKeys(ctx));
    const missing = r.findings.some((f) => f.severity === 'error');
    if (values.json) {
      io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      return values.check && missing ? 1 : 0;
    }
    if (r.keys.length === 0) io.stdout('No signing keys found.\n');
    else {
      const rows = [
        ['ROLE', 'GUN', 'KEY ID', 'ALGORITHM', 'LOCATION'],
        ['----', '---', '------', '---------', '--------'],
      ];
      for (const k of r.keys) rows.push([k.role ?? '', k.gun ?? '', k.keyId, k.algorithm ?? '?', k.location]);
      io.stdout(`\n${tabulate(rows, 0, 4)}\n`);
      const used = r.keys.filter((k) => k.usedBy.length > 0);
      if (used.length > 0) {
        io.stdout('USED BY\n');
        for (const k of used) {
          io.stdout(`  ${k.keyId}\n`);
          for (const u of k.usedBy) {
            const alias = u.metadataKeyId !== k.keyId ? `  (listed there as certificate key ${u.metadataKeyId})` : '';
            io.stdout(`    ${u.role} in ${u.gun}${u.verified ? '' : ' [unverified]'}${alias}\n`);
          }
        }
        io.stdout('\n');
      }
    }
    if (r.findings.length > 0) {
      io.stdout('FINDINGS\n');
      for (const f of r.findings) io.stdout(`  ${f.severity.padEnd(7)} ${f.message}\n`);
    }
    if (r.removed.length > 0)
      io.stdout(`\n${r.removed.length} removed key(s) recoverable in ${r.trustDir}/removed-keys (trustdesk key restore KEYID)\n`);
    return values.check && missing ? 1 : 0;
  },

  async export(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      public: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      'trust-dir': { type: 'string', short: 'd' },
    });
    const id = one(positionals, 'KEYID', 'export');
    if (values.output) {
      const r = await withKeys(values, io, (ctx) => exportKey(ctx, { keyId: id, outFile: values.output as string, public: Boolean(values.public) }));
      printWarnings(io, r.warnings);
      io.stderr(`Exported ${values.public ? 'public' : 'private'} key ${r.keyId} to ${r.path}\n`);
    } else if (values.public) {
      io.stdout((await withKeys(values, io, (ctx) => publicKeyPem(ctx, id))).pem);
    } else {
      const r = await withKeys(values, io, (ctx) => privateKeyExportText(ctx, id));
      printWarnings(io, r.warnings);
      io.stdout(r.text);
    }
    return 0;
  },

  async passwd(args, io) {
    const { values, positionals } = parseCommandArgs(args, { 'trust-dir': { type: 'string', short: 'd' } });
    const id = one(positionals, 'KEYID', 'passwd');
    const r = await withKeys(values, io, (ctx) => changePassphrase(ctx, { keyId: id }));
    printWarnings(io, r.warnings);
    io.stdout(`Successfully updated passphrase for key ID: ${r.keyId}\n`);
    return 0;
  },

  async remove(args, io) {
    const { values, positionals } = parseCommandArgs(args, { confirm: { type: 'boolean' }, 'trust-dir': { type: 'string', short: 'd' } });
    const id = one(positionals, 'KEYID', 'remove');
    const r = await withKeys(values, io, (ctx) => removeKey(ctx, { keyId: id, confirm: Boolean(values.confirm) }));
    for (const u of r.usedBy) io.stderr(`warning: the key served ${u.role} in ${u.gun}: signing that role on this machine now fails\n`);
    if (r.state === 'moved') {
      io.stdout(
        `Moved key ${r.keyId} to ${r.movedTo}\nIt is no longer used for signing. Restore it with: trustdesk key restore ${r.keyId}\nDelete it for good with: trustdesk key remove ${r.keyId} --confirm\n`,
      );
    } else {
      io.stdout(`Deleted key ${r.keyId} for good (${r.deleted.join(', ')})\n`);
    }
    return 0;
  },

  async migrate(args, io) {
    const { values, positionals } = parseCommandArgs(args, { 'trust-dir': { type: 'string', short: 'd' } });
    if (positionals.length > 0) throw new UsageError('"trustdesk key migrate" takes no arguments');
    const r = await withKeys(values, io, (ctx) => migrateLegacyKeys(ctx));
    for (const m of r.migrated) io.stdout(`Moved ${m.role ?? 'key'} ${m.keyId} to ${m.to} (old file kept in ${m.backup})\n`);
    for (const sk of r.skipped) io.stderr(`warning: not moved: ${sk.path}: ${sk.reason}\n`);
    if (r.migrated.length === 0 && r.skipped.length === 0) io.stdout('No keys in legacy layouts.\n');
    return 0;
  },

  async restore(args, io) {
    const { values, positionals } = parseCommandArgs(args, { 'trust-dir': { type: 'string', short: 'd' } });
    const id = one(positionals, 'KEYID', 'restore');
    const r = await withKeys(values, io, (ctx) => restoreKey(ctx, { keyId: id }));
    io.stdout(`Restored key ${r.keyId} to ${r.path}\n`);
    return 0;
  },
};

async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const fn = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!fn) throw new UsageError(`unknown key command "${sub}"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  return fn(rest, io);
}

export const keyCommand: Command = {
  name: 'key',
  summary: 'key generate|load|list|export|import|passwd|remove|restore|migrate   local signing keys (see trustdesk key --help)',
  run,
};
