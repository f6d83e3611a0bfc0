/**
 * Handlers of the Migration view's channels (shared/ipc/migrate-contract.ts): one line per channel →
 * the use cases `migrateToCosign` (plan, sign) and `migratePolicy` (parity, policies). `migrate:sign`
 * is a long request: its progress is kept here by job ID for `migrate:progress`, and `migrate:cancel`
 * aborts it between tags (never inside one). A passphrase or cosign password typed into the view is
 * answered once for the request.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MIGRATE_CONTRACT, MigrationKeySource } from '../../shared/ipc/migrate-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import type { TrustContext } from '../core/session/context.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { migrateToCosign, type MigrateResult } from '../core/use-cases/cosign/migrate.js';
import { migratePolicy, writePolicyFiles, type PolicyFormat } from '../core/use-cases/migrate/policy.js';
import { TrustDeskError } from '../core/base/errors.js';
import type { AppContext } from './context.js';

interface Job {
  controller: AbortController;
  state: 'running' | 'cancelling' | 'finished';
  done: number;
  total: number;
  repository?: string;
  tag?: string;
  step?: string;
}

/** Jobs by ID: kept a while after they finish so the last poll sees `finished`. */
const jobs = new Map<string, Job>();

function keySpec(k: MigrationKeySource): string {
  return k.kind === 'file' ? k.path : `notary:${k.keyId}`;
}

function migrateContext(ctx: AppContext, passphrase: string | undefined): TrustContext {
  if (passphrase === undefined) return ctx.trust;
  return ctx.trustWith({
    passphrase: oneShotProvider({ unlock: passphrase }),
    cosignPassword: async (r) => (r.purpose === 'unlock' ? passphrase : undefined),
  });
}

/** cosign.pub goes next to the trust dir (the app has no meaningful working directory). */
async function publicKeyDir(trust: TrustContext): Promise<string> {
  const dir = join(trust.configDir, 'trustdesk-public-keys');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function reportView(r: MigrateResult) {
  return { ...r.report!, ...(r.publicKeyFile ? { publicKeyFile: r.publicKeyFile.path } : {}) };
}

async function sign(
  ctx: AppContext,
  req: { jobId: string; repositories: string[]; key: MigrationKeySource; bundle?: boolean | undefined; passphrase?: string | undefined },
) {
  if (jobs.get(req.jobId)?.state === 'running') throw new Error(`job ${req.jobId} is already running`);
  const job: Job = { controller: new AbortController(), state: 'running', done: 0, total: 0 };
  jobs.set(req.jobId, job);
  try {
    const trust = migrateContext(ctx, req.passphrase);
    const r = await migrateToCosign(trust, {
      repositories: req.repositories,
      key: keySpec(req.key),
      ...(req.bundle ? { bundle: true } : {}),
      outDir: await publicKeyDir(trust),
      onPlan: (plan) => {
        job.total = plan.counts.sign;
      },
      onProgress: (e) => Object.assign(job, { done: e.done, total: e.total, repository: e.repository, tag: e.tag, step: e.step }),
      signal: job.controller.signal,
    });
    return reportView(r);
  } finally {
    job.state = 'finished';
    setTimeout(() => jobs.delete(req.jobId), 60_000).unref();
  }
}

async function policies(
  ctx: AppContext,
  req: {
    repositories: string[];
    key: MigrationKeySource;
    extraKeys?: string[] | undefined;
    formats?: PolicyFormat[] | undefined;
    passphrase?: string | undefined;
    save?: { dir: string; only?: string | undefined } | undefined;
  },
) {
  const r = await migratePolicy(migrateContext(ctx, req.passphrase), {
    repositories: req.repositories,
    keys: [keySpec(req.key), ...(req.extraKeys ?? [])],
    ...(req.formats ? { formats: req.formats } : {}),
    dryRun: true,
  });
  if (!req.save) return { report: r.report, files: r.files };
  const chosen = req.save.only === undefined ? r.files : r.files.filter((f) => f.path === req.save!.only);
  if (chosen.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', `no generated file ${req.save.only}`);
  return { report: r.report, files: r.files, saved: await writePolicyFiles(req.save.dir, chosen) };
}

export const MIGRATE_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof MIGRATE_CONTRACT>> = {
  'migrate:plan': async (ctx, { repositories, key, bundle, passphrase }) => {
    const trust = migrateContext(ctx, passphrase);
    const { plan } = await migrateToCosign(trust, { repositories, key: keySpec(key), ...(bundle ? { bundle: true } : {}), dryRun: true });
    const parity = await migratePolicy(trust, {
      repositories,
      keys: [],
      publicKeys: [{ name: key.kind === 'file' ? 'cosign' : key.keyId.slice(0, 12), pem: plan.key.publicKeyPem }],
      dryRun: true,
    });
    return { plan, parity: parity.report };
  },
  'migrate:sign': (ctx, req) => sign(ctx, req),
  'migrate:progress': (_ctx, { jobId }) => {
    const j = jobs.get(jobId);
    if (!j) return { state: 'unknown', done: 0, total: 0 };
    return { state: j.state, done: j.done, total: j.total, ...(j.repository ? { repository: j.repository, tag: j.tag!, step: j.step! } : {}) };
  },
  'migrate:cancel': (_ctx, { jobId }) => {
    const j = jobs.get(jobId);
    if (!j || j.state !== 'running') return { cancelling: false };
    j.state = 'cancelling';
    j.controller.abort();
    return { cancelling: true };
  },
  'migrate:policies': (ctx, req) => policies(ctx, req),
};
