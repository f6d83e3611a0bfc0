/**
 * IPC channels of the Keys view (issue 5): the key inventory with its findings, and generate, load,
 * import, export (to a file the user chose), change passphrase, remove (recoverable) and restore.
 * Spread into CONTRACT (contract.ts). Requests may carry passphrases typed into the app's dialog
 * (answered once by oneShotProvider, never returned, never logged); responses carry key IDs, roles,
 * GUNs, algorithms, paths and usage only: no key bytes, no passphrase.
 */
import { z } from 'zod';

const keyIdInput = z.string().regex(/^[0-9a-f]{4,64}$/, 'a key ID (hex, at least 4 digits)');
const filePath = z.string().min(1).max(4096);
const passphrases = z
  .object({ unlock: z.string().max(1024).optional(), new: z.string().max(1024).optional() })
  .strict()
  .optional();

const usage = z.object({ gun: z.string(), role: z.string(), metadataKeyId: z.string(), verified: z.boolean() });

export const keyInfoSchema = z.object({
  keyId: z.string(),
  otherIds: z.array(z.string()),
  role: z.string().optional(),
  gun: z.string().optional(),
  algorithm: z.string().optional(),
  path: z.string(),
  location: z.string(),
  layout: z.string(),
  encryption: z.string(),
  notaryCompatible: z.boolean(),
  usedBy: z.array(usage),
  warnings: z.array(z.string()),
});
export type KeyInfoView = z.infer<typeof keyInfoSchema>;

export const findingSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  kind: z.string(),
  gun: z.string().optional(),
  role: z.string().optional(),
  keyIds: z.array(z.string()),
  message: z.string(),
});
export type FindingView = z.infer<typeof findingSchema>;

export const removedKeySchema = z.object({
  keyId: z.string(),
  role: z.string().optional(),
  gun: z.string().optional(),
  path: z.string(),
  originalPath: z.string(),
  removedAt: z.string(),
});
export type RemovedKeyView = z.infer<typeof removedKeySchema>;

export const keyListSchema = z.object({
  trustDir: z.string(),
  keys: z.array(keyInfoSchema),
  repositories: z.array(
    z.object({
      gun: z.string(),
      verified: z.boolean(),
      roles: z.array(z.object({ role: z.string(), threshold: z.number(), keyIds: z.array(z.string()), localKeyIds: z.array(z.string()) })),
      warnings: z.array(z.string()),
    }),
  ),
  findings: z.array(findingSchema),
  removed: z.array(removedKeySchema),
});
export type KeyListView = z.infer<typeof keyListSchema>;

export const keyWriteSchema = z.object({
  keyId: z.string(),
  role: z.string(),
  gun: z.string().optional(),
  path: z.string(),
  algorithm: z.string(),
  reencrypted: z.boolean(),
  warnings: z.array(z.string()),
});

export const KEYS_CONTRACT = {
  /** Every key in the trust dir with what it serves where, the findings, and removed keys. */
  'keys:list': { request: z.object({}).strict(), response: keyListSchema },
  /** `docker trust key generate`: a new ECDSA P-256 signer key; the .pub file goes to `dir` (else <config dir>/trustdesk-public-keys). */
  'keys:generate': {
    request: z.object({ name: z.string().min(1).max(64), dir: filePath.optional(), passphrases }).strict(),
    response: keyWriteSchema.extend({ publicKeyPath: z.string() }),
  },
  /** `docker trust key load FILE --name NAME`. */
  'keys:load': { request: z.object({ file: filePath, name: z.string().min(1).max(64).optional(), passphrases }).strict(), response: keyWriteSchema },
  /** `notary key import FILE [--role R] [--gun G]` (all keys of the file or none). */
  'keys:import': {
    request: z
      .object({ file: filePath, role: z.string().min(1).max(255).optional(), gun: z.string().min(1).max(300).optional(), passphrases })
      .strict(),
    response: z.array(keyWriteSchema),
  },
  /** Writes the key (still encrypted, notary's export form) or its public part to a new file; only the path comes back. */
  'keys:export': {
    request: z.object({ keyId: keyIdInput, outFile: filePath, public: z.boolean().optional(), passphrases }).strict(),
    response: z.object({ keyId: z.string(), path: z.string(), warnings: z.array(z.string()) }),
  },
  /** `notary key passwd`: the current passphrase (unlock) and the new one (new). */
  'keys:passwd': { request: z.object({ keyId: keyIdInput, passphrases }).strict(), response: keyWriteSchema },
  /** Moves the key to removed-keys/ (restorable); with `confirm`, deletes it and its removed copies for good. */
  'keys:remove': {
    request: z.object({ keyId: keyIdInput, confirm: z.boolean().optional() }).strict(),
    response: z.object({
      keyId: z.string(),
      state: z.enum(['moved', 'deleted']),
      movedTo: z.string().optional(),
      deleted: z.array(z.string()),
      usedBy: z.array(usage),
    }),
  },
  /** Puts a removed key back under private/ (never over a key that is there again). */
  'keys:restore': { request: z.object({ keyId: keyIdInput }).strict(), response: z.object({ keyId: z.string(), path: z.string() }) },
} as const;
