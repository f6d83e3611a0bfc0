/**
 * IPC channels of the Ceremony view (issue 8): root backup wizard (export, shares, restore drill),
 * root rotation wizard (pre-flight + request bundle, import + simulate + publish) and air-gapped
 * signing (open and sign a bundle: these two never touch the network). Spread into CONTRACT.
 * Requests may carry the passphrases typed into a step (a token's PIN is asked in the PIN dialog); responses carry paths, key
 * IDs, hashes and words only.
 */
import { z } from 'zod';

const filePath = z.string().min(1).max(4096);
const passphrases = z
  .object({ unlock: z.string().max(1024).optional(), new: z.string().max(1024).optional() })
  .strict()
  .optional();
const check = z.object({ check: z.string(), ok: z.boolean(), detail: z.string() });
const simulation = z.object({ client: z.string(), ok: z.boolean(), detail: z.string() });

export const CEREMONY_CONTRACT = {
  /** `trustdesk root generate`: a new encrypted root key file (ECDSA P-256) in the trust dir, logged; its passphrase is `passphrases.new`. */
  'ceremony:generate': {
    request: z.object({ passphrases: z.object({ new: z.string().min(1).max(1024) }).strict() }).strict(),
    response: z.object({ keyId: z.string() }),
  },
  'ceremony:backup': {
    request: z
      .object({
        keyId: z.string().min(4).max(64),
        outDir: filePath,
        shares: z
          .object({ threshold: z.number().int().min(2).max(255), total: z.number().int().min(2).max(255) })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({
      keyId: z.string(),
      backupFile: z.string(),
      backupSha256: z.string(),
      shares: z
        .object({ setId: z.string(), threshold: z.number(), total: z.number(), files: z.array(z.string()), pages: z.array(z.string()) })
        .optional(),
    }),
  },
  /** The backup's share pages as one PDF (Chromium's print-to-PDF), written 0600; optionally deletes the HTML pages after. */
  'ceremony:shares-pdf': {
    request: z.object({ pages: z.array(filePath).min(1).max(255), outFile: filePath, removePages: z.boolean().optional() }).strict(),
    response: z.object({
      outFile: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      sheets: z.number(),
      keyId: z.string(),
      setId: z.string(),
      threshold: z.number(),
      total: z.number(),
      removed: z.array(z.string()),
    }),
  },
  'ceremony:drill': {
    request: z
      .object({
        backupFile: filePath.optional(),
        shareFiles: z.array(filePath).max(255).optional(),
        repositories: z.array(z.string().min(1).max(300)).max(100),
        expectKeyId: z.string().max(64).optional(),
        passphrases,
      })
      .strict(),
    response: z.object({
      ok: z.boolean(),
      keyId: z.string(),
      from: z.enum(['backup', 'shares']),
      repositories: z.array(z.object({ gun: z.string(), version: z.number(), matches: z.boolean() })),
      expected: z.object({ keyId: z.string(), matches: z.boolean() }).optional(),
    }),
  },
  'ceremony:rotate-request': {
    request: z
      .object({
        repository: z.string().min(1).max(300),
        newKeyId: z.string().min(4).max(64),
        outFile: filePath,
        allowNoBackup: z.boolean().optional(),
        passphrases,
      })
      .strict(),
    response: z.object({ preflight: z.array(check), summary: z.array(z.string()), bundleId: z.string(), sha256: z.string(), outFile: z.string() }),
  },
  'ceremony:bundle-open': {
    request: z.object({ file: filePath }).strict(),
    response: z.object({
      id: z.string(),
      kind: z.enum(['request', 'signed']),
      gun: z.string(),
      createdAt: z.string(),
      summary: z.array(z.string()),
      certificates: z.array(z.string()),
      version: z.number(),
      sha256: z.string(),
      length: z.number(),
      signedBy: z.array(z.string()),
      missing: z.array(z.string()),
      rootCheck: z.string(),
    }),
  },
  'ceremony:bundle-sign': {
    /** No PIN field: a token's PIN is asked by the main process in the PIN dialog when the token signs. */
    request: z.object({ file: filePath, outFile: filePath, passphrases }).strict(),
    response: z.object({ signedBy: z.array(z.string()), outFile: z.string() }),
  },
  'ceremony:bundle-import': {
    request: z.object({ file: filePath, publish: z.boolean(), rollbackPlanFile: filePath.optional() }).strict(),
    response: z.object({
      published: z.boolean(),
      gun: z.string(),
      fromVersion: z.number(),
      toVersion: z.number(),
      simulations: z.array(simulation),
      newRootKeyIds: z.array(z.string()),
      rollbackPlan: z.string().optional(),
    }),
  },
  'ceremony:log-verify': {
    request: z.object({ file: filePath.optional() }).strict(),
    response: z.object({
      ok: z.boolean(),
      entries: z.number(),
      head: z.string(),
      file: z.string(),
      problem: z.object({ line: z.number(), message: z.string() }).optional(),
    }),
  },
} as const;
