/**
 * IPC channels of trust pinning and the offline inspector (issue 9): which repositories are pinned
 * (and how), pin a repository's current root or unpin it, and open a trust directory or a trust
 * archive with no network to see its repositories as of the time they were saved. Spread into
 * CONTRACT (contract.ts). Field names avoid a `pin` prefix: the contract test reserves those for
 * hardware-token PINs, which never cross.
 */
import { z } from 'zod';
import { errorValueSchema, overviewSchema } from '../view-model.js';

const name = z.string().min(1).max(300);
const filePath = z.string().min(1).max(4096);
export const OFFLINE_SOURCES = ['archive', 'trust-dir'] as const;
const offlineSource = z.enum(OFFLINE_SOURCES);

/** How a repository's root is trusted: a `certs` or `ca` pin, trust on first use, or refused (disable_tofu). */
export const trustRuleSchema = z.object({
  gun: z.string(),
  kind: z.enum(['certs', 'ca', 'tofu', 'refused']),
  pattern: z.string().optional(),
  certIds: z.array(z.string()).optional(),
  caFile: z.string().optional(),
});
export type TrustRuleView = z.infer<typeof trustRuleSchema>;

export const pinListSchema = z.object({
  /** TrustDesk's pins file (where "Pin current root" writes). */
  file: z.string(),
  sources: z.array(z.string()),
  disableTofu: z.boolean(),
  rules: z.array(
    z.object({
      pattern: z.string(),
      kind: z.enum(['certs', 'ca']),
      certIds: z.array(z.string()).optional(),
      caFile: z.string().optional(),
      source: z.string(),
    }),
  ),
  repositories: z.array(trustRuleSchema),
});
export type PinListView = z.infer<typeof pinListSchema>;

export const offlineSummarySchema = z.object({
  source: offlineSource,
  path: z.string(),
  /** Archive time, or the newest cache time of the trust directory. */
  asOf: z.string().optional(),
  createdBy: z.string().optional(),
  /** A signed archive's verified signer. */
  signer: z.object({ scheme: z.enum(['notary', 'cosign']), keyId: z.string() }).optional(),
  unsigned: z.boolean().optional(),
  repositories: z.array(z.object({ gun: z.string(), asOf: z.string().optional(), error: errorValueSchema.optional() })),
});
export type OfflineSummaryView = z.infer<typeof offlineSummarySchema>;

export const offlineOverviewSchema = z.object({
  source: offlineSource,
  path: z.string(),
  overview: overviewSchema,
  /** Everything was verified as of this time. */
  asOf: z.string().optional(),
  /** Roles valid then that have expired by now. */
  expiredSince: z.array(z.object({ role: z.string(), expires: z.string() })),
});
export type OfflineOverviewView = z.infer<typeof offlineOverviewSchema>;

export const PINS_CONTRACT = {
  /** Every pin in force (TrustDesk's pins file) and every cached repository with the rule that applies. */
  'pins:list': { request: z.object({}).strict(), response: pinListSchema },
  /** The rule that applies to one repository (the badge on the Repository view). */
  'pins:for': { request: z.object({ name }).strict(), response: trustRuleSchema },
  /** Verifies the repository, then pins its current root's certificate IDs (exact certs pin). */
  'pins:pin-current': {
    request: z.object({ name }).strict(),
    response: z.object({
      gun: z.string(),
      certIds: z.array(z.string()),
      rootVersion: z.number(),
      file: z.string(),
      previousIds: z.array(z.string()).optional(),
    }),
  },
  /** Removes the repository's exact pin from TrustDesk's pins file. */
  'pins:unpin': { request: z.object({ name }).strict(), response: z.object({ gun: z.string(), removedIds: z.array(z.string()).optional() }) },
  /** Opens a trust directory (or the docker config dir holding it) or a trust archive, with no network. */
  'offline:open': { request: z.object({ source: offlineSource, path: filePath }).strict(), response: offlineSummarySchema },
  /** One repository of it, verified as of the time it was saved, with what has expired since. */
  'offline:overview': { request: z.object({ source: offlineSource, path: filePath, name }).strict(), response: offlineOverviewSchema },
} as const;
