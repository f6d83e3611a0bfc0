/**
 * Renewal from the app on the real lab: a repository whose targets (admin's key, here) and delegations
 * (a delegate's key, elsewhere) expire within 90 days is flagged on the Repositories page; the Expiry
 * timeline's "Renew all I can…" shows the exact dry-run diff (versions and dates) and names the roles
 * whose key is elsewhere with who must renew them; publishing renews targets only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { pushImage } from '../lab/index.js';
import { test, expect } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');

test('Renew: flagged on the Repositories page, the dry-run diff on the timeline, the delegate roles named, targets renewed', async ({
  page,
  app,
  lab,
  handlers,
}) => {
  const repo = `lab/e2e-renew-${Date.now()}`;
  const gun = `${lab.registryHost}/${repo}`;
  await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v1');
  const cli = (args: string[], configDir = lab.dockerConfigDir) =>
    execFileSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...lab.env, DOCKER_CONFIG: configDir, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl },
    }).toString();
  cli(['sign', `${gun}:v1`]);
  // the delegate's machine: the lab's client config without its keys
  const delegate = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-delegate-'));
  cpSync(lab.dockerConfigDir, delegate, { recursive: true });
  rmSync(join(delegate, 'trust'), { recursive: true, force: true });
  const keyDir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-delegate-key-'));
  cli(['signer', 'key', 'dana', '--dir', keyDir, '--no-qr'], delegate);
  cli(['signer', 'add', '--key', join(keyDir, 'dana.pub'), 'dana', gun]);
  cli(['sign', `${gun}:v1`], delegate);
  // everything expires within 90 days
  cli(['renew', gun, '--role', 'targets', '--expires', '40d']);
  cli(['renew', gun, '--role', 'targets/dana', '--role', 'targets/releases', '--expires', '50d'], delegate);

  await app.open('#/');
  const row = page.locator('li', { hasText: gun });
  await expect(row.locator('.renew-flag')).toContainText('renew soon: targets');

  await app.open(`#/repo/${encodeURIComponent(gun)}/timeline`);
  await expect(page.getByRole('button', { name: 'Renew targets', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Renew all I can…' }).click();
  const panel = page.locator('.renew-panel');
  // the app's environment has no key passphrase: it asks, and the preview runs again with it
  await expect(panel).toContainText('A passphrase is needed');
  await panel.getByLabel('Key passphrase (if the environment does not provide it)').fill(lab.env.NOTARY_TARGETS_PASSPHRASE ?? '');
  await panel.getByRole('button', { name: 'Preview again' }).click();
  const diff = panel.getByLabel('Exact metadata change');
  await expect(diff).toContainText('targets');
  await expect(panel.getByLabel('Would be renewed')).toContainText(/targets: version \d+ → \d+, expires/);
  const elsewhere = panel.getByLabel('Cannot be renewed here');
  await expect(elsewhere).toContainText('targets/dana');
  await expect(elsewhere).toContainText('signer dana');
  await expect(elsewhere).toContainText('targets/releases');
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshots/renew.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await panel.getByRole('button', { name: 'Publish the renewal' }).click();
  await expect(panel.getByRole('status')).toContainText('Renewed targets');
  const r = (await handlers.invoke('repository:overview', { name: gun, refresh: true })) as {
    ok: boolean;
    value: { timeline: { kind: string; role: string; expires: string }[] };
  };
  expect(r.ok).toBe(true);
  const expiry = (role: string) => new Date(r.value.timeline.find((x) => x.kind === 'role' && x.role === role)!.expires).getTime() - Date.now();
  expect(expiry('targets')).toBeGreaterThan(1000 * 86_400_000); // notary's 3 years
  expect(expiry('targets/dana')).toBeLessThan(51 * 86_400_000); // untouched: the key is the delegate's
});

test('Renew an expired repository: the error page offers renewal, and the repository opens again', async ({ page, app, lab }) => {
  const repo = `lab/e2e-renew-expired-${Date.now()}`;
  const gun = `${lab.registryHost}/${repo}`;
  await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v1');
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...lab.env, DOCKER_CONFIG: lab.dockerConfigDir, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl },
    }).toString();
  cli(['sign', `${gun}:v1`]);
  const r = JSON.parse(cli(['renew', gun, '--role', 'targets', '--expires', '3s', '--json'])) as { renewed: { expires: string }[] };
  await new Promise((done) => setTimeout(done, Math.max(0, Date.parse(r.renewed[0]!.expires) - Date.now()) + 1000));

  await app.open(`#/repo/${encodeURIComponent(gun)}/tags`);
  await expect(
    page
      .getByText('METADATA_EXPIRED')
      .or(page.getByText(/expired/i))
      .first(),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Renew what this machine can…' }).click();
  const panel = page.locator('.renew-panel');
  await panel.getByLabel('Key passphrase (if the environment does not provide it)').fill(lab.env.NOTARY_TARGETS_PASSPHRASE ?? '');
  await panel.getByRole('button', { name: 'Preview again' }).click();
  await expect(panel.getByLabel('Would be renewed')).toContainText(/targets: version \d+ → \d+/);
  await panel.getByRole('button', { name: 'Publish the renewal' }).click();
  // the overview reloads: the repository opens with its signed tag
  await expect(page.getByRole('tab', { name: 'Tags' })).toBeVisible();
  await expect(page.getByText('v1', { exact: true }).first()).toBeVisible();
});
