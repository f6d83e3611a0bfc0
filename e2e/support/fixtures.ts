/**
 * Test fixtures: a renderer server, the real handler registry (electron/app/handlers.ts) configured
 * like a user would (trust server and CA for the lab registry, the lab's docker config dir), and pages
 * whose window.trustdesk is the preload's API over a binding to that registry.
 *
 * File dialogs: `labHandlers` (and so the `handlers` fixture) answers `dialog:open`/`dialog:save`
 * with a DialogStub (./dialogs.ts), reachable as `handlers.dialogs`. Queue what the user picks before
 * clicking a "Choose …" button: `handlers.dialogs.answer(path)` (or several paths for a multiple open
 * dialog), `handlers.dialogs.answerCancel()`. With nothing queued a save dialog answers a fresh path
 * in the test's temp dir (`handlers.dialogs.dir`) and an open/folder dialog is cancelled.
 * PDF: the `handlers` fixture prints (the share sheets) with Playwright's Chromium `page.pdf()`
 * (./pdf-printer.ts); a spec calling `labHandlers` itself passes `{ pdfPrinter: playwrightPdfPrinter(browser) }`.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHandlers, type HandlerDeps, type Handlers } from '../../electron/app/handlers.js';
import { SettingsStore } from '../../electron/app/settings-store.js';
import { readLabInfo, type LabInfo } from './lab-info.js';
import { serveRenderer } from './static-server.js';
import { softHsmAvailable, type SoftHsm } from '../../tests/support/softhsm.js';
import { DialogStub } from './dialogs.js';
import { playwrightPdfPrinter } from './pdf-printer.js';

const BRIDGE = resolve(import.meta.dirname, '../../dist/e2e/bridge.js');

/** The registry with the test's dialog stub (`dialogs`; see the comment at the top). */
export type LabHandlers = Handlers & { dialogs: DialogStub };

export async function labHandlers(lab: LabInfo, extra: Partial<HandlerDeps> = {}): Promise<LabHandlers> {
  const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-userdata-')));
  await settings.update({
    dockerConfigDir: lab.dockerConfigDir,
    trustServers: { [lab.registryHost]: lab.notaryUrl },
    caFiles: { [lab.registryHost]: lab.caFile },
  });
  const env = { ...process.env };
  delete env.DOCKER_CONTENT_TRUST_SERVER;
  const dialogs = extra.dialogs instanceof DialogStub ? extra.dialogs : new DialogStub();
  return { ...createHandlers({ settings, version: 'e2e', openExternal: async () => undefined, env, ...extra, dialogs }), dialogs };
}

/**
 * The app on SoftHSM tokens as a desktop user has it: its own copy of the lab's docker config (and
 * trust dir), the tokens' module in Settings, no passphrase and a WRONG token PIN in the environment
 * (the app must ask in its dialog and never read them), the pages bridged to the handlers.
 */
export async function appOnTokens(
  lab: LabInfo,
  hsm: SoftHsm,
  page: { context: BrowserContext; origin: string; prefix: string },
): Promise<{ handlers: LabHandlers; configDir: string; trustDir: string }> {
  const configDir = join(mkdtempSync(join(tmpdir(), page.prefix)), 'docker');
  cpSync(lab.dockerConfigDir, configDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...hsm.env, TRUSTDESK_TOKEN_PIN: 'wrong-pin-from-the-environment' };
  delete env.NOTARY_ROOT_PASSPHRASE;
  const handlers = await labHandlers({ ...lab, dockerConfigDir: configDir }, { env });
  await handlers.invoke('settings:update', { pkcs11Modules: [hsm.module] });
  await bridge(page.context, handlers, page.origin);
  return { handlers, configDir, trustDir: join(configDir, 'trust') };
}

/** Bridges window.trustdesk in every page of the context to `handlers`, from the app's own origin only. */
export async function bridge(
  context: BrowserContext,
  handlers: Pick<Handlers, 'invoke'> & Partial<Pick<Handlers, 'secrets'>>,
  origin: string,
): Promise<void> {
  await context.exposeBinding('__trustdeskInvoke', async (source, channel: unknown, payload: unknown) => {
    const frame = source.frame;
    if (frame !== source.page.mainFrame() || new URL(frame.url()).origin !== origin) {
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'message from an untrusted frame refused' } };
    }
    return handlers.invoke(channel, payload);
  });
  // main → renderer: the PIN dialog's questions go to the app's page (as webContents.send does in the app)
  const secrets = handlers.secrets;
  secrets?.connect((request) => {
    const page = context.pages().find((p) => !p.isClosed() && p.url().startsWith(origin));
    if (!page) return false;
    void page
      .evaluate((r) => (window as unknown as { __trustdeskSecretRequest?: (r: unknown) => void }).__trustdeskSecretRequest?.(r), request)
      .catch(() => secrets.answer(request.id, undefined));
    return true;
  });
  await context.addInitScript({ path: BRIDGE });
}

type WorkerFixtures = { lab: LabInfo; origin: string };
type TestFixtures = { handlers: LabHandlers; app: { open(hash?: string): Promise<void> } };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  lab: [async ({}, use) => use(readLabInfo()), { scope: 'worker' }],
  origin: [
    async ({}, use) => {
      const server = await serveRenderer();
      await use(server.origin);
      await server.close();
    },
    { scope: 'worker' },
  ],
  handlers: async ({ lab, browser }, use) => use(await labHandlers(lab, { pdfPrinter: playwrightPdfPrinter(browser) })),
  app: async ({ page, context, handlers, origin }, use) => {
    await bridge(context, handlers, origin);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await use({
      open: async (hash = '#/') => {
        await page.goto(`${origin}/${hash}`);
      },
    });
    expect(errors, 'no page errors or CSP violations').toEqual([]);
  },
});

export { expect, DialogStub, playwrightPdfPrinter };

/** axe's serious and critical violations on the page (or inside `include`), as "id: help" lines. */
export async function seriousAxeViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const result = await builder.analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

/** Skips a token test where SoftHSM2 or the built PKCS#11 worker is missing (and says which). */
export function skipWithoutTokens(): void {
  base.skip(
    !softHsmAvailable() || !existsSync(resolve(import.meta.dirname, '../../dist/electron/signer/worker.js')),
    'SoftHSM2 or the built PKCS#11 worker is missing',
  );
}
