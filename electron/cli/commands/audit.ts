/**
 * `trustdesk audit [--policy daemon.json] [--json] SOURCE...`: would these images pull with content
 * trust on (core/use-cases/audit/audit.ts, the rules in core/enforcement/audit.ts)? SOURCE is a list file, a Compose file, Kubernetes manifests,
 * or an image reference. Exit codes:
 *   0  nothing would fail (or the mode is permissive / disabled: failures are only reported)
 *   1  mode enforced and at least one image would be refused
 *   2  usage: bad arguments, a daemon.json that does not validate, no image found
 */
import type { AuditReport, ImageAudit } from '../../core/enforcement/audit.js';
import { auditWithContext } from '../../core/use-cases/audit/audit.js';
import { contextFromFlags } from '../context.js';
import { CLIENT_DEFAULT_POLICY, readDaemonPolicy, type DaemonPolicy } from '../../core/enforcement/daemon-policy.js';
import { readSources } from '../../core/enforcement/image-sources.js';
import { tabulate } from '../../core/base/text-table.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';

const HELP = `Usage: trustdesk audit [--policy daemon.json] [--json] SOURCE [SOURCE...]

Says for every image whether the engine would pull it under its content-trust policy, and why not.
SOURCE: a list file (one reference per line, # comments), a Compose file, Kubernetes manifests
(multi-document YAML; containers, initContainers, ephemeralContainers, CronJob templates), or an
image reference. Images without a tag mean :latest; NAME@sha256:... must be a signed digest.

Options:
      --policy FILE   the engine's daemon.json ("content-trust" section); without it: enforced,
                      trust on first use, no pins (what DOCKER_CONTENT_TRUST=1 does)
      --json          machine-readable report
      --offline       use the trust cache only (the registry is not read)

Reasons: ok, trust-disabled, invalid-reference, no-trust-server, unsigned, expired,
expired-cache-allowed, invalid-trust-data, not-pinned, pinned-key-mismatch, tag-not-signed,
digest-mismatch, not-in-registry, registry-unreachable.

Exit codes: 0 nothing would be refused (permissive and disabled only report); 1 enforced and an
image would be refused; 2 usage (bad arguments, an invalid daemon.json, no images).
`;

const LABEL: Record<ImageAudit['verdict'], string> = { pass: 'PULLS', fail: 'REFUSED', warn: 'WARN', off: 'PULLS' };

function formatText(r: AuditReport, policyFile: string | undefined): string {
  const rows = [['VERDICT', 'IMAGE', 'REASON', 'DETAIL'], ...r.images.map((i) => [LABEL[i.verdict], i.image, i.reason, i.detail])];
  const s = r.summary;
  const reasons = Object.entries(s.byReason)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const policy = policyFile ? `policy ${policyFile}, mode ${r.mode}` : 'no policy file: enforced, trust on first use';
  let out = `${tabulate(rows)}\n`;
  out += `${s.images} image${s.images === 1 ? '' : 's'} (${policy}): ${s.pass + s.off} pull${s.warn ? `, ${s.warn} would be refused under enforced (permissive: logged only)` : ''}${s.fail ? `, ${s.fail} refused` : ''}\n`;
  out += `reasons: ${reasons}\n`;
  return out;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, policy: { type: 'string' } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('"trustdesk audit" requires at least 1 SOURCE (a list, Compose or Kubernetes file, or an image)');
  const policyFile = values.policy as string | undefined;
  let policy: DaemonPolicy = CLIENT_DEFAULT_POLICY;
  if (policyFile) {
    let parsed;
    try {
      parsed = await readDaemonPolicy(policyFile);
    } catch (err) {
      // unreadable or not JSON: a usage error like any other bad policy
      throw new UsageError((err as Error).message);
    }
    if (parsed.problems.length) {
      for (const p of parsed.problems) io.stderr(`trustdesk: ${policyFile}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
      if (values.json) io.stdout(`${JSON.stringify({ ok: false, exitCode: 2, policyProblems: parsed.problems }, null, 2)}\n`);
      return 2;
    }
    policy = parsed.policy;
  }
  const sources = await readSources(positionals, io.env);
  for (const p of sources.problems) io.stderr(`trustdesk: warning: ${p.location}: ${p.message}\n`);
  if (sources.images.length === 0) throw new UsageError('no image references found in the sources');
  const ctx = contextFromFlags(values, io);
  let report: AuditReport;
  try {
    report = await auditWithContext(ctx, { images: sources.images, policy });
  } finally {
    ctx.close();
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({ ok: report.exitCode === 0, ...report, sourceProblems: sources.problems }, null, 2)}\n`);
  } else {
    io.stdout(formatText(report, policyFile));
  }
  return report.exitCode;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit [--policy daemon.json] [--json] SOURCE...   would these images pull under content trust? (exit 0/1/2)',
  run,
};
