/**
 * The PIN dialog and the Hardware keys view's actions, with the real handlers and SoftHSM2 tokens
 * (issue 15): generating a root key on a token asks for the token's PIN in a modal dialog opened by
 * the main process (token, serial, why); the dialog is used by keyboard alone (focus stays inside,
 * Escape cancels) and axe-clean; a cancelled dialog and a wrong PIN change nothing and say what to
 * do; a root key file is put on two tokens (two dialogs, one per token) and each copy is checked to
 * sign and verify; the table says where each root key lives. The environment's PIN is wrong on
 * purpose: the app must not read it. Skips where SoftHSM2 is not installed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, expect, appOnTokens, seriousAxeViolations, skipWithoutTokens } from './support/fixtures.js';
import { makeSoftHsm } from '../tests/support/softhsm.js';
import { KeyRing } from '../electron/core/signing/signer.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PIN_A = 'e2e-pin-token-a';
const PIN_B = 'e2e-pin-token-b';
const PASS = 'e2e root file passphrase 42';

test('PIN dialog: generate on a token by keyboard, cancel, wrong PIN, import into two tokens with copy checks', async ({
  page,
  context,
  lab,
  origin,
}) => {
  skipWithoutTokens();
  // token work in a forked PKCS#11 worker: ~45 s on a loaded 2-core machine, past the default 60 s when busier
  test.setTimeout(150_000);
  const hsm = makeSoftHsm();
  try {
    hsm.addToken('token-a', PIN_A);
    hsm.addToken('token-b', PIN_B);
    const { trustDir } = await appOnTokens(lab, hsm, { context, origin, prefix: 'trustdesk-e2e-pin-' });
    // a root key file of the trust dir, to be put on both tokens
    const fileKey = (await new KeyRing(trustDir, { env: { NOTARY_ROOT_PASSPHRASE: PASS } }).generate({ role: 'root' })).keyId;
    await page.goto(`${origin}/#/hardware`);
    const tokenA = page.getByRole('article', { name: 'Token token-a' });
    const tokenB = page.getByRole('article', { name: 'Token token-b' });
    await expect(tokenA).toBeVisible();

    // 1. cancelled dialog (Escape): nothing recorded, a message that says what to do
    await tokenB.getByRole('button', { name: 'Generate a root key on this token' }).click();
    const dialogB = page.getByRole('dialog', { name: 'PIN for token “token-b”' });
    await expect(dialogB).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialogB).toBeHidden();
    await expect(tokenB.getByRole('alert')).toContainText('The token PIN is needed');
    await expect(tokenB.getByRole('alert')).toContainText('nothing was signed or changed');

    // 2. a wrong PIN: refused by the token, nothing recorded
    await tokenB.getByRole('button', { name: 'Generate a root key on this token' }).click();
    await dialogB.getByLabel('PIN', { exact: true }).fill('0000-wrong');
    await dialogB.getByRole('button', { name: 'Unlock the token' }).click();
    await expect(tokenB.getByRole('alert')).toContainText('The token PIN is wrong');
    expect(existsSync(join(trustDir, 'tokens')) ? readdirSync(join(trustDir, 'tokens')) : []).toEqual([]);

    // 3. generate on token A, by keyboard alone: focus starts in the PIN field and stays in the dialog
    const gun = `${lab.registryHost}/e2e/pin-dialog`;
    await tokenA.getByLabel('Repository for its root certificate (optional)').fill(gun);
    await tokenA.getByRole('button', { name: 'Generate a root key on this token' }).focus();
    await page.keyboard.press('Enter');
    const dialogA = page.getByRole('dialog', { name: 'PIN for token “token-a”' });
    await expect(dialogA).toBeVisible();
    await expect(dialogA).toContainText('to generate a new root key on the token');
    await expect(dialogA.getByLabel('PIN', { exact: true })).toBeFocused();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.type(PIN_A);
    const focused: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      focused.push(
        await page.evaluate(
          () =>
            `${document.activeElement?.tagName}:${document.activeElement?.textContent || (document.activeElement as HTMLInputElement | null)?.type}|${!!document.activeElement?.closest('dialog')}`,
        ),
      );
    }
    expect(
      focused.every((f) => f.endsWith('|true')),
      focused.join(', '),
    ).toBe(true);
    expect(focused.some((f) => f.startsWith('BUTTON:Unlock the token'))).toBe(true);
    expect(focused.filter((f) => f.startsWith('INPUT:password')).length, 'Tab comes back round to the PIN field').toBeGreaterThan(0);
    await dialogA.screenshot({ path: join(SHOTS, 'pin-dialog.png') });
    await dialogA.getByLabel('PIN', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect(dialogA).toBeHidden();
    await expect(tokenA.getByRole('status').filter({ hasText: 'Root key' })).toContainText(`Its root certificate for ${gun} is stored on the token.`);

    // 4. the root key file onto both tokens: one dialog per token, then each copy signs and verifies
    const imp = page.getByRole('region', { name: 'Put a root key file on tokens' });
    await imp.getByLabel('Root key file', { exact: true }).selectOption(fileKey);
    await imp.getByRole('checkbox', { name: /token-a/ }).check();
    await imp.getByRole('checkbox', { name: /token-b/ }).check();
    await imp.getByLabel('Passphrase of the root key file').fill(PASS);
    await imp.getByRole('button', { name: 'Put the key on the chosen tokens' }).click();
    // the tokens in the order of the view; each dialog names its token and the key, and starts in the PIN field
    for (let i = 0; i < 2; i++) {
      const dialog = page.getByRole('dialog', { name: /^PIN for token/ });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText(`store the root key ${fileKey.slice(0, 7)} on the token`);
      const isA = ((await dialog.getByRole('heading').textContent()) ?? '').includes('token-a');
      await expect(dialog.getByLabel('PIN', { exact: true })).toBeFocused();
      await page.keyboard.type(isA ? PIN_A : PIN_B);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name: `PIN for token “${isA ? 'token-a' : 'token-b'}”` })).toBeHidden();
    }
    const checks = imp.getByRole('list', { name: 'Copy checks' });
    await expect(checks.getByRole('listitem')).toHaveCount(2);
    await expect(checks).toContainText(/token "token-a".*signs, and the signature verifies/);
    await expect(checks).toContainText(/token "token-b".*signs, and the signature verifies/);

    // 5. where each root key lives
    const places = page.getByRole('table', { name: 'Where each root key lives' });
    const row = places.getByRole('row').filter({ hasText: fileKey.slice(0, 12) });
    await expect(row).toContainText(/token-a \(serial \w+\)/);
    await expect(row).toContainText(/token-b \(serial \w+\)/);
    await expect(
      places
        .getByRole('row')
        .filter({ hasText: fileKey.slice(0, 12) })
        .getByRole('cell')
        .nth(1),
    ).toHaveText('yes');
    await expect(places).toContainText(gun);

    await expect(page.locator('body')).not.toContainText(PIN_A);
    await expect(page.locator('body')).not.toContainText(PIN_B);
    await expect(page.locator('body')).not.toContainText(PASS);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await imp.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'hardware-keys-actions.png') });
  } finally {
    hsm.cleanup();
  }
});

test('air-gapped mode: the Settings switch puts it in the window title; turned off, the title is plain again', async ({ page, app }) => {
  await app.open('#/settings');
  await expect(page).toHaveTitle('TrustDesk');
  const box = page.getByRole('checkbox', { name: /Offline mode \(air-gapped\)/ });
  await box.check();
  await page.getByRole('button', { name: /Save/ }).click();
  await expect(page).toHaveTitle('TrustDesk — air-gapped (offline mode)');
  await expect(page.locator('.offline-pill')).toBeVisible();
  await box.uncheck();
  await page.getByRole('button', { name: /Save/ }).click();
  await expect(page).toHaveTitle('TrustDesk');
});
