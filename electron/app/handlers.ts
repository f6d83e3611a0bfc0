/**
 * The IPC handler registry, in plain Node (no Electron): `invoke(channel, payload)` parses the request
 * with the contract's schema, runs the use-case, parses the response, and returns a result value.
 * Electron's ipcMain (electron/main/ipc.ts) and the e2e bridge both call this same function.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { CONTRACT, isChannel, type Channel, type Result } from '../../shared/ipc/contract.js';
import type { RepositoryOverview, Settings } from '../../shared/view-model.js';
import { toErrorValue, TrustDeskError } from '../core/base/errors.js';
import { parseReference } from '../core/base/reference.js';
import { dockerConfigDir } from '../core/remote/docker-config.js';
import { loadRepositoryOverview } from '../core/use-cases/repository/load-overview.js';
import { overviewSummary } from '../core/use-cases/repository/repository-overview.js';
import { isAllowedExternalUrl } from './external-links.js';
import { PUBLISHING_HANDLERS } from './publishing-handlers.js';
import { AUDIT_HANDLERS } from './audit-handlers.js';
import { KEYS_HANDLERS } from './keys-handlers.js';
import { PINS_HANDLERS } from './pins-handlers.js';
import { HARDWARE_HANDLERS } from './hardware-handlers.js';
import { CEREMONY_HANDLERS } from './ceremony-handlers.js';
import { COSIGN_HANDLERS } from './cosign-handlers.js';
import { MIGRATE_HANDLERS } from './migrate-handlers.js';
import { RENEW_HANDLERS } from './renew-handlers.js';
import type { TransportFactory } from '../core/signing/token/client.js';
import type { PdfPrinter } from '../core/base/pdf-printer.js';
import { limitConcurrency } from './concurrency.js';
import { tokenKeyIds, type TokenKeys } from '../core/signing/token/hardware-tokens.js';
import type { SettingsStore } from './settings-store.js';
import type { ChannelHandlers } from '../../shared/ipc/handlers.js';
import {
  contextFromSettings,
  NO_FILE_DIALOGS,
  withoutTokenPins,
  type AppContext,
  type AppEnvironment,
  type AppServices,
  type FileDialogs,
} from './context.js';
import { SecretRequests, type SecretRequestSender } from './secret-requests.js';
import { SECRET_HANDLERS } from './secret-handlers.js';
import { DIALOG_HANDLERS } from './dialog-handlers.js';

export interface HandlerDeps {
  settings: SettingsStore;
  version: string;
  /** Opens an allow-listed URL in the system browser. */
  openExternal(url: string): Promise<void>;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** How long a loaded overview is reused (summary, then the repository view). */
  cacheMs?: number;
  /** Replaces the network loader (tests, the 10,000-tag bench). */
  loadOverview?: (name: string, settings: Settings) => Promise<RepositoryOverview>;
  /** How the PKCS#11 worker runs (main: an Electron utilityProcess; default: child_process.fork). */
  pkcs11Transport?: TransportFactory;
  /** Shows the PIN dialog (main: webContents.send to the app window; e2e: the bridge). Without it nobody is asked. */
  sendSecretRequest?: SecretRequestSender;
  /** The system's file dialogs (main: Electron's dialog; e2e: the stub of e2e/support/dialogs.ts). Without them the channels fail, saying so. */
  dialogs?: FileDialogs;
  /** Chromium's print-to-PDF for the share sheets (main: an offscreen window; e2e: Playwright's page.pdf()). */
  pdfPrinter?: PdfPrinter;
}

export interface Handlers {
  invoke(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  /** The PIN dialog's open questions (main cancels them when the window closes). */
  secrets: SecretRequests;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const env = deps.env ?? process.env;
  const now = deps.now ?? (() => new Date());
  const cacheMs = deps.cacheMs ?? 30_000;
  const overviews = new Map<string, { at: number; value: Promise<RepositoryOverview> }>();
  // the Repositories page asks for every repository at once: load a few at a time
  const limit = limitConcurrency(4);

  const configDirOf = (s: Settings) => s.dockerConfigDir || dockerConfigDir(env);
  const appEnv: AppEnvironment = {
    env,
    now,
    ...(deps.now ? { fixedClock: true } : {}),
    ...(deps.pkcs11Transport ? { pkcs11Transport: deps.pkcs11Transport } : {}),
    ...(deps.pdfPrinter ? { pdfPrinter: deps.pdfPrinter } : {}),
  };

  let tokens: { key: string; at: number; value: Promise<TokenKeys> } | undefined;
  function tokenKeys(s: Settings): Promise<TokenKeys> {
    const key = JSON.stringify(s.pkcs11Modules);
    if (!tokens || tokens.key !== key || Date.now() - tokens.at > cacheMs) {
      tokens = {
        key,
        at: Date.now(),
        value: tokenKeyIds(s.pkcs11Modules, {
          env: withoutTokenPins(env),
          trustDir: join(configDirOf(s), 'trust'),
          ...(deps.pkcs11Transport ? { transport: deps.pkcs11Transport } : {}),
        }),
      };
    }
    return tokens.value;
  }

  async function networkOverview(name: string, s: Settings): Promise<RepositoryOverview> {
    const ctx = contextFromSettings(s, appEnv);
    try {
      const t = await tokenKeys(s);
      return await loadRepositoryOverview(ctx, { name, tokenKeyIds: t.keyIds, warnings: t.warnings });
    } finally {
      ctx.close();
    }
  }

  async function overview(name: string, refresh = false): Promise<RepositoryOverview> {
    const gun = parseReference(name).gun;
    const hit = overviews.get(gun);
    if (hit && !refresh && Date.now() - hit.at < cacheMs) return hit.value;
    const s = await deps.settings.get();
    const value = limit(() => (deps.loadOverview ?? networkOverview)(gun, s));
    overviews.set(gun, { at: Date.now(), value });
    value.catch(() => overviews.delete(gun));
    return value;
  }

  const secrets = new SecretRequests(deps.sendSecretRequest);
  const services: AppServices = {
    secrets,
    dialogs: deps.dialogs ?? NO_FILE_DIALOGS,
    version: deps.version,
    openExternal: deps.openExternal,
    overview,
    forgetTokens: () => {
      tokens = undefined;
    },
  };
  const invalidate = (gun?: string) => (gun === undefined ? overviews.clear() : overviews.delete(gun));

  const handlers: ChannelHandlers<AppContext> = {
    ...APP_HANDLERS,
    ...PUBLISHING_HANDLERS,
    ...PINS_HANDLERS,
    ...CEREMONY_HANDLERS,
    ...KEYS_HANDLERS,
    ...HARDWARE_HANDLERS,
    ...AUDIT_HANDLERS,
    ...COSIGN_HANDLERS,
    ...MIGRATE_HANDLERS,
    ...RENEW_HANDLERS,
    ...SECRET_HANDLERS,
    ...DIALOG_HANDLERS,
  };

  /** One context per request, from the Settings of that moment; closed (pool, token worker, PINs) when answered. */
  async function run(channel: Channel, request: unknown): Promise<unknown> {
    const h = handlers[channel] as (ctx: AppContext, r: unknown) => unknown;
    const settings = await deps.settings.get();
    const opened: { close(): void }[] = [];
    // token PINs are asked in the PIN dialog; a request's own answers (trustWith) come first
    const dialog = secrets.available ? { pin: secrets.pinProvider() } : undefined;
    const trust = contextFromSettings(settings, appEnv, dialog);
    opened.push(trust);
    const ctx: AppContext = {
      settings,
      store: deps.settings,
      trust,
      trustWith: (answers) => {
        const c = contextFromSettings(settings, appEnv, { ...dialog, ...answers });
        opened.push(c);
        return c;
      },
      env,
      invalidate,
      services,
    };
    try {
      return await h(ctx, request);
    } finally {
      for (const c of opened) c.close();
    }
  }

  async function invoke(channel: unknown, payload: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel ${String(channel).slice(0, 80)}` } };
    const spec = CONTRACT[channel];
    const req = spec.request.safeParse(payload);
    if (!req.success) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${channel}: ${describeIssues(req.error)}` } };
    let out: unknown;
    try {
      out = await run(channel, req.data);
    } catch (err) {
      return { ok: false, error: toErrorValue(err) };
    }
    const res = spec.response.safeParse(out);
    if (!res.success) return { ok: false, error: { code: 'INTERNAL', message: `${channel}: bad response: ${describeIssues(res.error)}` } };
    return { ok: true, value: res.data };
  }

  return { invoke, secrets };
}

/** The app's own channels: settings, the repository list, overviews, links. */
const APP_HANDLERS: ChannelHandlers<
  AppContext,
  | 'app:info'
  | 'settings:get'
  | 'settings:update'
  | 'repositories:list'
  | 'repositories:add'
  | 'repositories:remove'
  | 'repository:summary'
  | 'repository:overview'
  | 'external:open'
> = {
  'app:info': (ctx) => ({ version: ctx.services.version, offline: ctx.settings.offline, trustDir: ctx.trust.trustDir, settingsFile: ctx.store.file }),
  'settings:get': (ctx) => ctx.settings,
  'settings:update': (ctx, patch) => {
    ctx.invalidate();
    ctx.services.forgetTokens();
    return ctx.store.update(patch);
  },
  'repositories:list': async (ctx) => ({ recent: ctx.settings.recent, cached: (await ctx.trust.session.cache.listRepositories()).sort() }),
  'repositories:add': (ctx, { name }) => addRecentRepository(ctx.store, name),
  'repositories:remove': async (ctx, { name }) => ({ recent: (await ctx.store.removeRecent(name)).recent }),
  'repository:summary': async (ctx, { name }) => overviewSummary(await ctx.services.overview(name)),
  'repository:overview': (ctx, { name, refresh }) => ctx.services.overview(name, refresh),
  'external:open': (ctx, { url }) => openAllowedLink(ctx.services, url),
};

async function addRecentRepository(store: SettingsStore, name: string): Promise<{ name: string; recent: string[] }> {
  const ref = parseReference(name.trim());
  if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository name without a tag or digest`);
  const s = await store.addRecent(ref.gun);
  return { name: ref.gun, recent: s.recent };
}

async function openAllowedLink(services: AppServices, url: string): Promise<{ opened: boolean }> {
  if (!isAllowedExternalUrl(url)) throw new TrustDeskError('INVALID_ARGUMENT', `not an allowed external link: ${url}`);
  await services.openExternal(url);
  return { opened: true };
}
