/**
 * Launches the real Electron app (main, preload, app:// protocol) where an Electron binary is
 * installed; skips, saying why, where it is not (ELECTRON_SKIP_BINARY_DOWNLOAD machines).
 */
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, test, expect } from '@playwright/test';

function electronBinary(): string | undefined {
  try {
    return createRequire(import.meta.url)('electron') as unknown as string;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test('the packaged-style app starts with a sandboxed, context-isolated window and the preload API', async () => {
  if (!binary) console.log('e2e: skipping the Electron launch test: no Electron binary is installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  test.skip(
    !binary,
    'no Electron binary installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1; run node node_modules/electron/install.js to get it)',
  );
  const app = await electron.launch({
    executablePath: binary!,
    args: [resolve(import.meta.dirname, '..'), '--no-sandbox', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'trustdesk-electron-'))}`],
  });
  try {
    const win = await app.firstWindow();
    expect(win.url()).toBe('app://trustdesk/index.html');
    await expect(win.getByRole('heading', { name: 'Repositories' })).toBeVisible();
    expect(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await win.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe('undefined');
    const info = await win.evaluate(() =>
      (window as unknown as { trustdesk: { invoke(c: string, r: unknown): Promise<unknown> } }).trustdesk.invoke('app:info', {}),
    );
    expect(info).toMatchObject({ ok: true });
    const bad = await win.evaluate(() =>
      (window as unknown as { trustdesk: { invoke(c: string, r: unknown): Promise<unknown> } }).trustdesk.invoke('repository:overview', { name: 42 }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    await win.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await win.waitForTimeout(500);
    expect(win.url()).toBe('app://trustdesk/index.html');
  } finally {
    await app.close();
  }
});
