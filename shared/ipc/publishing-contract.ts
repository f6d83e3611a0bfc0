/**
 * IPC channels of publishing (issue 6): staged changes with their exact preview, publishing them,
 * the cost of removing a signer, and the delegate onboarding wizard. Spread into CONTRACT
 * (contract.ts). Requests may carry a passphrase typed into the app's dialog (used once, never
 * returned); responses carry IDs, names, digests and public keys only.
 */
import { z } from 'zod';
import { errorValueSchema } from '../view-model.js';

const name = z.string().min(1).max(300);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const publicKey = z
  .object({ keytype: z.string().max(20), keyval: z.object({ public: z.string().max(16_384), private: z.null().optional() }).strict() })
  .strict();
const role = z.string().min(1).max(255);
const paths = z.array(z.string().max(255)).max(100);

/** A staged change as the app sends it (the core's Change; the app rotates non-root keys only). */
export const changeInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('add-target'),
      name: z.string().min(1).max(128),
      target: z.object({ sha256Hex: hex64, length: z.number().int().nonnegative() }).strict(),
      roles: z.array(role).max(20).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('remove-target'), name: z.string().min(1).max(128), roles: z.array(role).max(20).optional() }).strict(),
  z
    .object({
      kind: z.literal('add-delegation'),
      role,
      keys: z.array(publicKey).max(20),
      paths: paths.optional(),
      threshold: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('remove-delegation-keys'), role, keyIds: z.array(hex64).max(20) }).strict(),
  z.object({ kind: z.literal('set-delegation'), role, paths: paths.optional(), threshold: z.number().int().min(1).max(100).optional() }).strict(),
  z.object({ kind: z.literal('remove-delegation'), role }).strict(),
  z.object({ kind: z.literal('rotate-key'), role: z.enum(['targets', 'snapshot', 'timestamp']), serverManaged: z.boolean().optional() }).strict(),
]);
export type ChangeInput = z.infer<typeof changeInputSchema>;

/** A root key on a hardware device (label, optional module, serial, and a key already there; else the one recorded there, else a new one). */
const rootDevice = z
  .object({
    label: z.string().min(1).max(200),
    module: z.string().min(1).max(4096).optional(),
    serial: z.string().max(200).optional(),
    keyId: z
      .string()
      .min(4)
      .max(64)
      .regex(/^[0-9a-fA-F]+$/)
      .optional(),
  })
  .strict();

const passphrases = z
  .object({ unlock: z.string().max(1024).optional(), new: z.string().max(1024).optional() })
  .strict()
  .optional();

const targetChange = z.object({ name: z.string(), digest: z.string(), size: z.number(), fromDigest: z.string().optional() });
const delegationValue = z.object({ keyIds: z.array(z.string()), paths: z.array(z.string()), threshold: z.number() });
const delegationChange = delegationValue.extend({ role: z.string(), from: delegationValue.optional() });

export const rolePreviewSchema = z.object({
  role: z.string(),
  fromVersion: z.number().optional(),
  toVersion: z.number(),
  signedBy: z.enum(['local', 'server']),
  signingKeyIds: z.array(z.string()),
  expires: z.string().optional(),
  fromExpires: z.string().optional(),
  targetsAdded: z.array(targetChange),
  targetsRemoved: z.array(targetChange),
  targetsChanged: z.array(targetChange),
  delegationsAdded: z.array(delegationChange),
  delegationsRemoved: z.array(delegationChange),
  delegationsChanged: z.array(delegationChange),
  roleKeys: z.array(
    z.object({
      role: z.string(),
      added: z.array(z.string()),
      removed: z.array(z.string()),
      threshold: z.object({ from: z.number(), to: z.number() }).optional(),
    }),
  ),
});

export const publishPreviewSchema = z.object({
  gun: z.string(),
  initialise: z.boolean(),
  changes: z.array(z.string()),
  roles: z.array(rolePreviewSchema),
  warnings: z.array(z.string()),
});
export type PublishPreviewView = z.infer<typeof publishPreviewSchema>;

export const operationResultSchema = z.object({
  gun: z.string(),
  published: z.boolean(),
  attempts: z.number(),
  preview: publishPreviewSchema,
  newKeys: z.array(z.object({ keyId: z.string(), role: z.string() })),
  warnings: z.array(z.string()),
});

export const signerImpactSchema = z.object({
  gun: z.string(),
  signer: z.string(),
  keyIds: z.array(z.string()),
  tagsLosingOnlySigner: z.array(z.string()),
  lastSignerOfReleases: z.boolean(),
  tagsBecomingUnpullable: z.array(z.string()),
  needsConfirmation: z.boolean(),
});
export type SignerImpactView = z.infer<typeof signerImpactSchema>;

export const delegateStatusSchema = z.object({
  repository: z.string(),
  signer: z.boolean(),
  keyIds: z.array(z.string()),
  hasKey: z.boolean().optional(),
  paths: z.array(z.string()),
  inReleases: z.boolean(),
  signedTags: z.array(z.object({ tag: z.string(), digest: z.string() })),
  error: errorValueSchema.optional(),
});
export type DelegateStatusView = z.infer<typeof delegateStatusSchema>;

export const PUBLISHING_CONTRACT = {
  /** The exact metadata change a staged list makes (built and signed in memory, nothing sent). */
  'publish:preview': {
    request: z.object({ name, changes: z.array(changeInputSchema).min(1).max(2000), passphrases }).strict(),
    response: publishPreviewSchema,
  },
  /** Publishes a staged list in one update (re-applied on top of a concurrent publish). */
  'publish:apply': {
    request: z.object({ name, changes: z.array(changeInputSchema).min(1).max(2000), passphrases }).strict(),
    response: operationResultSchema,
  },
  /** First trust data for a repository: root (the trust dir's root key or a new one), targets, snapshot. */
  'publish:init': {
    request: z.object({ name, snapshotServerManaged: z.boolean(), passphrases, rootDevice: rootDevice.optional() }).strict(),
    response: operationResultSchema,
  },
  /** A new root key, signed in by the old root (`key rotate REPO root`); with `toDevice`, the new root is on a hardware device (`--to-token`). */
  'publish:rotate-root': {
    request: z.object({ name, toDevice: rootDevice.optional(), passphrases }).strict(),
    response: operationResultSchema,
  },
  /** What removing a signer costs (tags losing their only signer, releases threshold). */
  'signers:impact': {
    request: z.object({ name, signer: z.string().min(1).max(64) }).strict(),
    response: signerImpactSchema,
  },
  /** Reads a pasted public key (PEM public key or certificate). */
  'onboarding:read-key': {
    request: z.object({ pem: z.string().min(1).max(16_384) }).strict(),
    response: z.object({ keyId: z.string(), keyType: z.string(), publicValue: z.string() }),
  },
  /** Delegate side: a new key in the trust dir; only its public part comes back (PEM, QR, file). */
  'onboarding:create-key': {
    request: z
      .object({ signer: z.string().min(1).max(64), dir: z.string().max(4096).optional(), passphrase: z.string().max(1024).optional() })
      .strict(),
    /** `publicKey`: the `.pub` text (PEM of the public key only). */
    response: z.object({ name: z.string(), keyId: z.string(), publicKeyPath: z.string(), publicKey: z.string(), qrSvg: z.string() }),
  },
  /** Both sides: the signer's role, keys, paths and signed tags per repository. */
  'onboarding:status': {
    request: z
      .object({ signer: z.string().min(1).max(64), repositories: z.array(name).min(1).max(50), publicKey: z.string().max(16_384).optional() })
      .strict(),
    response: z.array(delegateStatusSchema),
  },
} as const;

export const PUBLISHING_CHANNELS = [
  'publish:preview',
  'publish:apply',
  'publish:init',
  'publish:rotate-root',
  'signers:impact',
  'onboarding:read-key',
  'onboarding:create-key',
  'onboarding:status',
] as const;
