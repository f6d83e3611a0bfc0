/**
 * The view models the app's main process sends to the renderer, as zod schemas (the types are
 * inferred from them). Both sides import these; main parses every response with them, so a field
 * not listed here never reaches the renderer.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { NONE, VERDICT_VALUES, tagTableProblem, type TagTable } from './tag-table.js';

export const errorValueSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type ErrorValueView = z.infer<typeof errorValueSchema>;

export { VERDICT_VALUES };
export const verdictSchema = z.enum(VERDICT_VALUES);
export type VerdictView = z.infer<typeof verdictSchema>;

const isoDate = z.string();

/**
 * A column of a compact table: an array whose every entry passes `ok`, checked in one plain loop (zod's
 * per-entry schemas cost tens of milliseconds the first time over 10,000 entries) and copied, so
 * nothing but its entries reaches the renderer.
 */
function column<T>(what: string, ok: (x: unknown) => boolean) {
  return z
    .custom<T[]>((v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
      return true;
    }, `an array of ${what}`)
    .transform((a) => a.slice());
}
const isString = (x: unknown) => typeof x === 'string';
const isIndexOrNone = (x: unknown) => Number.isInteger(x) && (x as number) >= NONE;
const isIndex = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;

export const countsSchema = z.object({
  signed: z.number().int(),
  unsigned: z.number().int(),
  'digest-mismatch': z.number().int(),
  'signed-not-in-registry': z.number().int(),
});

export const tagRowSchema = z.object({
  tag: z.string(),
  verdict: verdictSchema,
  registryDigest: z.string().optional(),
  signedDigest: z.string().optional(),
  size: z.number().optional(),
  signers: z.array(z.string()),
  registryError: errorValueSchema.optional(),
});
export type TagRow = z.infer<typeof tagRowSchema>;

export const certificateViewSchema = z.object({
  subject: z.string(),
  commonName: z.string(),
  issuer: z.string(),
  notBefore: isoDate,
  notAfter: isoDate,
});
export type CertificateView = z.infer<typeof certificateViewSchema>;

export const signerKeySchema = z.object({ id: z.string(), keyType: z.string(), certificate: certificateViewSchema.optional() });

export const signerViewSchema = z.object({
  name: z.string(),
  role: z.string(),
  parent: z.string(),
  keyIds: z.array(z.string()),
  keys: z.array(signerKeySchema),
  threshold: z.number().int(),
  paths: z.array(z.string()).optional(),
  /** False when the role is listed but its metadata was skipped (expired, below threshold). */
  loaded: z.boolean(),
  signedTags: column<string>('tag names', isString),
});
export type SignerView = z.infer<typeof signerViewSchema>;

/** Where the private half of a key is: never the key itself. */
export const KEY_HOLDERS = ['this-machine', 'hardware-token', 'server', 'elsewhere'] as const;
export const keyHolderSchema = z.enum(KEY_HOLDERS);
export type KeyHolder = z.infer<typeof keyHolderSchema>;

export const adminKeySchema = z.object({
  /** The key ID as root.json lists it (for root: the certificate-wrapped ID). */
  id: z.string(),
  /** The bare key's ID (key file name); equal to `id` for non-certificate keys. */
  canonicalId: z.string(),
  keyType: z.string(),
  holder: keyHolderSchema,
  certificate: certificateViewSchema.optional(),
});
export type AdminKey = z.infer<typeof adminKeySchema>;

export const ADMIN_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
export const adminRoleSchema = z.object({
  role: z.enum(ADMIN_ROLES),
  threshold: z.number().int(),
  version: z.number().int(),
  expires: isoDate,
  keys: z.array(adminKeySchema),
});
export type AdminRoleView = z.infer<typeof adminRoleSchema>;

export const EXPIRY_LEVELS = ['ok', 'soon', 'expired'] as const;
export const timelineEntrySchema = z.object({
  kind: z.enum(['role', 'certificate']),
  label: z.string(),
  role: z.string(),
  expires: isoDate,
  level: z.enum(EXPIRY_LEVELS),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const graphNodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['root', 'targets', 'delegation', 'tag', 'more']),
  label: z.string(),
  threshold: z.number().int().optional(),
  keyCount: z.number().int().optional(),
  column: z.number().int(),
});
export const graphSchema = z.object({
  nodes: z.array(graphNodeSchema),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
});
export type TrustGraph = z.infer<typeof graphSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;

export const overviewSchema = z.object({
  name: z.string(),
  gun: z.string(),
  /** False: the trust server has no trust data for the repository. */
  hasTrustData: z.boolean(),
  source: z.enum(['remote', 'cache']),
  cachedAt: isoDate.optional(),
  loadedAt: isoDate,
  /** Set when the registry could not be read: verdicts then only reflect Notary. */
  registryError: errorValueSchema.optional(),
  counts: countsSchema,
  nearestExpiry: z.object({ role: z.string(), expires: isoDate }).optional(),
  tags: z.array(tagRowSchema),
  signers: z.array(signerViewSchema),
  adminRoles: z.array(adminRoleSchema),
  timeline: z.array(timelineEntrySchema),
  graph: graphSchema,
  warnings: z.array(z.string()),
  skippedRoles: z.array(z.object({ role: z.string(), error: errorValueSchema })),
});
export type RepositoryOverview = z.infer<typeof overviewSchema>;

/**
 * The tags as one compact table (shared/tag-table.ts): columns of strings and small numbers, each
 * checked cell by cell, then the whole once for consistency (equal lengths, indices in range).
 */
export const tagTableSchema = z
  .object({
    tag: column<string>('tag names', isString),
    verdict: column<number>('verdict codes', (x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < VERDICT_VALUES.length),
    digests: column<string>('digests', isString),
    registryDigest: column<number>('digest indices (-1: none)', isIndexOrNone),
    signedDigest: column<number>('digest indices (-1: none)', isIndexOrNone),
    size: column<number>('sizes (-1: unknown)', (x) => x === NONE || (typeof x === 'number' && Number.isFinite(x) && x >= 0)),
    signerLists: z.array(column<string>('signer names', isString)),
    signers: column<number>('signer list indices', isIndex),
    registryErrors: z.array(z.object({ row: z.number().int().min(0), error: errorValueSchema })),
  })
  .superRefine((t, ctx) => {
    const problem = tagTableProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }) satisfies z.ZodType<TagTable>;

/** What `repository:overview` sends: the overview with its tags as a compact table (unpackOverview turns it back). */
export const overviewWireSchema = overviewSchema.omit({ tags: true }).extend({ tagTable: tagTableSchema });
export type RepositoryOverviewWire = z.infer<typeof overviewWireSchema>;

export const summarySchema = z.object({
  name: z.string(),
  hasTrustData: z.boolean(),
  counts: countsSchema,
  nearestExpiry: z.object({ role: z.string(), expires: isoDate }).optional(),
  /** The soonest role this side renews (not timestamp, which the server renews) when it expires within 90 days. */
  renewSoon: z.object({ role: z.string(), expires: isoDate }).optional(),
  registryError: errorValueSchema.optional(),
  tagCount: z.number().int(),
});
export type RepositorySummary = z.infer<typeof summarySchema>;

const host = z.string().min(1).max(300);
const path = z.string().max(4096);
const perRegistry = (value: z.ZodString) => z.record(host, value).refine((r) => Object.keys(r).length <= 200, 'at most 200 registries');

export const settingsSchema = z.object({
  /** Trust server URL per registry host (`127.0.0.1:5000` → `https://127.0.0.1:4443`). */
  trustServers: perRegistry(z.string().max(2000)),
  /** Extra CA file (PEM) per registry host, for its trust server and registry. */
  caFiles: perRegistry(path),
  /** The docker config dir whose `trust/` subdir is the trust directory; empty: docker's default. */
  dockerConfigDir: path,
  offline: z.boolean(),
  /** PKCS#11 modules whose tokens may hold keys (a YubiKey's libykcs11, OpenSC, SoftHSM). */
  pkcs11Modules: z.array(path).max(20),
  recent: z.array(z.string().max(300)).max(100),
  /**
   * Proxies over the environment's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, docker's rules): absent, the
   * environment's; a field absent keeps the environment's value, an empty one means none.
   */
  proxy: z
    .object({
      httpsProxy: z.string().max(2000).optional(),
      httpProxy: z.string().max(2000).optional(),
      noProxy: z.string().max(4000).optional(),
    })
    .optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { trustServers: {}, caFiles: {}, dockerConfigDir: '', offline: false, pkcs11Modules: [], recent: [] };
