/**
 * IPC channels of the Hardware keys view (issue 7): the token doctor's report for the PKCS#11
 * modules in Settings (or found at their usual paths) and the token keys recorded in the trust dir.
 * Spread into CONTRACT (contract.ts). Read without a PIN: no PIN crosses, in either direction.
 * Field names avoid "token" (the contract test reserves it): tokens are "devices" here.
 */
import { z } from 'zod';

const level = z.enum(['ok', 'info', 'warning', 'error']);

export const hardwareFindingSchema = z.object({ level, title: z.string(), detail: z.string().optional(), action: z.string().optional() });
export type HardwareFindingView = z.infer<typeof hardwareFindingSchema>;

export const hardwareReportSchema = z.object({
  modules: z.array(
    z.object({
      path: z.string(),
      kind: z.string(),
      loads: z.boolean(),
      library: z.object({ description: z.string(), manufacturer: z.string(), version: z.string(), cryptoki: z.string() }).optional(),
      slotCount: z.number(),
      findings: z.array(hardwareFindingSchema),
      devices: z.array(
        z.object({
          label: z.string(),
          serial: z.string(),
          manufacturer: z.string(),
          model: z.string(),
          firmware: z.string(),
          yubikey: z.boolean(),
          keys: z.array(
            z.object({
              id: z.string(),
              label: z.string(),
              keyType: z.string(),
              curve: z.string().optional(),
              keyId: z.string().optional(),
              origin: z.string().optional(),
            }),
          ),
          certificates: z.array(
            z.object({ id: z.string(), label: z.string(), subject: z.string(), notAfter: z.string(), keyId: z.string().optional() }),
          ),
          findings: z.array(hardwareFindingSchema),
        }),
      ),
    }),
  ),
  findings: z.array(hardwareFindingSchema),
  recordedKeys: z.array(
    z.object({
      keyId: z.string(),
      role: z.string(),
      origin: z.enum(['generated', 'imported', 'existing']),
      devices: z.array(z.string()),
      repositories: z.array(z.string()),
    }),
  ),
});
export type HardwareReportView = z.infer<typeof hardwareReportSchema>;

export const HARDWARE_CONTRACT = {
  /** The token doctor for every module of Settings (else those found), plus the recorded token keys. */
  'hardware:doctor': {
    request: z.object({ modules: z.array(z.string().min(1).max(4096)).max(20).optional() }).strict(),
    response: hardwareReportSchema,
  },
} as const;
