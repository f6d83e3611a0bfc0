/**
 * `trustdesk migrate cosign --key KEY REPO... [--dry-run] [--bundle] [--json] [--out DIR]`: every tag
 * whose DCT signature verifies gets a classic cosign signature (and with --bundle the Sigstore bundle
 * form), written next to the image; then a report, the `cosign verify` lines and cosign.pub.
 */
import { toErrorValue } from '../../core/base/errors.js';
import type { MigrationPlan, MigrationReport } from '../../core/cosign/migrate.js';
import { migrateToCosign } from '../../core/use-cases/cosign/migrate.js';
import { formatParityReport, migratePolicy, POLICY_FORMATS, type PolicyFormat } from '../../core/use-cases/migrate/policy.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { withCosignContext } from './cosign.js';

const USAGE = `Usage: trustdesk migrate cosign --key KEY [--dry-run] [--bundle] [--json] [--out DIR] REPO...

Signs, with cosign's classic format, every tag whose Docker Content Trust signature verifies and
matches the registry (payload docker-reference REPO:TAG), appending to existing signatures.
  --key KEY   a cosign key file (cosign.key; COSIGN_PASSWORD or prompt), notary:KEYID (a key of the
              trust dir), token:KEYID|LABEL (a PKCS#11 token key; TRUSTDESK_TOKEN_PIN or prompt)
  --dry-run   print the plan only
  --bundle    also attach a Sigstore bundle (v0.3, DSSE) as an OCI referrer (fallback tag without the API)
  --out DIR   where cosign.pub is written (default: the current directory)
Exit codes: 0 every planned tag signed (or nothing to do); 1 a tag or repository failed; 2 usage.

Usage: trustdesk migrate policy --key PUB... [--format F,...] [--from-daemon-json FILE] [--dry-run] [--json] -o DIR REPO...

Writes the policies that enforce the migrated cosign signatures with the same scope and signers as
content trust, and the parity report (parity-report.txt/.json: per tag, both verdicts, each difference).
  --key PUB   a cosign public key (PEM file), notary:KEYID or token:KEYID; repeat for several signers
  --format F  containers (policy.json + registries.d), kyverno (ClusterPolicy + ImageValidatingPolicy),
              policy-controller (ClusterImagePolicy), ci (verify-and-pull.sh, GitHub Actions); default all
  --from-daemon-json FILE  translate the engine's content-trust root-keys globs and mode
  --dry-run   print the parity report only; nothing is written
  -o DIR      the output folder (must exist)
Exit codes: 0 written (or dry run) and the policy accepts exactly what content trust accepted;
3 the parity report has differences; 1 a repository failed or nothing could be written; 2 usage or a bad daemon.json.
`;

export function formatPlan(p: MigrationPlan): string {
  let s = `Migration plan: DCT -> cosign (classic signatures${p.bundle ? ' + Sigstore bundles' : ''})\nKey: ${p.key.description}\n`;
  for (const r of p.repositories) if (r.error) s += `  ${r.gun}: ${r.error.code}: ${r.error.message}\n`;
  const w = Math.max(3, ...p.tags.map((t) => `${t.repository}:${t.tag}`.length));
  for (const t of p.tags) {
    const action = t.action === 'sign' ? 'SIGN' : t.action === 'already-signed' ? 'done' : 'skip';
    s += `  ${action.padEnd(4)}  ${`${t.repository}:${t.tag}`.padEnd(w)}  ${(t.digest ?? '-').padEnd(71)}  ${t.dctVerdict.padEnd(22)}  ${t.reason}\n`;
  }
  s += `${p.counts.sign} to sign, ${p.counts.alreadySigned} already signed, ${p.counts.skip} skipped\n`;
  return s;
}

export function formatReport(r: MigrationReport): string {
  let s = 'Migration report\n';
  for (const t of r.tags) s += `  ${t.outcome.padEnd(14)}  ${t.repository}:${t.tag}  ${t.digest ?? '-'}  ${t.detail}\n`;
  s += `${r.counts.signed} signed, ${r.counts.alreadySigned} already signed, ${r.counts.skipped} skipped, ${r.counts.failed} failed\n`;
  if (r.verifyCommands.length)
    s += `\nVerify elsewhere (cosign v2, or v3 which reads the classic format):\n${r.verifyCommands.map((c) => `  ${c}\n`).join('')}`;
  return s;
}

async function cosign(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    key: { type: 'string' },
    'dry-run': { type: 'boolean' },
    bundle: { type: 'boolean' },
    json: { type: 'boolean' },
    out: { type: 'string' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.key) throw new UsageError('migrate cosign needs --key KEY');
  if (positionals.length === 0) throw new UsageError('migrate cosign needs at least one REPO');
  try {
    return await withCosignContext(values, io, async (ctx) => {
      const json = Boolean(values.json);
      const r = await migrateToCosign(ctx, {
        repositories: positionals,
        key: values.key as string,
        ...(values.bundle ? { bundle: true } : {}),
        ...(values['dry-run'] ? { dryRun: true } : {}),
        ...(values.out ? { outDir: values.out as string } : {}),
        onPlan: (plan) => {
          if (!json) io.stdout(formatPlan(plan));
        },
        onProgress: (e) => {
          if (!json && e.step !== 'done') io.stderr(`[${e.done + 1}/${e.total}] ${e.repository}:${e.tag}: ${e.step}\n`);
        },
      });
      const failedRepos = r.plan.repositories.some((x) => x.error);
      if (!r.report || !r.publicKeyFile) {
        io.stdout(json ? `${JSON.stringify({ plan: r.plan }, null, 2)}\n` : formatPlan(r.plan));
        return failedRepos ? 1 : 0;
      }
      const pubPath = r.publicKeyFile.path;
      if (!r.publicKeyFile.written) io.stderr(`warning: ${pubPath} holds another key; not overwritten (the key used is in the --json output)\n`);
      if (json) io.stdout(`${JSON.stringify({ plan: r.plan, report: r.report, publicKeyFile: pubPath }, null, 2)}\n`);
      else io.stdout(`\n${formatReport(r.report)}\nPublic key: ${pubPath}\n`);
      return failedRepos || r.report.counts.failed > 0 ? 1 : 0;
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = toErrorValue(err);
    io.stderr(`${e.code}: ${e.message}\n`);
    return 1;
  }
}

function parseFormats(values: string[] | undefined): PolicyFormat[] | undefined {
  if (!values?.length) return undefined;
  const out: PolicyFormat[] = [];
  for (const f of values.flatMap((v) => v.split(','))) {
    if (!POLICY_FORMATS.includes(f as PolicyFormat)) throw new UsageError(`--format takes ${POLICY_FORMATS.join('|')}, got "${f}"`);
    if (!out.includes(f as PolicyFormat)) out.push(f as PolicyFormat);
  }
  return out;
}

async function policy(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    key: { type: 'string', multiple: true },
    format: { type: 'string', multiple: true },
    'from-daemon-json': { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const keys = (values.key as string[] | undefined) ?? [];
  if (keys.length === 0) throw new UsageError('migrate policy needs --key PUB (one per signer key)');
  if (positionals.length === 0) throw new UsageError('migrate policy needs at least one REPO');
  if (!values['dry-run'] && !values.out) throw new UsageError('migrate policy needs -o DIR (or --dry-run)');
  const formats = parseFormats(values.format as string[] | undefined);
  try {
    return await withCosignContext(values, io, async (ctx) => {
      const r = await migratePolicy(ctx, {
        repositories: positionals,
        keys,
        ...(formats ? { formats } : {}),
        ...(values['from-daemon-json'] ? { daemonJson: values['from-daemon-json'] as string } : {}),
        ...(values.out ? { outDir: values.out as string } : {}),
        ...(values['dry-run'] ? { dryRun: true } : {}),
      });
      if (values.json) io.stdout(`${JSON.stringify({ report: r.report, files: r.written?.paths ?? r.files.map((f) => f.path) }, null, 2)}\n`);
      else {
        io.stdout(formatParityReport(r.report));
        if (r.written) io.stdout(`\nWritten to ${r.written.dir}:\n${r.files.map((f) => `  ${f.path}  (${f.title})\n`).join('')}`);
      }
      if (r.report.repositories.some((x) => x.error)) return 1;
      return r.report.identical ? 0 : 3;
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = toErrorValue(err);
    io.stderr(`${e.code}: ${e.message}\n`);
    return e.code === 'CONFIG_INVALID' ? 2 : 1;
  }
}

async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'cosign') return cosign(rest, io);
  if (sub === 'policy') return policy(rest, io);
  if (sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  throw new UsageError(`Usage: trustdesk migrate cosign --key KEY REPO... | migrate policy --key PUB... -o DIR REPO... (got ${sub ?? 'nothing'})`);
}

export const migrateCommand: Command = {
  name: 'migrate',
  summary:
    'migrate cosign --key KEY [--dry-run] [--bundle] REPO... | migrate policy --key PUB... -o DIR REPO...   cosign signatures and the policies that enforce them',
  run,
};
