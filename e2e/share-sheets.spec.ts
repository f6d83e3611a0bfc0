/**
 * The backup wizard's paths through the file dialogs (the harness's DialogStub) and the share sheets
 * PDF: a 3-of-5 backup of a real repository's root key, the PDF printed by Chromium (Playwright's
 * page.pdf(), the app's port), rendered back to PNG pages with pdftoppm and every QR code decoded
 * with jsqr; 3 decoded shares rebuild the root key (core's combineShares) and pass the restore drill
 * in the app. A cancelled dialog leaves the field as it was. Screenshots: ceremony-share-sheets.png
 * (the step) and share-sheet-pdf-page1.png (page 1 of the PDF as pdftoppm renders it).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDockerConfig } from '../lab/index.js';
import { combineShares, decodeShare } from '../electron/core/ceremony/backup.js';
import { readPdfQrCodes } from '../tests/support/pdf-qr.js';
import { test as base, expect, labHandlers, playwrightPdfPrinter, seriousAxeViolations } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');
const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PASS = 'trustdesk-lab-passphrase';

const test = base.extend<{ configDir: string }>({
  configDir: async ({ lab }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-sheets-'));
    await writeDockerConfig(dir, lab.caFile, [new URL(lab.notaryUrl).host, lab.registryHost]);
    await use(dir);
  },
  handlers: async ({ lab, configDir, browser }, use) =>
    use(await labHandlers({ ...lab, dockerConfigDir: configDir }, { pdfPrinter: playwrightPdfPrinter(browser) })),
});

test('Backup: paths chosen in dialogs, a cancelled dialog changes nothing, share sheets PDF whose QR codes rebuild the root key', async ({
  page,
  app,
  lab,
  handlers,
  configDir,
}) => {
  test.setTimeout(240_000);
  const gun = `${lab.registryHost}/lab/share-sheets-${Date.now()}`;
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...lab.env, DOCKER_CONFIG: configDir }, encoding: 'utf8' });
  const root = /Generated new root key with ID ([0-9a-f]{64})/.exec(cli(['init', gun]))![1]!;
  const usb = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-sheets-usb-'));
  const dialogs = handlers.dialogs;

  await app.open('#/ceremony');
  const backup = page.getByRole('region', { name: 'Step 1: Export the root key, encrypted, to a removable medium' });
  const dir = backup.getByLabel('Directory on the removable medium');
  const chooseDir = backup.getByRole('button', { name: 'Choose Directory on the removable medium' });

  // a cancelled folder dialog leaves the field as it was: empty, then a typed path
  dialogs.answerCancel();
  await chooseDir.click();
  await expect.poll(() => dialogs.pending).toBe(0);
  await expect(dir).toHaveValue('');
  await dir.fill('/typed/by/hand');
  dialogs.answerCancel();
  await chooseDir.click();
  await expect.poll(() => dialogs.pending).toBe(0);
  await expect(dir).toHaveValue('/typed/by/hand');
  // the folder the user picks replaces it
  dialogs.answer(usb);
  await chooseDir.click();
  await expect(dir).toHaveValue(usb);
  expect(dialogs.asked.slice(0, 3)).toEqual(Array(3).fill({ dialog: 'open', kind: 'folder', title: 'Directory on the removable medium' }));

  await backup.getByLabel('Root key ID').fill(root.slice(0, 12));
  await backup.getByRole('button', { name: 'Export backup' }).click();
  await expect(backup).toContainText('5 share pages to print (any 3 rebuild the key)');

  // the share sheets: a cancelled save dialog writes nothing; then the PDF where the dialog says
  const sheets = backup.getByRole('region', { name: 'Share sheets' });
  const pdf = join(usb, 'sheets.pdf');
  dialogs.answerCancel();
  await sheets.getByRole('button', { name: 'Save share sheets as PDF…' }).click();
  await expect.poll(() => dialogs.pending).toBe(0);
  await expect(sheets.getByLabel('Share sheets PDF')).toHaveValue('');
  expect(readdirSync(usb).filter((f) => f.endsWith('.pdf'))).toEqual([]);
  dialogs.answer(pdf);
  await sheets.getByRole('button', { name: 'Save share sheets as PDF…' }).click();
  // Chromium prints in a fresh context: generous on a loaded 2-core machine
  await expect(sheets.getByLabel('Share sheets written')).toContainText(`5 share sheets written to ${pdf}`, { timeout: 90_000 });
  await expect(sheets.getByLabel('Share sheets written')).toContainText('5 HTML share pages deleted.');
  await expect(sheets.getByLabel('Share sheets PDF')).toHaveValue(pdf);
  expect(dialogs.asked.at(-1)).toEqual({
    dialog: 'save',
    title: 'Save share sheets as PDF',
    defaultName: `share-sheets-${root.slice(0, 12)}.pdf`,
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await sheets.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'ceremony-share-sheets.png'), fullPage: true });

  // the PDF: 0600, the HTML pages gone, the share files kept
  expect(statSync(pdf).mode & 0o777).toBe(0o600);
  expect(readdirSync(usb).filter((f) => f.endsWith('.html'))).toEqual([]);
  expect(readdirSync(usb).filter((f) => f.endsWith('.txt'))).toHaveLength(5);

  // read the PDF back as a phone would: every page to PNG, every QR code decoded
  const pages = readPdfQrCodes(pdf, 150, mkdtempSync(join(tmpdir(), 'trustdesk-e2e-sheets-png-')));
  expect(pages).toHaveLength(5);
  copyFileSync(pages[0]!.png, join(SHOTS, 'share-sheet-pdf-page1.png'));
  const texts = pages.map((p) => {
    expect(p.qr, `QR code of page ${p.page}`).not.toBeNull();
    return p.qr!;
  });
  expect(texts.map((t) => decodeShare(t).index)).toEqual([1, 2, 3, 4, 5]);
  expect(new Set(texts.map((t) => decodeShare(t).keyId))).toEqual(new Set([root]));
  expect((await combineShares([texts[1]!, texts[3]!, texts[4]!])).keyId).toBe(root);

  // the restore drill in the app from 3 decoded sheets, picked in one (multiple) open dialog
  const scanned = [0, 2, 4].map((i) => {
    const f = join(usb, `scanned-${i + 1}.txt`);
    writeFileSync(f, `${texts[i]}\n`, { mode: 0o600 });
    return f;
  });
  const drill = page.getByRole('region', { name: 'Step 2: Restore drill: rebuild the key in memory and check it' });
  dialogs.answer(...scanned);
  await drill.getByRole('button', { name: 'Choose Share files (one per line)' }).click();
  await expect(drill.getByLabel('Share files (one per line)')).toHaveValue(scanned.join('\n'));
  expect(dialogs.asked.at(-1)).toMatchObject({ dialog: 'open', kind: 'file', multiple: true });
  await drill.getByLabel('Repositories that use this root key').fill(gun);
  await drill.getByLabel('Root key passphrase').fill(PASS);
  await drill.getByRole('button', { name: 'Run the drill' }).click();
  await expect(drill.getByLabel('Drill result')).toContainText(`Backed up: root key ${root.slice(0, 12)}`);
  expect(existsSync(pdf)).toBe(true);
});
