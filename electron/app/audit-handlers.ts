/**
 * Handlers of the Audit view and the CI signing set-up (shared/ipc/audit-contract.ts), spread into the
 * registry of handlers.ts. The audit opens sessions per registry with the trust server and CA set in
 * Settings (as the overview loader does) and the docker config dir's trust cache; the policy editor
 * edits the daemon.json text it is given and answers with the audit before and after. The CI set-up
 * takes the dialog's passphrases once (oneShotProvider) and returns paths, IDs and names only.
 */
import type { z } from 'zod';
import type { AUDIT_CONTRACT, AuditRunView } from '../../shared/ipc/audit-contract.js';
import type { Settings } from '../../shared/view-model.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { auditImages, sessionAuditDeps, type AuditDeps, type AuditReport } from '../core/enforcement/audit.js';
import { CLIENT_DEFAULT_POLICY, parseDaemonPolicyText, pinInDaemonJson, type DaemonPolicy } from '../core/enforcement/daemon-policy.js';
import { readSourceText, type ImageOccurrence, type SourceProblem } from '../core/enforcement/image-sources.js';
import { setUpCiSigner, CI_KEY_VARIABLE, CI_PASSPHRASE_VARIABLE, SIGNING_PASSPHRASE_ENV } from '../core/use-cases/signers/ci-signer.js';
import { parseReference } from '../core/base/reference.js';
import { TrustDeskError } from '../core/base/errors.js';
import { readFile } from 'node:fs/promises';
import { contextFromSettings } from './context.js';

type Spec = typeof AUDIT_CONTRACT;
type AuditImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface AuditHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  invalidate: (gun: string) => void;
}

/** One audit session per registry, each with the trust server and CA Settings give that registry. */
function settingsAuditDeps(s: Settings, env: NodeJS.ProcessEnv, configDir: string, now: () => Date): { deps: AuditDeps; close(): void } {
  const byRegistry = new Map<string, ReturnType<typeof sessionAuditDeps>>();
  const of = (registry: string): AuditDeps => {
    let d = byRegistry.get(registry);
    if (!d) {
      d = sessionAuditDeps({ env, configDir, server: s.trustServers[registry], tlsCaCert: s.caFiles[registry], offline: s.offline });
      byRegistry.set(registry, d);
    }
    return d.deps;
  };
  return {
    deps: {
      loadTrust: (ref) => of(ref.registry).loadTrust(ref),
      loadCachedTrust: (ref) => of(ref.registry).loadCachedTrust(ref),
      trustServerReachable: (ref) => of(ref.registry).trustServerReachable(ref),
      registryTags: (ref) => of(ref.registry).registryTags(ref),
      now,
      ...(s.offline ? { registryOffline: true } : {}),
    },
    close: () => {
      for (const d of byRegistry.values()) d.close();
    },
  };
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

export function auditHandlers(deps: AuditHandlerDeps): AuditImpl {
  async function run(sources: { name: string; text: string }[], policyText: string | undefined): Promise<AuditRunView> {
    let policy: DaemonPolicy = CLIENT_DEFAULT_POLICY;
    const policyProblems: AuditRunView['policyProblems'] = [];
    const fromFile = !!policyText && policyText.trim().length > 0;
    if (fromFile) {
      try {
        const parsed = parseDaemonPolicyText(policyText!, 'daemon.json');
        policy = parsed.policy;
        for (const p of parsed.problems) policyProblems.push({ location: p.path || 'daemon.json', message: p.message });
      } catch (err) {
        policyProblems.push({ location: 'daemon.json', message: (err as Error).message });
      }
    }
    const view = { fromFile, mode: policy.mode, officialImages: policy.officialImages, allowExpiredTrustCache: policy.allowExpiredTrustCache, rootKeys: policy.rootKeys.map((r) => ({ ...r })) };
    const { images, problems } = readAll(sources, deps.env);
    if (policyProblems.length) return { policy: view, policyProblems, sourceProblems: problems };
    const s = await deps.settings.get();
    const { deps: auditDeps, close } = settingsAuditDeps(s, deps.env, deps.configDirOf(s), deps.now);
    try {
      const report = await auditImages(images, policy, auditDeps);
      return { policy: view, policyProblems, sourceProblems: problems, report: toView(report) };
    } finally {
      close();
    }
  }

  async function compare(sources: { name: string; text: string }[], beforeText: string | undefined, afterText: string) {
    const before = await run(sources, beforeText);
    const after = await run(sources, afterText);
    const was = new Map((before.report?.images ?? []).map((i) => [i.image, `${i.verdict} ${i.reason}`]));
    const changes = (after.report?.images ?? [])
      .map((i) => ({ image: i.image, from: was.get(i.image) ?? '-', to: `${i.verdict} ${i.reason}` }))
      .filter((c) => c.from !== c.to);
    return { before, after, changes };
  }

  return {
    async 'audit:compare'({ sources, before, after }) {
      return compare(sources, before, after);
    },
    async 'audit:run'({ sources, policy }) {
      return run(sources, policy);
    },
    async 'audit:pin-root'({ sources, policy, gun, keyIds }) {
      const policyText = pinInDaemonJson(policy, parseReference(gun).gun, keyIds);
      return { policyText, ...(await compare(sources, policy, policyText)) };
    },
    async 'ci:setup'({ signer, repositories, paths, outDir, passphrases }) {
      const s = await deps.settings.get();
      const registry = parseReference(repositories[0]!).registry;
      // one session, one trust server: the repositories of one CI set-up share a registry
      const other = repositories.find((r) => parseReference(r).registry !== registry);
      if (other) throw new TrustDeskError('INVALID_ARGUMENT', `${other} is not on ${registry}: set up one registry at a time`);
      const ctx = contextFromSettings(s, { env: deps.env, now: deps.now }, passphrases ? { passphrase: oneShotProvider(passphrases) } : undefined);
      try {
        const r = await setUpCiSigner(ctx, { name: signer, repositories, ...(paths?.length ? { paths } : {}), outDir });
        for (const x of r.repositories) deps.invalidate(parseReference(x.repository).gun);
        return {
          name: r.name,
          keyId: r.keyId,
          repositories: r.repositories.map((x) => ({ repository: x.repository, added: !!x.result?.published, ...(x.initialised ? { initialised: true } : {}), ...(x.error ? { error: x.error } : {}) })),
          files: r.files,
          ciVariables: [
            { name: CI_KEY_VARIABLE, holds: `the text of ${r.name}.key (the encrypted delegation key)` },
            { name: CI_PASSPHRASE_VARIABLE, holds: `its passphrase (the snippets pass it as ${SIGNING_PASSPHRASE_ENV})` },
          ],
          revoke: r.revoke,
          githubActions: await readFile(r.files.githubActions, 'utf8'),
          gitlabCi: await readFile(r.files.gitlabCi, 'utf8'),
          warnings: r.warnings,
        };
      } finally {
        ctx.close();
      }
    },
  };
}
