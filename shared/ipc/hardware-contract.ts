/**
 * IPC channels of the Hardware keys view (issue 7): the token doctor's report for the PKCS#11
 * modules in Settings (or found at their usual paths) and the token keys recorded in the trust dir.
 * Spread into CONTRACT (contract.ts). Read without a PIN: no PIN crosses, in either direction.
 * Field names avoid "token" (the contract test reserves it): tokens are "devices" here.
 */
import { z } from 'zod';
import { errorValueSchema } from '../view-model.js';

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
            z.object({
              id: z.string(),
              label: z.string(),
              subject: z.string(),
              notAfter: z.string(),
              keyId: z.string().optional(),
              certId: z.string().optional(),
            }),
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
  /** Where each root key lives: a key file, the devices holding it, its root certificates (repository, certificate ID). */
  rootKeys: z.array(
    z.object({
      keyId: z.string(),
      file: z.boolean(),
      devices: z.array(z.string()),
      certificates: z.array(z.object({ gun: z.string(), certId: z.string() })),
    }),
  ),
});
export type HardwareReportView = z.infer<typeof hardwareReportSchema>;

/** Which device: its label, optionally its serial and module (else the first module of Settings that has it). */
const deviceTarget = z
  .object({ label: z.string().min(1).max(200), serial: z.string().max(200).optional(), module: z.string().min(1).max(4096).optional() })
  .strict();

/** A root key recorded on devices (public data only). */
const deviceKeySchema = z.object({
  keyId: z.string(),
  role: z.string(),
  origin: z.enum(['generated', 'imported', 'existing']),
  ckaId: z.string(),
  devices: z.array(z.string()),
});
export type DeviceKeyView = z.infer<typeof deviceKeySchema>;

const copyCheckSchema = z.object({ device: z.string(), signs: z.boolean(), error: errorValueSchema.optional() });

export const HARDWARE_CONTRACT = {
  /**
   * A new ECDSA P-256 root key made on the device (with `gun`: its root certificate stored there too). The PIN is asked in the PIN dialog.
   * With `backupCopy`: made on this machine as an encrypted key file (its passphrase: `passphrases.new`), then put on the device; the
   * file is kept for the backups (a second device, m-of-n shares).
   */
  'hardware:generate': {
    request: z
      .object({
        device: deviceTarget,
        gun: z.string().min(1).max(300).optional(),
        backupCopy: z.boolean().optional(),
        passphrases: z
          .object({ new: z.string().min(1).max(1024) })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({ key: deviceKeySchema, certificateFor: z.string().optional(), keyFile: z.string().optional() }),
  },
  /** A root key file of the trust dir put on one or more devices (backups of one another), each copy then checked to sign and verify. */
  'hardware:import': {
    request: z
      .object({
        keyId: z
          .string()
          .min(4)
          .max(64)
          .regex(/^[0-9a-fA-F]+$/),
        devices: z.array(deviceTarget).min(1).max(4),
        passphrases: z
          .object({ unlock: z.string().max(1024).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({
      key: deviceKeySchema,
      imported: z.array(z.string()),
      failed: z.array(z.object({ device: z.string(), error: errorValueSchema })),
      checks: z.array(copyCheckSchema),
      keyFile: z.string(),
    }),
  },
  /** A P-256 key another tool made on the device (ykman, pkcs11-tool), recorded as a root key after a test signature. */
  'hardware:adopt': {
    request: z
      .object({
        device: deviceTarget,
        ckaId: z
          .string()
          .min(1)
          .max(64)
          .regex(/^[0-9a-fA-F]+$/),
      })
      .strict(),
    response: z.object({ key: deviceKeySchema, checks: z.array(copyCheckSchema) }),
  },
  /** The token doctor for every module of Settings (else those found), plus the recorded token keys. */
  'hardware:doctor': {
    request: z.object({ modules: z.array(z.string().min(1).max(4096)).max(20).optional() }).strict(),
    response: hardwareReportSchema,
  },
} as const;
