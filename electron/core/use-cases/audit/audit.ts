/**
 * The audit as use cases: would these images pull under a content-trust policy
 * (enforcement/audit.ts decides, per the engine's rules). What the audit needs from the world comes
 * from the context: trust data through policy sessions (no TrustDesk pins: the policy pins; the
 * expired-cache fallback), and the registry's tags through the one repository join
 * (use-cases/repository/repository-state.ts), so a tag's verdict (the digest docker pulls:
 * targets/releases, then targets) and a registry failure are judged as `status`, `verify` and the
 * app judge them.
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import type { SessionOptions } from '../../session/trust-session.js';
import { auditImages, sessionAuditDeps, type AuditDeps, type AuditReport } from '../../enforcement/audit.js';
import { CLIENT_DEFAULT_POLICY, parseDaemonPolicyText, pinInDaemonJson, type DaemonPolicy } from '../../enforcement/daemon-policy.js';
import { readSourceText, type ImageOccurrence, type SourceProblem } from '../../enforcement/image-sources.js';
import { repositoryState } from '../repository/repository-state.js';
import type { AuditRunView } from '../../../../shared/ipc/audit-contract.js';

/** The audit's dependencies from a context; close() when done. */
export function contextAuditDeps(ctx: TrustContext): { deps: AuditDeps; close(): void } {
  const { clock, fixedClock, secrets: _secrets, pkcs11Transport: _transport, ceremonyLog: _log, ...session } = ctx.options;
  const opts: SessionOptions = { ...session, env: ctx.env, ...(clock && fixedClock ? { now: clock } : {}) };
  const built = sessionAuditDeps(opts);
  const registryTags: AuditDeps['registryTags'] = async (ref) => {
    const state = await repositoryState(ctx, { ref, trust: false });
    const problem = state.registryProblem ?? state.error;
    if (problem) throw new TrustDeskError(problem.code, problem.message);
    if (state.registry !== 'read') throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the registry is not contacted');
    return state.registryTags;
  };
  return { deps: { ...built.deps, registryTags }, close: built.close };
}

/** Audits images under a policy (`trustdesk audit`). */
export async function auditWithContext(ctx: TrustContext, req: { images: ImageOccurrence[]; policy: DaemonPolicy }): Promise<AuditReport> {
  const { deps, close } = contextAuditDeps(ctx);
  try {
    return await auditImages(req.images, req.policy, deps);
  } finally {
    close();
  }
}

function readAll(sources: { name: string; text: string }[], env: NodeJS.ProcessEnv): { images: ImageOccurrence[]; problems: SourceProblem[] } {
  const images: ImageOccurrence[] = [];
  const problems: SourceProblem[] = [];
  for (const s of sources) {
    // pasted text with no file name: a YAML document or a list, by its content
    const r = readSourceText(s.text, s.name, env);
    images.push(...r.images);
    problems.push(...r.problems);
  }
  return { images, problems };
}

function toView(r: AuditReport): NonNullable<AuditRunView['report']> {
  return { ...r, images: r.images.map(({ pin, ...rest }) => ({ ...rest, rootRule: pin })) };
}

/** The app's audit: pasted or opened sources under a pasted daemon.json (none: the client default). */
export async function runAudit(ctx: TrustContext, req: { sources: { name: string; text: string }[]; policy?: string }): Promise<AuditRunView> {
  let policy: DaemonPolicy = CLIENT_DEFAULT_POLICY;
  const policyProblems: AuditRunView['policyProblems'] = [];
  const fromFile = !!req.policy && req.policy.trim().length > 0;
  if (fromFile) {
    try {
      const parsed = parseDaemonPolicyText(req.policy!, 'daemon.json');
      policy = parsed.policy;
      for (const p of parsed.problems) policyProblems.push({ location: p.path || 'daemon.json', message: p.message });
    } catch (err) {
      policyProblems.push({ location: 'daemon.json', message: (err as Error).message });
    }
  }
  const view = {
    fromFile,
    mode: policy.mode,
    officialImages: policy.officialImages,
    allowExpiredTrustCache: policy.allowExpiredTrustCache,
    rootKeys: policy.rootKeys.map((r) => ({ ...r })),
  };
  const { images, problems } = readAll(req.sources, ctx.env);
  if (policyProblems.length) return { policy: view, policyProblems, sourceProblems: problems };
  const report = await auditWithContext(ctx, { images, policy });
  return { policy: view, policyProblems, sourceProblems: problems, report: toView(report) };
}

/** The audit before and after a policy change, and what changed. */
export async function compareAudits(ctx: TrustContext, req: { sources: { name: string; text: string }[]; before?: string; after: string }) {
  const before = await runAudit(ctx, { sources: req.sources, ...(req.before !== undefined ? { policy: req.before } : {}) });
  const after = await runAudit(ctx, { sources: req.sources, policy: req.after });
  const was = new Map((before.report?.images ?? []).map((i) => [i.image, `${i.verdict} ${i.reason}`]));
  const changes = (after.report?.images ?? [])
    .map((i) => ({ image: i.image, from: was.get(i.image) ?? '-', to: `${i.verdict} ${i.reason}` }))
    .filter((c) => c.from !== c.to);
  return { before, after, changes };
}

/** Pins a repository's root keys in the daemon.json text, and audits before and after. */
export async function pinRootAndCompare(
  ctx: TrustContext,
  req: { sources: { name: string; text: string }[]; policy: string; gun: string; keyIds: string[] },
) {
  const policyText = pinInDaemonJson(req.policy, parseReference(req.gun).gun, req.keyIds);
  return { policyText, ...(await compareAudits(ctx, { sources: req.sources, before: req.policy, after: policyText })) };
}
