/**
 * IPC channels of the Migration view (issue 17), one per step: plan (the dry run, with the parity
 * table), sign (long request; progress polled, cancel between tags), policies (the generated files and
 * the parity report; saved by main, never written from renderer text). Spread into CONTRACT.
 * Keys are references (a file path or a trust-dir key ID); a passphrase typed into the view goes in
 * once per request and never comes back.
 */
import { z } from 'zod';
import { errorValueSchema } from '../view-model.js';

const filePath = z.string().min(1).max(4096);
const repositories = z.array(z.string().min(1).max(300)).min(1).max(200);
export const MIGRATION_KEY_KINDS = ['file', 'trust-dir'] as const;
const keySource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: filePath }).strict(),
  z.object({ kind: z.literal('trust-dir'), keyId: z.string().regex(/^[0-9a-f]{4,64}$/) }).strict(),
]);
export type MigrationKeySource = z.infer<typeof keySource>;
const passphrase = z.string().max(1024).optional();
export const POLICY_FORMAT_NAMES = ['containers', 'kyverno', 'policy-controller', 'ci'] as const;
const jobId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

const verdict = z.enum(['signed', 'unsigned', 'digest-mismatch', 'signed-not-in-registry']);
const parityOutcome = z.enum(['same', 'refused-by-both', 'signer-not-migrated', 'no-cosign-signature-yet', 'cosign-only']);
const remark = z.object({ format: z.enum([...POLICY_FORMAT_NAMES, 'all']), message: z.string() });

export const parityReportSchema = z.object({
  generatedAt: z.string(),
  keys: z.array(z.object({ name: z.string(), keyId: z.string(), signers: z.array(z.string()) })),
  repositories: z.array(
    z.object({
      name: z.string(),
      gun: z.string(),
      error: errorValueSchema.optional(),
      count: z.number(),
      signers: z.array(z.object({ name: z.string(), threshold: z.number(), migrated: z.boolean() })),
      tags: z.array(
        z.object({
          repository: z.string(),
          tag: z.string(),
          digest: z.string().optional(),
          dct: z.object({ accepts: z.boolean(), verdict, signers: z.array(z.string()) }),
          cosign: z.object({ accepts: z.boolean(), keys: z.array(z.string()), detail: z.string() }),
          outcome: parityOutcome,
          detail: z.string(),
        }),
      ),
    }),
  ),
  counts: z.record(parityOutcome, z.number()),
  identical: z.boolean(),
  needsContainersImage533: z.boolean(),
  untranslatable: z.array(remark),
  notes: z.array(remark),
});
export type ParityReportView = z.infer<typeof parityReportSchema>;

export const migrationPlanSchema = z.object({
  /** The signing key, described (its public key is in the generated policies, not here). */
  key: z.object({ description: z.string() }),
  bundle: z.boolean(),
  repositories: z.array(z.object({ name: z.string(), gun: z.string(), error: errorValueSchema.optional() })),
  tags: z.array(
    z.object({
      repository: z.string(),
      tag: z.string(),
      action: z.enum(['sign', 'already-signed', 'skip']),
      digest: z.string().optional(),
      dctVerdict: verdict,
      dctSigners: z.array(z.string()),
      reason: z.string(),
    }),
  ),
  counts: z.object({ sign: z.number(), alreadySigned: z.number(), skip: z.number() }),
});
export type MigrationPlanView = z.infer<typeof migrationPlanSchema>;

export const migrationReportSchema = z.object({
  tags: z.array(
    z.object({
      repository: z.string(),
      tag: z.string(),
      digest: z.string().optional(),
      outcome: z.enum(['signed', 'already-signed', 'skipped', 'failed']),
      detail: z.string(),
      verifyCommand: z.string().optional(),
    }),
  ),
  counts: z.object({ signed: z.number(), alreadySigned: z.number(), skipped: z.number(), failed: z.number() }),
  verifyCommands: z.array(z.string()),
  cancelled: z.boolean().optional(),
  publicKeyFile: z.string().optional(),
});
export type MigrationReportView = z.infer<typeof migrationReportSchema>;

export const policyFileSchema = z.object({ format: z.enum(POLICY_FORMAT_NAMES), path: z.string(), title: z.string(), text: z.string() });
export type PolicyFileView = z.infer<typeof policyFileSchema>;

const policiesRequest = z
  .object({
    repositories,
    key: keySource,
    /** More public keys (PEM files): other signers' keys. */
    extraKeys: z.array(filePath).max(20).optional(),
    formats: z.array(z.enum(POLICY_FORMAT_NAMES)).optional(),
    passphrase,
    /** Write the files to this folder (all, or only `only`): main generates them again and writes them. */
    save: z
      .object({ dir: filePath, only: z.string().max(300).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const MIGRATE_CONTRACT = {
  'migrate:plan': {
    request: z.object({ repositories, key: keySource, bundle: z.boolean().optional(), passphrase }).strict(),
    response: z.object({ plan: migrationPlanSchema, parity: parityReportSchema }),
  },
  'migrate:sign': {
    request: z.object({ jobId, repositories, key: keySource, bundle: z.boolean().optional(), passphrase }).strict(),
    response: migrationReportSchema,
  },
  'migrate:progress': {
    request: z.object({ jobId }).strict(),
    response: z.object({
      state: z.enum(['running', 'cancelling', 'finished', 'unknown']),
      done: z.number(),
      total: z.number(),
      repository: z.string().optional(),
      tag: z.string().optional(),
      step: z.string().optional(),
    }),
  },
  'migrate:cancel': {
    request: z.object({ jobId }).strict(),
    response: z.object({ cancelling: z.boolean() }),
  },
  'migrate:policies': {
    request: policiesRequest,
    response: z.object({ report: parityReportSchema, files: z.array(policyFileSchema), saved: z.array(z.string()).optional() }),
  },
} as const;
