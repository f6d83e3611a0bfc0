/**
 * IPC channel of cosign signatures (issue 11): for every registry tag of a repository, whether a
 * cosign signature (classic .sig tag or Sigstore bundle) by the given public key verifies for its
 * digest. Spread into CONTRACT (contract.ts). Only key IDs and verdicts cross, never key material.
 */
import { z } from 'zod';
import { errorValueSchema } from '../view-model.js';

export const COSIGN_TAG_STATES = ['valid', 'invalid', 'none', 'error'] as const;

export const cosignTagsSchema = z.object({
  name: z.string(),
  /** hex SHA-256 of the public key's SPKI (the bundle hint we write), to say "with which key". */
  keyId: z.string(),
  referrersSource: z.enum(['referrers-api', 'fallback-tag', 'none', 'mixed']),
  tags: z.array(
    z.object({
      tag: z.string(),
      digest: z.string().optional(),
      /** valid: a signature by this key for this digest; invalid: signatures, none valid; none: no cosign signature. */
      state: z.enum(COSIGN_TAG_STATES),
      formats: z.array(z.enum(['classic', 'bundle'])),
      detail: z.string(),
      error: errorValueSchema.optional(),
    }),
  ),
});
export type CosignTagsView = z.infer<typeof cosignTagsSchema>;

export const COSIGN_CONTRACT = {
  'cosign:tags': {
    request: z.object({ name: z.string().min(1).max(300), keyFile: z.string().min(1).max(4096) }).strict(),
    response: cosignTagsSchema,
  },
} as const;
