/**
 * DCT → cosign migration: plan (dry run), execute (with progress), report.
 *
 * Plan: every registry tag whose Docker Content Trust signature verifies and matches the registry
 * (verdict `signed`) gets a classic cosign signature of its digest, with payload `docker-reference` =
 * `<registry>/<repo>:<tag>` so the tag binding carries over. Tags that already have a valid signature
 * by this key for that reference are skipped; every other tag is listed with the DCT verdict that keeps
 * it out. Execute re-reads each tag's digest (a tag moved since the plan is skipped), appends the
 * signature (never overwrites), optionally attaches the bundle form, and reads everything back with the
 * reader before calling the tag done. Results are plain values (IPC-safe).
 */
import { parseReference } from '../base/reference.js';
import { toErrorValue, type ErrorValue } from '../base/errors.js';
import { repositoryStatus, type Verdict } from '../tuf/verdicts.js';
import type { TrustSession } from '../session/trust-session.js';
import { isTrustDeskError } from '../base/errors.js';
import { appendClassicSignature } from './classic.js';
import { attachBundle, makeBundle } from './bundle.js';
import { publicKeyPem } from '../signing/ecdsa.js';
import { makePayload } from './simple-signing.js';
import type { CosignSigner } from '../signing/cosign/signing-key.js';
import { verifyDigest } from './verify-images.js';

export type PlanAction = 'sign' | 'already-signed' | 'skip';

export interface PlannedTag {
  repository: string;
  tag: string;
  action: PlanAction;
  digest?: string;
  mediaType?: string;
  size?: number;
  dctVerdict: Verdict;
  /** Who signed it in DCT. */
  dctSigners: string[];
  /** The payload's docker-reference. */
  dockerReference?: string;
  reason: string;
  /** `sign` only: a valid classic signature by this key for this tag is already there (only the bundle is missing). */
  hasClassic?: boolean;
}

export interface MigrationPlan {
  key: { description: string; publicKeyPem: string };
  bundle: boolean;
  repositories: { name: string; gun: string; error?: ErrorValue }[];
  tags: PlannedTag[];
  counts: { sign: number; alreadySigned: number; skip: number };
}

export interface TagReport {
  repository: string;
  tag: string;
  digest?: string;
  outcome: 'signed' | 'already-signed' | 'skipped' | 'failed';
  detail: string;
  /** Layers of other signers kept in the .sig manifest. */
  keptSignatures?: number;
  bundle?: 'referrers-api' | 'fallback-tag';
  verifyCommand?: string;
}

export interface MigrationReport {
  key: { description: string; publicKeyPem: string };
  tags: TagReport[];
  counts: { signed: number; alreadySigned: number; skipped: number; failed: number };
  /** `cosign verify …` lines to run elsewhere, one per signed tag. */
  verifyCommands: string[];
  /** Stopped on request: the tags not yet begun are `skipped` ("cancelled"); a tag being signed was finished first. */
  cancelled?: boolean;
}

export type Progress = (e: { done: number; total: number; repository: string; tag: string; step: string }) => void;

/** Tags cosign (and the OCI referrers fallback) write next to images: `sha256-<hex>[.sig|.att|.sbom]`. */
export const COSIGN_TAG = /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/;

export function verifyCommand(gun: string, digest: string): string {
  return `cosign verify --key cosign.pub --insecure-ignore-tlog ${gun}@${digest}`;
}

const REASONS: Record<Verdict, string> = {
  signed: 'DCT signature verifies and matches the registry',
  unsigned: 'not signed with Docker Content Trust: nothing to carry over',
  'digest-mismatch': 'the registry serves other bytes than the DCT-signed digest: not carried over',
  'signed-not-in-registry': 'signed in DCT, but the registry has no such tag',
};

export async function planMigration(
  session: TrustSession,
  names: string[],
  signer: CosignSigner,
  opts: { bundle?: boolean } = {},
): Promise<MigrationPlan> {
  const plan: MigrationPlan = {
    key: { description: signer.description, publicKeyPem: publicKeyPem(signer.publicKey) },
    bundle: opts.bundle ?? false,
    repositories: [],
    tags: [],
    counts: { sign: 0, alreadySigned: 0, skip: 0 },
  };
  for (const name of names) {
    const ref = parseReference(name);
    try {
      const [trust, tags] = await Promise.all([
        session.loadTrust(ref).catch((err: unknown) => {
          if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) return undefined;
          throw err;
        }),
        session.registryTags(ref),
      ]);
      const status = repositoryStatus(name, trust, tags, session.now());
      plan.repositories.push({ name, gun: ref.gun });
      const oci = await session.ociClient(ref);
      const byTag = new Map(tags.map((t) => [t.tag, t]));
      for (const t of status.tags) {
        if (COSIGN_TAG.test(t.tag)) continue; // cosign's own signature / referrer tags are not images
        const rt = byTag.get(t.tag);
        const base: PlannedTag = {
          repository: ref.gun,
          tag: t.tag,
          action: 'skip',
          dctVerdict: t.verdict,
          dctSigners: t.signers,
          reason: REASONS[t.verdict],
        };
        if (t.registryDigest) base.digest = t.registryDigest;
        if (t.verdict !== 'signed' || !t.registryDigest) {
          plan.tags.push(base);
          continue;
        }
        const dockerReference = `${ref.gun}:${t.tag}`;
        const existing = await verifyDigest(oci, ref.repository, t.registryDigest, signer.publicKey);
        const has = existing.signatures.some((s) => s.format === 'classic' && s.verdict === 'valid' && s.dockerReference === dockerReference);
        const hasBundle = existing.signatures.some((s) => s.format === 'bundle' && s.verdict === 'valid');
        const done = has && (!plan.bundle || hasBundle);
        plan.tags.push({
          ...base,
          action: done ? 'already-signed' : 'sign',
          dockerReference,
          ...(has && !done ? { hasClassic: true } : {}),
          ...(rt?.mediaType ? { mediaType: rt.mediaType } : {}),
          ...(rt?.size !== undefined ? { size: rt.size } : {}),
          reason: done
            ? 'already has a valid cosign signature by this key for this tag'
            : has
              ? 'classic signature present; the bundle form will be attached'
              : REASONS.signed,
        });
      }
    } catch (err) {
      plan.repositories.push({ name, gun: ref.gun, error: toErrorValue(err) });
    }
  }
  for (const t of plan.tags) {
    if (t.action === 'sign') plan.counts.sign++;
    else if (t.action === 'already-signed') plan.counts.alreadySigned++;
    else plan.counts.skip++;
  }
  return plan;
}

/**
 * Signs the plan's tags one after another. `signal`: a cancel takes effect between tags, never inside
 * one (a signature is pushed and read back, or not begun), so what is in the registry is always whole.
 */
export async function executeMigration(
  session: TrustSession,
  plan: MigrationPlan,
  signer: CosignSigner,
  progress?: Progress,
  signal?: AbortSignal,
): Promise<MigrationReport> {
  const report: MigrationReport = { key: plan.key, tags: [], counts: { signed: 0, alreadySigned: 0, skipped: 0, failed: 0 }, verifyCommands: [] };
  const todo = plan.tags.filter((t) => t.action === 'sign');
  let done = 0;
  for (const t of plan.tags) {
    if (t.action === 'skip') {
      report.tags.push({ repository: t.repository, tag: t.tag, ...(t.digest ? { digest: t.digest } : {}), outcome: 'skipped', detail: t.reason });
      continue;
    }
    if (t.action === 'already-signed') {
      report.tags.push({
        repository: t.repository,
        tag: t.tag,
        digest: t.digest!,
        outcome: 'already-signed',
        detail: t.reason,
        verifyCommand: verifyCommand(t.repository, t.digest!),
      });
      continue;
    }
    if (signal?.aborted) {
      report.cancelled = true;
      report.tags.push({
        repository: t.repository,
        tag: t.tag,
        digest: t.digest!,
        outcome: 'skipped',
        detail: 'cancelled before this tag: nothing was written for it',
      });
      continue;
    }
    const ref = parseReference(t.repository);
    const step = (s: string) => progress?.({ done, total: todo.length, repository: t.repository, tag: t.tag, step: s });
    try {
      step('checking the tag');
      const reg = await session.registry(ref);
      const now = await reg.manifestDigest(ref.repository, t.tag);
      if (now.digest !== t.digest) {
        report.tags.push({
          repository: t.repository,
          tag: t.tag,
          digest: now.digest,
          outcome: 'skipped',
          detail: `the tag moved since the plan (${t.digest} → ${now.digest}); not signed`,
        });
        continue;
      }
      const oci = await session.ociClient(ref);
      let appended: { tag: string; kept: number; alreadyPresent: boolean } = { tag: '', kept: 0, alreadyPresent: true };
      if (!t.hasClassic) {
        const payload = makePayload(t.dockerReference!, t.digest);
        step('signing');
        const sig = await signer.sign(payload, `cosign signature of ${t.dockerReference} (${t.digest})`);
        step('writing the signature');
        appended = await appendClassicSignature(oci, ref.repository, t.digest, payload, sig.toString('base64'));
      }
      let bundleVia: TagReport['bundle'];
      if (plan.bundle) {
        step('attaching the bundle');
        const bundle = await makeBundle(ref.gun, t.digest, signer.publicKey, (d) =>
          signer.sign(d, `cosign bundle for ${t.dockerReference} (${t.digest})`),
        );
        bundleVia = (await attachBundle(oci, ref.repository, { digest: t.digest, mediaType: now.mediaType, size: now.size }, bundle)).via;
      }
      step('reading back');
      const back = await verifyDigest(oci, ref.repository, t.digest, signer.publicKey);
      const classicOk = back.signatures.some((s) => s.format === 'classic' && s.verdict === 'valid' && s.dockerReference === t.dockerReference);
      const bundleOk = !plan.bundle || back.signatures.some((s) => s.format === 'bundle' && s.verdict === 'valid');
      if (!classicOk || !bundleOk) throw new Error(`written, but reading it back did not find a valid ${classicOk ? 'bundle' : 'classic signature'}`);
      report.tags.push({
        repository: t.repository,
        tag: t.tag,
        digest: t.digest,
        outcome: appended.alreadyPresent && !plan.bundle ? 'already-signed' : 'signed',
        detail: `${t.hasClassic ? 'classic signature already there' : `${appended.tag}: ${appended.kept} other signature(s) kept`}${bundleVia ? `; bundle via ${bundleVia}` : ''}`,
        ...(t.hasClassic ? {} : { keptSignatures: appended.kept }),
        ...(bundleVia ? { bundle: bundleVia } : {}),
        verifyCommand: verifyCommand(t.repository, t.digest),
      });
    } catch (err) {
      const e = toErrorValue(err);
      report.tags.push({ repository: t.repository, tag: t.tag, digest: t.digest!, outcome: 'failed', detail: `${e.code}: ${e.message}` });
    } finally {
      done++;
      step('done');
    }
  }
  for (const r of report.tags) {
    if (r.outcome === 'signed') report.counts.signed++;
    else if (r.outcome === 'already-signed') report.counts.alreadySigned++;
    else if (r.outcome === 'skipped') report.counts.skipped++;
    else report.counts.failed++;
    if (r.verifyCommand && (r.outcome === 'signed' || r.outcome === 'already-signed')) report.verifyCommands.push(r.verifyCommand);
  }
  return report;
}
