/**
 * The Keys view, trust pinning and the offline inspector against the real lab, on a copy of the lab's
 * docker config dir (so the keys made and removed and the pins written here leave the other tests'
 * trust dir alone): generate a key and see it listed with its role, a lab key listed as used by its
 * repository, a wrong passphrase asked again, remove → removed → restore; pin the current root of a
 * lab repository (the confirmation names the exact IDs) → badge pinned; an archive made with
 * `trustdesk archive` and the copied trust directory opened with no network, "as of" shown.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test as base, expect, labHandlers } from './support/fixtures.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');
const PASS = 'e2e keys view passphrase 42';

const test = base.extend<{ configDir: string }>({
  configDir: async ({ lab }, use) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-keys-')), 'docker');
    cpSync(lab.dockerConfigDir, dir, { recursive: true });
    await use(dir);
  },
  handlers: async ({ lab, configDir }, use) => use(await labHandlers({ ...lab, dockerConfigDir: configDir })),
});

async function noSeriousA11yViolations(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${what}: ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    ),
  ).toEqual([]);
}

/**
 * The Keys view fits 1280 pixels: no horizontal scroll in the document or in <main> (where the app
 * scrolls), no table wider than its section, and every key ID (short, in <KeyId>) on one line.
 */
async function expectKeysFitTheWindow(page: Page) {
  const layout = await page.evaluate(() => {
    const main = document.querySelector('main')!;
    const tables = [...document.querySelectorAll<HTMLTableElement>('table.inventory')].map((t) => ({
      name: t.getAttribute('aria-label'),
      width: t.getBoundingClientRect().width,
      room: t.parentElement!.clientWidth,
    }));
    const ids = [...document.querySelectorAll<HTMLElement>('table.inventory .key-id-short code')].map((c) => {
      const lineHeight = parseFloat(getComputedStyle(c).lineHeight) || parseFloat(getComputedStyle(c).fontSize) * 1.25;
      return { text: c.textContent, height: c.getBoundingClientRect().height, lineHeight, lines: c.getClientRects().length };
    });
    return {
      docScrollWidth: document.documentElement.scrollWidth,
      mainScrollWidth: main.scrollWidth,
      mainClientWidth: main.clientWidth,
      tables,
      ids,
    };
  });
  expect(layout.docScrollWidth, 'no horizontal scroll of the window').toBeLessThanOrEqual(1280);
  expect(layout.mainScrollWidth, 'no horizontal scroll inside <main>').toBeLessThanOrEqual(layout.mainClientWidth);
  expect(layout.tables.map((t) => t.name)).toEqual(['Keys on this machine', 'Removed keys']);
  for (const t of layout.tables) expect(t.width, `${t.name} fits its section`).toBeLessThanOrEqual(t.room + 0.5);
  expect(layout.ids.length).toBeGreaterThan(2);
  for (const id of layout.ids) {
    expect(id.text, 'short form').toMatch(/^[0-9a-f]{12}…$/);
    expect(id.lines, `${id.text} is one line box`).toBe(1);
    expect(id.height, `${id.text} is one line high`).toBeLessThan(id.lineHeight * 1.5);
  }
}

test('Keys: the inventory with used-by, generate (strength meter), a wrong passphrase asked again, remove → removed → restore', async ({
  page,
  context,
  origin,
  app,
  lab,
  configDir,
}) => {
  test.setTimeout(120_000); // axe runs four times on a long page; the shared machine is slow
  await app.open('#/keys');
  const table = page.getByRole('table', { name: 'Keys on this machine' });
  await expect(table).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Warnings' })).toBeVisible();
  // a lab key: the app repository's targets key, used by that repository
  await expect(
    table
      .getByRole('row')
      .filter({ hasText: `${lab.scenarios.app.gun} (targets)` })
      .first(),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Generate a key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate a signer key' });
  await dialog.getByLabel('Key name').fill('e2e-alice');
  await expect(dialog).toContainText(`${configDir}/trust/private/`);
  await expect(dialog).toContainText(`${configDir}/trustdesk-public-keys/e2e-alice.pub`);
  await dialog.getByLabel('New passphrase', { exact: true }).fill('short');
  await expect(dialog).toContainText('too short');
  await expect(dialog.getByRole('button', { name: 'Generate the key' })).toBeDisabled();
  await dialog.getByLabel('New passphrase', { exact: true }).fill(PASS);
  await expect(dialog.getByRole('meter')).toHaveAttribute('value', /^[34]$/);
  await dialog.getByLabel('Repeat the new passphrase').fill(PASS);
  await noSeriousA11yViolations(page, 'generate dialog');
  await dialog.getByRole('button', { name: 'Generate the key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'generated' })).toBeVisible();
  const row = table.getByRole('row').filter({ hasText: 'e2e-alice' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('not used by a cached repository');
  const keyId = (await row.getAttribute('data-key-id'))!;
  const short = keyId.slice(0, 12);

  // change passphrase: a wrong current one comes back and the dialog asks again
  await page.getByRole('button', { name: `Change the passphrase of key ${short}` }).click();
  const passwd = page.getByRole('dialog', { name: `Change the passphrase of key ${short}` });
  await expect(passwd).toContainText(`re-encrypts it in place (${configDir}/trust/private/${keyId}.key)`);
  await passwd.getByLabel('Current passphrase').fill('not the passphrase');
  await passwd.getByLabel('New passphrase', { exact: true }).fill(`${PASS} new`);
  await passwd.getByLabel('Repeat the new passphrase').fill(`${PASS} new`);
  await passwd.getByRole('button', { name: 'Change the passphrase' }).click();
  await expect(passwd.getByRole('alert')).toContainText('The passphrase is wrong');
  await expect(passwd.getByLabel('Current passphrase')).toHaveValue('');
  await passwd.getByLabel('Current passphrase').fill(PASS);
  await passwd.getByRole('button', { name: 'Change the passphrase' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'passphrase of key' })).toBeVisible();

  // remove: the exact path and where it goes; then listed as removed; then restored
  await page.getByRole('button', { name: `Remove key ${short}` }).click();
  const remove = page.getByRole('dialog', { name: `Remove key ${short}` });
  await expect(remove).toContainText(`Moves ${configDir}/trust/private/${keyId}.key to ${configDir}/trust/removed-keys/`);
  await remove.getByRole('button', { name: 'Remove the key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'moved to' })).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'e2e-alice' })).toHaveCount(0);
  const removed = page.getByRole('table', { name: 'Removed keys' });
  const removedRow = removed.locator(`tr[data-key-id="${keyId}"]`);
  await expect(removedRow).toContainText('e2e-alice');
  await expect(removedRow.getByRole('cell').nth(3)).toHaveText(/^removed-keys\/[^/]+\/$/);
  await expect(removedRow.getByRole('cell').nth(3)).toHaveAttribute('title', new RegExp(`${configDir}/trust/removed-keys/.*/${keyId}\\.key$`));

  // at 1280×800: short IDs on one line each, the full ID on hover (title) and focus, a copy button; no horizontal scroll
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectKeysFitTheWindow(page);
  const idInRemoved = removedRow.locator('.key-id-short code');
  await expect(idInRemoved).toHaveText(`${short}…`);
  await expect(idInRemoved).toHaveAttribute('title', keyId);
  await idInRemoved.focus();
  await expect(idInRemoved).toHaveText(keyId);
  await idInRemoved.blur();
  await expect(idInRemoved).toHaveText(`${short}…`);
  // the end of the inventory and the removed keys, as a user at 1280×800 sees them
  await page.locator('main').evaluate((m) => m.scrollTo(0, m.scrollHeight));
  await page.screenshot({ path: `${SHOTS}/keys.png` });
  await noSeriousA11yViolations(page, 'keys');
  await page.setViewportSize({ width: 1280, height: 820 });

  await page.getByRole('button', { name: `Restore key ${short}` }).click();
  const restore = page.getByRole('dialog', { name: `Restore key ${short}` });
  await expect(restore).toContainText(`back to ${configDir}/trust/private/${keyId}.key`);
  await restore.getByRole('button', { name: 'Restore the key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'restored' })).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'e2e-alice' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Removed keys' })).toHaveCount(0);

  // the copy button puts the full ID on the clipboard
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const copy = table.locator(`tr[data-key-id="${keyId}"]`).getByRole('button', { name: 'Copy key ID' }).first();
  await copy.click();
  await expect(copy).toHaveAttribute('title', 'Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keyId);
});

test('Pins: pin the current root of a lab repository (exact IDs in the confirmation) → badge pinned; listed in Settings', async ({
  page,
  app,
  lab,
  handlers,
  configDir,
}) => {
  const gun = lab.scenarios.team.gun;
  const o = (await handlers.invoke('repository:overview', { name: gun })) as {
    ok: true;
    value: { adminRoles: { role: string; keys: { id: string; canonicalId: string }[] }[] };
  };
  const rootKey = o.value.adminRoles.find((r) => r.role === 'root')!.keys[0]!;
  await app.open(`#/repo/${encodeURIComponent(gun)}/tags`);
  const badge = page.getByLabel('Trust pinning');
  await expect(badge).toHaveText('Not pinned (trust on first use)');
  await page.getByRole('button', { name: 'Pin current root…' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Pin the current root of ${gun}` });
  await expect(confirm).toContainText(rootKey.id);
  await expect(confirm).toContainText(rootKey.canonicalId);
  await noSeriousA11yViolations(page, 'pin confirmation');
  await confirm.getByRole('button', { name: 'Pin this root' }).click();
  await expect(badge).toHaveText('Pinned');
  await expect(page.getByRole('status').filter({ hasText: `Pinned ${gun} to root certificate ${rootKey.id}` })).toContainText(
    `${configDir}/trustdesk-pins.json`,
  );
  await expect(page.getByRole('button', { name: 'Unpin…' })).toBeVisible();
  // the pin applies: the repository still verifies against it
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name: gun })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await app.open('#/settings');
  const pins = page.getByRole('table', { name: 'Pins' });
  await expect(pins.getByRole('row').filter({ hasText: gun })).toContainText(rootKey.id);
  const repos = page.getByRole('table', { name: 'How each cached repository is trusted' });
  await expect(repos.locator(`tr[data-gun="${gun}"]`)).toContainText('pinned (root certificate IDs)');
  await expect(repos.locator(`tr[data-gun="${lab.scenarios.app.gun}"]`)).toContainText('trust on first use');
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: `${SHOTS}/pins.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 820 });
  await noSeriousA11yViolations(page, 'pins');

  await app.open(`#/repo/${encodeURIComponent(gun)}/tags`);
  await page.getByRole('button', { name: 'Unpin…' }).click();
  const unpin = page.getByRole('alertdialog', { name: `Unpin ${gun}` });
  await expect(unpin).toContainText(rootKey.id);
  await unpin.getByRole('button', { name: 'Unpin' }).click();
  await expect(page.getByLabel('Trust pinning')).toHaveText('Not pinned (trust on first use)');
});

/** The offline inspector looked at 40 days later: the archive still verifies as of its time, and the timestamp has expired since. */
const LATER_MS = 40 * 86_400_000;
const later = test.extend({
  handlers: async ({ lab, configDir }, use) =>
    use(await labHandlers({ ...lab, dockerConfigDir: configDir }, { now: () => new Date(Date.now() + LATER_MS) })),
});

later(
  'Offline inspector: an archive made by trustdesk archive, and the trust directory, opened 40 days later with no network: "as of" and what expired since',
  async ({ page, app, lab, configDir }) => {
    const s = lab.scenarios.app;
    const file = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-archive-')), 'app.tdarchive');
    execFileSync(process.execPath, [BIN, 'archive', s.gun, '-o', file], {
      env: { ...process.env, ...lab.env, DOCKER_CONFIG: configDir, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl },
    });

    await app.open();
    await page.getByLabel('Path to a trust directory or archive').fill(file);
    await page.getByRole('button', { name: 'Open archive…' }).click();
    const inside = page.getByRole('list', { name: 'Repositories in it' });
    await expect(inside.getByRole('link', { name: s.gun, exact: true })).toBeVisible();
    await expect(page.getByText(`Trust archive ${file}`)).toBeVisible();
    await inside.getByRole('link', { name: s.gun, exact: true }).click();
    await expect(page.getByRole('heading', { name: s.gun })).toBeVisible();
    await expect(page.getByRole('note', { name: 'As of' })).toContainText(/As of \d/);
    await expect(page.getByRole('note', { name: 'Expired since' })).toContainText(/Expired since then: .*timestamp on \d{4}-\d\d-\d\d/);
    await expect(page.getByText(`Read-only, from the trust archive ${file}`)).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Publish' })).toHaveCount(0);
    const signedTag = Object.entries(s.tags).find(([, t]) => t.verdict === 'signed')![0];
    await expect(page.locator(`[role="row"][data-tag="${signedTag}"]`)).toContainText('Signed');
    await page.screenshot({ path: `${SHOTS}/archive.png`, fullPage: true });
    await noSeriousA11yViolations(page, 'archive');
    await page.getByRole('tab', { name: 'Administrative keys' }).click();
    await expect(page.getByRole('heading', { name: 'Root' })).toBeVisible();

    // the copied trust directory, with no network
    await app.open();
    await page.getByLabel('Path to a trust directory or archive').fill(join(configDir, 'trust'));
    await page.getByRole('button', { name: 'Open trust directory…' }).click();
    await page.getByRole('list', { name: 'Repositories in it' }).getByRole('link', { name: s.gun, exact: true }).click();
    await expect(page.getByRole('note', { name: 'As of' })).toContainText(/As of \d/);
    await expect(page.getByText(`Read-only, from the trust directory ${join(configDir, 'trust')}`)).toBeVisible();
    await expect(page.getByRole('note').filter({ hasText: 'The registry was not contacted' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Publish' })).toHaveCount(0);

    // a path that is neither: explained
    await app.open();
    await page.getByLabel('Path to a trust directory or archive').fill(configDir + '/nope');
    await page.getByRole('button', { name: 'Open archive…' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  },
);
