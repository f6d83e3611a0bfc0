/**
 * IPC channels of the Audit view and the CI signing set-up (issue 10). Spread into CONTRACT
 * (contract.ts). Sources and daemon.json come as text (pasted, or read from a file the user opened
 * in the renderer); the CI set-up writes its bundle to a directory the user chose and returns paths,
 * IDs and names only: never key bytes or passphrases (a passphrase typed into the dialog goes in once).
 */
import { z } from 'zod';
import { errorValueSchema } from '../view-model.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const name = z.string().min(1).max(300);
const sourceText = z.object({ name: z.string().min(1).max(300), text: z.string().max(2_000_000) }).strict();
const sources = z.array(sourceText).min(1).max(50);
const policyText = z.string().max(512_000);

export const AUDIT_REASONS = [
  'ok',
  'trust-disabled',
  'invalid-reference',
  'no-trust-server',
  'unsigned',
  'expired',
  'expired-cache-allowed',
  'invalid-trust-data',
  'not-pinned',
  'pinned-key-mismatch',
  'tag-not-signed',
  'digest-mismatch',
  'not-in-registry',
  'registry-unreachable',
] as const;
export const AUDIT_VERDICTS = ['pass', 'fail', 'warn', 'off'] as const;
export const TRUST_MODE_VALUES = ['disabled', 'permissive', 'enforced'] as const;

export const imageAuditSchema = z.object({
  image: z.string(),
  locations: z.array(z.string()),
  gun: z.string().optional(),
  tag: z.string().optional(),
  digest: z.string().optional(),
  pulls: z.boolean(),
  verdict: z.enum(AUDIT_VERDICTS),
  reason: z.enum(AUDIT_REASONS),
  detail: z.string(),
  /** How the policy pins the repository's root (the core's `pin`). */
  rootRule: z.object({
    kind: z.enum(['root-keys', 'official', 'tofu', 'none']),
    glob: z.string().optional(),
    keyIds: z.array(z.string()).optional(),
  }),
  rootKeys: z.array(z.object({ canonicalId: z.string(), certificateId: z.string() })).optional(),
  signedDigest: z.string().optional(),
  registryDigest: z.string().optional(),
  signers: z.array(z.string()).optional(),
  trustSource: z.enum(['remote', 'cache']).optional(),
  expiredSince: z.array(z.object({ role: z.string(), expires: z.string() })).optional(),
  error: errorValueSchema.optional(),
});
export type ImageAuditView = z.infer<typeof imageAuditSchema>;

export const auditReportSchema = z.object({
  mode: z.enum(TRUST_MODE_VALUES),
  exitCode: z.number(),
  summary: z.object({
    mode: z.enum(TRUST_MODE_VALUES),
    images: z.number(),
    pass: z.number(),
    fail: z.number(),
    warn: z.number(),
    off: z.number(),
    byReason: z.record(z.string(), z.number()),
  }),
  images: z.array(imageAuditSchema),
});
export type AuditReportView = z.infer<typeof auditReportSchema>;

export const policyViewSchema = z.object({
  /** False: no daemon.json given, TrustDesk assumes DOCKER_CONTENT_TRUST=1 (enforced, trust on first use). */
  fromFile: z.boolean(),
  mode: z.enum(TRUST_MODE_VALUES),
  officialImages: z.boolean(),
  allowExpiredTrustCache: z.boolean(),
  rootKeys: z.array(z.object({ glob: z.string(), pattern: z.string(), keyIds: z.array(z.string()) })),
});
export type PolicyView = z.infer<typeof policyViewSchema>;

const problem = z.object({ location: z.string(), message: z.string() });

export const auditRunSchema = z.object({
  policy: policyViewSchema,
  /** daemon.json problems (unknown keys, bad globs, IDs): the audit does not run until they are fixed. */
  policyProblems: z.array(problem),
  sourceProblems: z.array(problem),
  report: auditReportSchema.optional(),
});
export type AuditRunView = z.infer<typeof auditRunSchema>;

export const ciSetupResultSchema = z.object({
  name: z.string(),
  keyId: z.string(),
  repositories: z.array(
    z.object({ repository: z.string(), added: z.boolean(), initialised: z.boolean().optional(), error: errorValueSchema.optional() }),
  ),
  files: z.object({ key: z.string(), publicKey: z.string(), githubActions: z.string(), gitlabCi: z.string(), readme: z.string() }),
  /** The CI variables to create (names and what they hold). */
  ciVariables: z.array(z.object({ name: z.string(), holds: z.string() })),
  /** How to remove this CI signer later. */
  revoke: z.array(z.string()),
  githubActions: z.string(),
  gitlabCi: z.string(),
  warnings: z.array(z.string()),
});
export type CiSetupResultView = z.infer<typeof ciSetupResultSchema>;

export const AUDIT_CONTRACT = {
  /** Audits the images of the sources under the policy (empty policy: DOCKER_CONTENT_TRUST=1 defaults). */
  'audit:run': {
    request: z.object({ sources, policy: policyText.optional() }).strict(),
    response: auditRunSchema,
  },
  /** Pins a repository's root (canonical IDs) in the policy text; the audit before and after. */
  'audit:pin-root': {
    request: z.object({ sources, policy: policyText, gun: name, keyIds: z.array(hex64).min(1).max(10) }).strict(),
    response: z.object({
      policyText: z.string(),
      before: auditRunSchema,
      after: auditRunSchema,
      changes: z.array(z.object({ image: z.string(), from: z.string(), to: z.string() })),
    }),
  },
  /** Any edit of the policy text: the audit under the old and the new text, and which verdicts change. */
  'audit:compare': {
    request: z.object({ sources, before: policyText, after: policyText }).strict(),
    response: z.object({
      before: auditRunSchema,
      after: auditRunSchema,
      changes: z.array(z.object({ image: z.string(), from: z.string(), to: z.string() })),
    }),
  },
  /** CI signing set-up: key, signer on the repositories, bundle written to `outDir`. */
  'ci:setup': {
    request: z
      .object({
        signer: z.string().min(1).max(64),
        repositories: z.array(name).min(1).max(50),
        paths: z.array(z.string().max(255)).max(100).optional(),
        outDir: z.string().min(1).max(4096),
        passphrases: z
          .object({ unlock: z.string().max(1024).optional(), new: z.string().max(1024).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    response: ciSetupResultSchema,
  },
} as const;

export const AUDIT_CHANNELS = ['audit:run', 'audit:pin-root', 'audit:compare', 'ci:setup'] as const;
