/**
 * Publishing from the app on the real lab: sign a tag from the Publish view (the confirmation shows
 * the exact digest), see the exact diff in the pending-changes panel, publish with the passphrase
 * typed into the app, and find the tag signed; the onboarding wizard makes a delegate key and shows
 * only its public part and QR code.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { pushImage } from '../lab/index.js';
import { test, expect } from './support/fixtures.js';
import { unpackOverview } from '../shared/tag-table.js';
import type { RepositoryOverviewWire } from '../shared/view-model.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');

test('Publish: sign a tag with its exact digest, preview the diff, publish; onboarding makes a public key and QR', async ({
  page,
  app,
  lab,
  handlers,
}) => {
  const repo = `lab/e2e-publish-${Date.now()}`;
  const gun = `${lab.registryHost}/${repo}`;
  const pushed = await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v1');
  execFileSync(process.execPath, [BIN, 'init', gun], {
    env: { ...process.env, ...lab.env, DOCKER_CONFIG: lab.dockerConfigDir, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl },
  });

  const v2 = await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v2');
  // from the tags table: the detail panel stages a signature after showing the exact digest
  await app.open(`#/repo/${encodeURIComponent(gun)}/tags`);
  await page.getByRole('button', { name: 'Details of v2' }).click();
  const detail = page.getByRole('complementary', { name: 'v2' });
  await detail.getByRole('button', { name: 'Sign this tag…' }).click();
  await expect(detail.getByRole('alertdialog')).toContainText(v2.digest);
  await detail.getByRole('button', { name: 'Stage it' }).click();
  await expect(detail).toContainText('A change of v2 is staged');
  await page.getByRole('tab', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { name: 'Pending changes (1)' })).toBeVisible();
  await page.getByRole('button', { name: 'Discard all' }).click();
  await expect(page.getByRole('heading', { name: 'Pending changes (0)' })).toBeVisible();

  await app.open(`#/repo/${encodeURIComponent(gun)}/publish`);
  await page.getByRole('button', { name: 'Sign v1' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(pushed.digest);
  await confirm.getByRole('button', { name: 'Stage it' }).click();
  await expect(page.getByRole('heading', { name: 'Pending changes (1)' })).toBeVisible();
  await page.getByLabel('Key passphrase (if the environment does not provide it)').fill(lab.env.NOTARY_TARGETS_PASSPHRASE ?? '');
  await page.getByRole('button', { name: 'Preview the exact change' }).click();
  const diff = page.getByLabel('Exact metadata change');
  await expect(diff).toContainText(`v1 → v2`);
  await expect(diff).toContainText(pushed.digest);
  await expect(diff).toContainText('trust server');
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshots/publish.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published' })).toBeVisible();

  const r = (await handlers.invoke('repository:overview', { name: gun, refresh: true })) as { ok: boolean; value: RepositoryOverviewWire };
  expect(r.ok).toBe(true);
  expect(unpackOverview(r.value).tags.find((t) => t.tag === 'v1')).toMatchObject({ verdict: 'signed', signedDigest: pushed.digest });

  // wizard, step 1: the key is made with the passphrase typed here; only public material is shown
  await page.getByLabel('Delegate name').fill(`e2e${Date.now() % 100000}`);
  await page.getByLabel('Passphrase for the new key (at least 8 characters)').fill('wizard-passphrase-1');
  await page.getByRole('button', { name: 'Make the key' }).click();
  const pub = page.getByLabel('Public key to send');
  await expect(pub).toHaveValue(/BEGIN PUBLIC KEY/);
  await expect(pub).not.toHaveValue(/PRIVATE/);
  await expect(page.getByRole('img', { name: /QR code of/ })).toBeVisible();
});
