/**
 * The app's one way to build the use cases' context: from the Settings (trust servers and CA files per
 * registry, the docker config dir, offline mode, PKCS#11 modules, proxies over the environment's). The CLI's twin is
 * electron/cli/context.ts; nothing else constructs a TrustContext.
 */
import type { RepositoryOverview, Settings } from '../../shared/view-model.js';
import { TrustDeskError } from '../core/base/errors.js';
import { TrustContext, type SecretProviders } from '../core/session/context.js';
import type { TransportFactory } from '../core/signing/token/client.js';
import type { PdfPrinter } from '../core/base/pdf-printer.js';
import type { SettingsStore } from './settings-store.js';
import type { SecretRequests } from './secret-requests.js';
import { TOKEN_PIN_ENV, TOKEN_SO_PIN_ENV } from '../core/signing/token/tokens.js';
import type { DialogOpenRequest, DialogSaveRequest } from '../../shared/ipc/dialog-contract.js';

/** The environment without token PINs: the app asks for a PIN in its dialog, never reads one from the environment. */
export function withoutTokenPins(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [TOKEN_PIN_ENV]: _pin, [TOKEN_SO_PIN_ENV]: _so, ...rest } = env;
  return rest;
}

export interface AppEnvironment {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Whether `now` is a fixed clock (tests): expiry is then judged at that time. */
  fixedClock?: boolean;
  /** How the PKCS#11 worker runs (main: an Electron utilityProcess; default: child_process.fork). */
  pkcs11Transport?: TransportFactory;
  /** Chromium's print-to-PDF (main: an offscreen window; e2e: Playwright's page.pdf()). */
  pdfPrinter?: PdfPrinter;
}

/** A TrustContext from the Settings; secrets come per request (the dialog's answers). */
export function contextFromSettings(s: Settings, app: AppEnvironment, secrets?: SecretProviders): TrustContext {
  return new TrustContext({
    env: withoutTokenPins(app.env),
    ...(s.dockerConfigDir ? { configDir: s.dockerConfigDir } : {}),
    servers: s.trustServers,
    caFiles: s.caFiles,
    offline: s.offline,
    ...(s.proxy ? { proxy: s.proxy } : {}),
    clock: app.now,
    ...(app.fixedClock ? { fixedClock: true } : {}),
    ...(app.pkcs11Transport ? { pkcs11Transport: app.pkcs11Transport } : {}),
    ...(app.pdfPrinter ? { pdfPrinter: app.pdfPrinter } : {}),
    ...(secrets ? { secrets } : {}),
  });
}

/** What every IPC handler receives besides its request. */
export interface AppContext {
  /** The Settings at the time of the request. */
  settings: Settings;
  store: SettingsStore;
  /** The use cases' context built from those Settings (closed when the request is answered). */
  trust: TrustContext;
  /** The same, with a dialog's secrets answered once for this request. */
  trustWith(secrets: SecretProviders): TrustContext;
  env: NodeJS.ProcessEnv;
  /** Drops what the app caches about a repository (all repositories without a name). */
  invalidate(gun?: string): void;
  services: AppServices;
}

/** The app shell's own services (not use cases): its version, links, the overview cache. */
export interface AppServices {
  version: string;
  openExternal(url: string): Promise<void>;
  /** The repository overview, loaded once and reused for a while (the Repositories page asks for many). */
  overview(name: string, refresh?: boolean): Promise<RepositoryOverview>;
  /** Forgets the cached list of token keys (after the Settings' modules changed). */
  forgetTokens(): void;
  /** The PIN dialog's open questions (answered through `secret:answer`). */
  secrets: SecretRequests;
  /** The system's open/save/folder dialogs (`dialog:open`, `dialog:save`). */
  dialogs: FileDialogs;
}

/**
 * The port of the system's file dialogs. Main: Electron's `dialog` over the focused app window
 * (electron/main/file-dialogs.ts); e2e: a stub that answers queued paths (e2e/support/dialogs.ts).
 * A cancelled dialog answers `[]` (open) or `null` (save); the port never reads or writes the files.
 */
export interface FileDialogs {
  open(request: DialogOpenRequest): Promise<string[]>;
  save(request: DialogSaveRequest): Promise<string | null>;
}

/** Where the process has no dialog to show (tests, a headless run): every question fails, saying so. */
export const NO_FILE_DIALOGS: FileDialogs = {
  open: () => Promise.reject(new TrustDeskError('INTERNAL', 'no file dialog in this process: type the path into the field')),
  save: () => Promise.reject(new TrustDeskError('INTERNAL', 'no file dialog in this process: type the path into the field')),
};
