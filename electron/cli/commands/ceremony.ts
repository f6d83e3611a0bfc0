/**
 * Key ceremonies (docs/ceremony.md):
 *   trustdesk root generate | backup | restore-drill | rotate
 *   trustdesk bundle export | show | sign | import
 *   trustdesk ceremony verify [LOG]
 * Every step is appended to the hash-chained ceremony log (--log FILE, default
 * <trust dir>/ceremony/ceremony.log). `bundle sign` makes no network connection at all.
 * Each subcommand: parse → contextFromFlags → the use case (core/use-cases/ceremony/) → print.
 */
import { TrustDeskError } from '../../core/base/errors.js';
import type { TrustContext } from '../../core/session/context.js';
import { generateRootKey } from '../../core/use-cases/ceremony/root-generate.js';
import { backupRootKey } from '../../core/use-cases/ceremony/root-backup.js';
import { runRestoreDrill } from '../../core/use-cases/ceremony/restore-drill.js';
import { assessCompromisedRotation, requestRootRotation, type RotationRequestResult } from '../../core/use-cases/ceremony/root-rotate.js';
import { showBundle, type BundleView } from '../../core/use-cases/ceremony/bundle-show.js';
import { signBundleFile } from '../../core/use-cases/ceremony/bundle-sign.js';
import { importBundle } from '../../core/use-cases/ceremony/bundle-import.js';
import { verifyCeremonyLog } from '../../core/use-cases/ceremony/ceremony-log.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';

const LOG_OPT = { log: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The context of one ceremony command: global flags, the terminal's secrets, the --log file. */
function ceremonyContext(values: Record<string, unknown>, io: Io): TrustContext {
  const log = values.log as string | undefined;
  return contextFromFlags(values, io, log ? { ceremonyLog: log } : {});
}

async function withCeremonyContext<T>(values: Record<string, unknown>, io: Io, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
  const ctx = ceremonyContext(values, io);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

function parseShares(s: string): { threshold: number; total: number } {
  const m = /^(\d+)-of-(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--shares takes M-of-N (e.g. 3-of-5), got "${s}"`);
  return { threshold: Number(m[1]), total: Number(m[2]) };
}

const ROOT_USAGE = `Usage: trustdesk root COMMAND
  generate                                   new encrypted root key file (ECDSA P-256) in the trust dir
  backup KEYID --out DIR [--shares M-of-N]   encrypted copy of the root key to DIR (removable medium);
                                             shares of the encrypted key as text files and printable QR pages
  restore-drill (--backup FILE | --share FILE...) [--expect-key KEYID] REPO...
                                             rebuild the key in memory, check it against each repository's root
  rotate REPO --new-key KEYID --bundle-out FILE [--allow-no-backup]
                                             pre-flight, the new root.json signed by the new key, a request
                                             bundle for the old root key (sign it offline: trustdesk bundle sign)
  rotate REPO --compromised --new-key KEYID  what a rotation without the old key means for clients, simulated (no publish)
Options: --log FILE (ceremony log), --json, --trust-dir DIR, --config DIR, --server URL
`;

/** What `root rotate` and `bundle export` print. */
function printRotation(io: Io, values: Record<string, unknown>, r: RotationRequestResult): void {
  if (values.json) {
    io.stdout(`${JSON.stringify({ preflight: r.preflight, bundle: r.outFile, id: r.bundleId, sha256: r.sha256 }, null, 2)}\n`);
    return;
  }
  io.stdout(
    `Pre-flight:\n${r.preflight.map((p) => `  ${p.ok ? 'ok  ' : 'FAIL'} ${p.check}: ${p.detail}`).join('\n')}\n${r.summary.map((l) => `  ${l}`).join('\n')}\nSigning request ${r.bundleId} written to ${r.outFile} (root.json sha256 ${r.sha256}).\nNext: on the offline machine, trustdesk bundle sign ${r.outFile} -o signed.json; then trustdesk bundle import signed.json\n`,
  );
}

async function rootCmd(args: string[], io: Io): Promise<number> {
  const sub = args[0];
  const { values, positionals } = parseCommandArgs(args.slice(1), {
    ...LOG_OPT,
    out: { type: 'string', short: 'o' },
    shares: { type: 'string' },
    backup: { type: 'string' },
    share: { type: 'string', multiple: true },
    'new-key': { type: 'string' },
    'expect-key': { type: 'string' },
    'bundle-out': { type: 'string' },
    'allow-no-backup': { type: 'boolean' },
    compromised: { type: 'boolean' },
  });
  const out = (v: unknown, text: string) => io.stdout(values.json ? `${JSON.stringify(v, null, 2)}\n` : text);
  switch (sub) {
    case 'generate': {
      const r = await withCeremonyContext(values, io, (ctx) => generateRootKey(ctx));
      out({ keyId: r.keyId }, `Generated new root key with ID ${r.keyId}\n`);
      return 0;
    }
    case 'backup': {
      if (positionals.length !== 1 || !values.out) throw new UsageError('"trustdesk root backup" requires KEYID and --out DIR');
      const shares = values.shares ? parseShares(values.shares as string) : undefined;
      const r = await withCeremonyContext(values, io, (ctx) =>
        backupRootKey(ctx, { keyId: positionals[0]!, outDir: values.out as string, ...(shares ? { shares } : {}) }),
      );
      out(
        r,
        `Root key ${r.keyId} backed up (encrypted) to ${r.backupFile}\n${r.shares ? `${r.shares.total} shares (any ${r.shares.threshold} rebuild the encrypted key), set ${r.shares.setId}:\n${r.shares.files.map((f, i) => `  ${f}  (print ${r.shares!.pages[i]})`).join('\n')}\n` : ''}The key counts as backed up only after: trustdesk root restore-drill\n`,
      );
      return 0;
    }
    case 'restore-drill': {
      if (positionals.length === 0 && !values['expect-key'])
        throw new UsageError('"trustdesk root restore-drill" requires at least one REPO (or --expect-key ID for a new key)');
      if (!values.backup === !values.share) throw new UsageError('give either --backup FILE or --share FILE (repeated, at least M)');
      const r = await withCeremonyContext(values, io, (ctx) =>
        runRestoreDrill(ctx, {
          repositories: positionals,
          ...(values.backup ? { backupFile: values.backup as string } : { shareFiles: values.share as string[] }),
          ...(values['expect-key'] ? { expectKeyId: values['expect-key'] as string } : {}),
        }),
      );
      out(
        r,
        `${r.expected ? `${r.expected.matches ? 'ok  ' : 'FAIL'} rebuilt key ${r.keyId} ${r.expected.matches ? 'is' : 'is NOT'} the expected key ${r.expected.keyId}\n` : ''}${r.repositories.map((x) => `${x.matches ? 'ok  ' : 'FAIL'} ${x.gun} root version ${x.version}${x.matches ? '' : ': its root key is not the restored key'}`).join('\n')}\n${r.ok ? `Restore drill passed: root key ${r.keyId} rebuilt from the ${r.from}; it is backed up.\n` : `Restore drill FAILED for key ${r.keyId}: the key is NOT backed up.\n`}`,
      );
      if (!r.ok)
        throw new TrustDeskError(
          'BACKUP_DRILL_FAILED',
          `the key rebuilt from the ${r.from} (${r.keyId.slice(0, 12)}) is not ${
            r.expected && !r.expected.matches
              ? `the expected key ${r.expected.keyId.slice(0, 12)}`
              : `the root key of ${r.repositories
                  .filter((x) => !x.matches)
                  .map((x) => x.gun)
                  .join(', ')}`
          }`,
        );
      return 0;
    }
    case 'rotate': {
      if (positionals.length !== 1) throw new UsageError('"trustdesk root rotate" requires REPO');
      const repository = positionals[0]!;
      if (values.compromised) {
        if (!values['new-key']) throw new UsageError('"trustdesk root rotate --compromised" requires --new-key KEYID (the replacement root key)');
        const r = await withCeremonyContext(values, io, (ctx) =>
          assessCompromisedRotation(ctx, { repository, newKeyId: values['new-key'] as string }),
        );
        out(
          r,
          `${r.statement}\nSimulation of a root signed by the new key only:\n${r.simulations.map((x) => `  ${x.ok ? 'accepts' : 'REFUSES'} ${x.client}: ${x.detail}`).join('\n')}\nNothing was published.\n`,
        );
        return 0;
      }
      return rotationRequest(
        values,
        io,
        repository,
        values['bundle-out'] as string | undefined,
        '"trustdesk root rotate" requires --new-key KEYID and --bundle-out FILE',
      );
    }
    default:
      io.stdout(ROOT_USAGE);
      return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2;
  }
}

async function rotationRequest(
  values: Record<string, unknown>,
  io: Io,
  repository: string,
  outFile: string | undefined,
  usage: string,
): Promise<number> {
  if (!values['new-key'] || !outFile) throw new UsageError(usage);
  const r = await withCeremonyContext(values, io, (ctx) =>
    requestRootRotation(ctx, { repository, newKeyId: values['new-key'] as string, outFile, allowNoBackup: !!values['allow-no-backup'] }),
  );
  printRotation(io, values, r);
  return 0;
}

const BUNDLE_USAGE = `Usage: trustdesk bundle COMMAND
  export REPO --new-key KEYID -o FILE        same as trustdesk root rotate REPO --new-key KEYID --bundle-out FILE
  show FILE                                  check a bundle and print exactly what it asks to sign
  sign FILE -o OUT --yes [--module PATH]     offline: sign with the root key files or tokens of this trust dir
  import FILE [--no-publish] [--rollback-plan FILE]
                                             verify every signature, simulate clients, publish, re-verify
Options: --log FILE (ceremony log), --json, --trust-dir DIR, --config DIR, --server URL
`;

/** What `bundle show` (and `bundle sign`, before it signs) prints: exactly what is asked to be signed. */
function bundleText(v: BundleView): string {
  return `Bundle ${v.id} (${v.kind}) for ${v.gun}, made ${v.createdAt}\n${v.summary.map((l) => `  ${l}`).join('\n')}\n${v.certificates.map((l) => `  certificate ${l}`).join('\n')}\n  sign: root.json version ${v.version}, ${v.length} bytes, sha256 ${v.sha256}\n  signatures present: ${v.signedBy.map((s) => s.slice(0, 12)).join(', ') || 'none'}\n${v.missing.map((m) => `  missing: ${m}`).join('\n')}\n  trusted root: ${v.rootCheck}\n`;
}

async function bundleCmd(args: string[], io: Io): Promise<number> {
  const sub = args[0];
  const { values, positionals } = parseCommandArgs(args.slice(1), {
    ...LOG_OPT,
    out: { type: 'string', short: 'o' },
    yes: { type: 'boolean', short: 'y' },
    'new-key': { type: 'string' },
    'no-publish': { type: 'boolean' },
    'rollback-plan': { type: 'string' },
    'allow-no-backup': { type: 'boolean' },
    module: { type: 'string', multiple: true },
  });
  const json = (v: unknown) => io.stdout(`${JSON.stringify(v, null, 2)}\n`);
  switch (sub) {
    case 'export': {
      if (positionals.length !== 1 || !values.out) throw new UsageError('"trustdesk bundle export" requires REPO and -o FILE');
      return rotationRequest(
        values,
        io,
        positionals[0]!,
        values.out as string,
        '"trustdesk root rotate" requires --new-key KEYID and --bundle-out FILE',
      );
    }
    case 'show':
    case 'sign': {
      // offline: no network; only files of this machine and its tokens
      if (positionals.length !== 1) throw new UsageError(`"trustdesk bundle ${sub}" requires FILE`);
      const file = positionals[0]!;
      return withCeremonyContext(values, io, async (ctx) => {
        const view = await showBundle(ctx, { file });
        if (sub === 'show') {
          if (values.json) json(view);
          else io.stdout(bundleText(view));
          return 0;
        }
        // --json: one object, printed once (also when the signature is refused below)
        if (!values.json) io.stdout(bundleText(view));
        const refuse = (err: Error): never => {
          if (values.json) json({ bundle: view });
          throw err;
        };
        if (!values.out) refuse(new UsageError('"trustdesk bundle sign" requires -o OUT'));
        if (!values.yes) refuse(new TrustDeskError('CONFIRMATION_REQUIRED', 'read what is signed above, then run again with --yes'));
        const r = await signBundleFile(ctx, { file, outFile: values.out as string });
        if (values.json) json({ bundle: view, signedBy: r.signedBy, outFile: r.outFile });
        else io.stdout(`Signed by ${r.signedBy.join(', ')}; signed bundle written to ${r.outFile}\n`);
        return 0;
      });
    }
    case 'import': {
      if (positionals.length !== 1) throw new UsageError('"trustdesk bundle import" requires FILE');
      const r = await withCeremonyContext(values, io, (ctx) =>
        importBundle(ctx, {
          file: positionals[0]!,
          publish: !values['no-publish'],
          ...(values['rollback-plan'] ? { rollbackPlanFile: values['rollback-plan'] as string } : {}),
        }),
      );
      if (values.json) json(r);
      else
        io.stdout(
          `Every signature verified. Simulation:\n${r.simulations.map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.client}: ${s.detail}`).join('\n')}\n${r.published ? `Published root version ${r.toVersion} of ${r.gun} (new root key ${r.newRootKeyIds.join(', ')}) and verified it from the server.\nRollback plan: ${r.rollbackPlan}\n` : 'Not published (--no-publish).\n'}`,
        );
      return 0;
    }
    default:
      io.stdout(BUNDLE_USAGE);
      return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2;
  }
}

const CEREMONY_USAGE = `Usage: trustdesk ceremony verify [LOG] [--log FILE] [--json]
  check the hash chain of a ceremony log (exit 0 intact, 1 broken): LOG, or --log FILE,
  or the trust dir's log (<trust dir>/ceremony/ceremony.log; --trust-dir DIR, --config DIR)
`;

async function ceremonyCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args.slice(1), LOG_OPT);
  if (args[0] !== 'verify' || positionals.length > 1 || values.help) {
    io.stdout(CEREMONY_USAGE);
    return args[0] === undefined || args[0] === '--help' ? 0 : 2;
  }
  const given = positionals[0];
  if (given !== undefined && values.log !== undefined && given !== values.log) throw new UsageError('give the log to verify once: LOG or --log FILE');
  const file = given ?? (values.log as string | undefined);
  const { file: _file, ...r } = await withCeremonyContext(values, io, (ctx) =>
    verifyCeremonyLog(ctx, { ...(file ? { file } : {}), mustExist: true }),
  );
  if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
  else if (r.ok) io.stdout(`Ceremony log intact: ${r.entries} entries, head ${r.head}\n`);
  else io.stdout(`Ceremony log BROKEN at line ${r.problem!.line}: ${r.problem!.message} (${r.entries} entries before it verify)\n`);
  return r.ok ? 0 : 1;
}

export const rootCommand: Command = {
  name: 'root',
  summary: 'root generate|backup|restore-drill|rotate   root key ceremonies (docs/ceremony.md)',
  run: rootCmd,
};
export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'bundle export|show|sign|import   offline signing bundles for root rotation',
  run: bundleCmd,
};
export const ceremonyCommand: Command = { name: 'ceremony', summary: "ceremony verify [LOG]   check a ceremony log's hash chain", run: ceremonyCmd };
