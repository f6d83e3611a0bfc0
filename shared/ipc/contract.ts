/**
 * The one IPC contract between the renderer and the main process: every channel with the zod schema
 * of its request and of its response. The preload builds `window.trustdesk` from it, main builds its
 * handler registry from it, and both parse with these schemas.
 */
import { z } from 'zod';
import { errorValueSchema, overviewSchema, settingsSchema, summarySchema, type ErrorValueView } from '../view-model.js';
import { PUBLISHING_CONTRACT } from './publishing-contract.js';
import { AUDIT_CONTRACT } from './audit-contract.js';
import { KEYS_CONTRACT } from './keys-contract.js';
import { PINS_CONTRACT } from './pins-contract.js';
import { HARDWARE_CONTRACT } from './hardware-contract.js';
import { CEREMONY_CONTRACT } from './ceremony-contract.js';
import { COSIGN_CONTRACT } from './cosign-contract.js';
import { MIGRATE_CONTRACT } from './migrate-contract.js';
import { RENEW_CONTRACT } from './renew-contract.js';
import { SECRETS_CONTRACT } from './secrets-contract.js';
import { DIALOG_CONTRACT } from './dialog-contract.js';

const repositoryName = z.object({ name: z.string().min(1).max(300) });

export const CONTRACT = {
  'app:info': {
    request: z.object({}).strict(),
    response: z.object({ version: z.string(), offline: z.boolean(), trustDir: z.string(), settingsFile: z.string() }),
  },
  'settings:get': {
    request: z.object({}).strict(),
    response: settingsSchema,
  },
  'settings:update': {
    request: settingsSchema.omit({ recent: true }).partial().strict(),
    response: settingsSchema,
  },
  'repositories:list': {
    request: z.object({}).strict(),
    response: z.object({ recent: z.array(z.string()), cached: z.array(z.string()) }),
  },
  'repositories:add': {
    request: repositoryName.strict(),
    response: z.object({ name: z.string(), recent: z.array(z.string()) }),
  },
  'repositories:remove': {
    request: repositoryName.strict(),
    response: z.object({ recent: z.array(z.string()) }),
  },
  'repository:summary': {
    request: repositoryName.strict(),
    response: summarySchema,
  },
  'repository:overview': {
    request: repositoryName.extend({ refresh: z.boolean().optional() }).strict(),
    response: overviewSchema,
  },
  'external:open': {
    request: z.object({ url: z.string().max(2000) }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
  ...PUBLISHING_CONTRACT,
  ...AUDIT_CONTRACT,
  ...KEYS_CONTRACT,
  ...PINS_CONTRACT,
  ...HARDWARE_CONTRACT,
  ...CEREMONY_CONTRACT,
  ...COSIGN_CONTRACT,
  ...MIGRATE_CONTRACT,
  ...RENEW_CONTRACT,
  ...SECRETS_CONTRACT,
  ...DIALOG_CONTRACT,
} as const;

export type Channel = keyof typeof CONTRACT;
export const CHANNELS = Object.keys(CONTRACT) as Channel[];

export type Request<C extends Channel> = z.input<(typeof CONTRACT)[C]['request']>;
export type Response<C extends Channel> = z.output<(typeof CONTRACT)[C]['response']>;

/** What crosses the bridge: a value or an error value, never a thrown Electron error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorValueView };

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: errorValueSchema })]);

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONTRACT, value);
}
