/**
 * IPC channels of renewal (issue 18): the exact dry-run diff of renewing one role or every role a
 * repository has expiring within 90 days (expired ones included), then publishing it. Spread into
 * CONTRACT (contract.ts). Requests may carry a key passphrase typed into the app (used once, never
 * returned); responses carry role names, versions, dates and key IDs only.
 */
import { z } from 'zod';
import { publishPreviewSchema } from './publishing-contract.js';

const roleExpiry = z.object({
  role: z.string(),
  version: z.number(),
  expires: z.string(),
  expired: z.boolean(),
  signer: z.enum(['here', 'elsewhere', 'server']),
  keyIds: z.array(z.string()),
  threshold: z.number(),
  renewer: z.string(),
});

export const renewResultSchema = z.object({
  gun: z.string(),
  dryRun: z.boolean(),
  published: z.boolean(),
  before: z.string().optional(),
  renewed: z.array(z.object({ role: z.string(), fromVersion: z.number(), toVersion: z.number(), fromExpires: z.string(), expires: z.string() })),
  notRenewed: z.array(
    z.object({ role: z.string(), expires: z.string().optional(), expired: z.boolean().optional(), keyIds: z.array(z.string()), reason: z.string() }),
  ),
  serverRenewed: z.array(roleExpiry),
  roles: z.array(roleExpiry),
  preview: publishPreviewSchema.optional(),
  warnings: z.array(z.string()),
});
export type RenewResultView = z.infer<typeof renewResultSchema>;

const renewRequest = z
  .object({
    name: z.string().min(1).max(300),
    /** One role ("Renew…" on a role), or none: every role expiring within 90 days ("renew all I can"). */
    roles: z.array(z.string().min(1).max(255)).max(50).optional(),
    passphrases: z
      .object({ unlock: z.string().max(1024).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const RENEW_CONTRACT = {
  /** The dry run: what would be renewed (versions and dates), what cannot be and who must; nothing changes. */
  'renew:plan': { request: renewRequest, response: renewResultSchema },
  /** Renews and publishes. */
  'renew:apply': { request: renewRequest, response: renewResultSchema },
} as const;
