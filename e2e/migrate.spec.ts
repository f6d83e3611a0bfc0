/**
 * The Migration view on the lab, as a user goes through it: choose the repository and a cosign key →
 * plan (the dry run with the parity table) → sign with the progress bar, cancelled part-way (the tags
 * not begun stay unsigned, nothing half-written) → plan again and sign the rest → report → the
 * generated policies (copy, save) with the parity table. axe on every step; one screenshot per step.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { pushImage } from '../lab/index.js';
import { test, expect } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');
const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PASSWORD = 'e2e-migrate-password';
const TAGS = Array.from({ length: 24 }, (_, i) => `v${i + 1}`);

/** A table row by its row header (the tag), exactly. */
function row(region: Locator, tag: string): Locator {
  return region.getByRole('row').filter({ has: region.page().getByRole('rowheader', { name: tag, exact: true }) });
}

async function axeClean(page: Page, step: string) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${step}: ${v.id}: ${v.help}`)).toEqual([]);
}

test('migration view: plan → sign (cancel, resume) → report → policies, on the lab', async ({ page, app, lab }) => {
  test.setTimeout(240_000);
  const repo = `lab/e2e-migrate-${Date.now()}`;
  const gun = `${lab.registryHost}/${repo}`;
  const target = { registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile };
  for (const t of [...TAGS, 'unsigned']) await pushImage(target, repo, t);
  const env = {
    ...process.env,
    ...lab.env,
    DOCKER_CONFIG: lab.dockerConfigDir,
    DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl,
    COSIGN_PASSWORD: PASSWORD,
  };
  execFileSync(process.execPath, [BIN, 'init', gun], { env });
  execFileSync(process.execPath, [BIN, 'sign', ...TAGS.map((t) => `${gun}:${t}`)], { env });
  await pushImage(target, repo, 'v2', { seed: 'v2-repushed' }); // v2 now differs from what DCT signed
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-migrate-'));
  execFileSync(process.execPath, [BIN, 'cosign', 'key', 'generate', '-o', join(dir, 'cosign')], { env });
  const toSign = TAGS.length - 1;

  // 1. choose
  await app.open('#/migrate');
  await page.getByLabel('Other repositories (space or comma separated)').fill(gun);
  await page.getByLabel('Key file', { exact: true }).fill(join(dir, 'cosign.key'));
  await page.getByLabel('Password or passphrase (if the environment does not provide it)').fill(PASSWORD);
  await axeClean(page, 'choose');
  await page.screenshot({ path: join(SHOTS, 'migrate-choose.png'), fullPage: true });

  // 2. plan, with the parity table: nothing is cosign-signed yet
  await page.getByRole('button', { name: 'Plan the migration' }).click();
  const plan = page.getByRole('region', { name: 'Migration plan' });
  await expect(plan.getByRole('status').first()).toContainText(`${toSign} to sign, 0 already signed, 2 skipped`);
  const before = page.getByRole('region', { name: 'Parity before signing' });
  await expect(row(before, 'v1')).toContainText('no cosign signature yet');
  await expect(row(before, 'unsigned')).toContainText('refused by both');
  await expect(row(before, 'v2')).toContainText('digest-mismatch');
  await axeClean(page, 'plan');
  await before.evaluate((el) => el.scrollIntoView({ block: 'start' })); // the parity table is what this step is for
  await page.screenshot({ path: join(SHOTS, 'migrate-plan.png'), fullPage: true });

  // 3. sign, cancelled once some tags are done
  await page.getByRole('button', { name: `Sign ${toSign} tags` }).click();
  const status = page.getByRole('region', { name: 'Signing' }).getByRole('status');
  await expect(status).toContainText(new RegExp(`^[1-9]\\d* of ${toSign} signed`), { timeout: 60_000 });
  await expect(page.getByRole('progressbar', { name: 'Signing progress' })).toBeVisible();
  await axeClean(page, 'sign');
  await page.screenshot({ path: join(SHOTS, 'migrate-sign.png'), fullPage: true });
  await page.getByRole('button', { name: 'Cancel' }).click();

  // 4. report of the cancelled run: every tag either whole (signed) or not begun
  const report = page.getByRole('region', { name: 'Migration report' });
  await expect(report.getByRole('status')).toContainText('Cancelled.', { timeout: 60_000 });
  const text = (await report.getByRole('status').textContent()) ?? '';
  const signedFirst = Number(/(\d+) signed/.exec(text)![1]);
  expect(signedFirst).toBeGreaterThan(0);
  expect(signedFirst).toBeLessThan(toSign);
  await expect(report.getByRole('row').filter({ hasText: 'cancelled before this tag' })).toHaveCount(toSign - signedFirst);
  expect(text).toContain('0 failed');

  // plan again: the signed tags are done, the rest is signed now
  await page.getByRole('button', { name: 'Plan again' }).click();
  await expect(plan.getByRole('status').first()).toContainText(`${toSign - signedFirst} to sign, ${signedFirst} already signed, 2 skipped`);
  await page.getByRole('button', { name: `Sign ${toSign - signedFirst} tag` }).click();
  await expect(report.getByRole('status')).toContainText(`${toSign - signedFirst} signed, ${signedFirst} already signed, 2 skipped, 0 failed`, {
    timeout: 120_000,
  });
  await axeClean(page, 'report');
  await page.screenshot({ path: join(SHOTS, 'migrate-report.png'), fullPage: true });

  // 5. policies, each with copy and save; the parity table again: now the same
  await page.getByRole('button', { name: 'Generate the policies' }).click();
  const policies = page.getByRole('region', { name: 'Generated policies' });
  for (const title of [
    'containers policy.json',
    'Kyverno ClusterPolicy',
    'Kyverno ImageValidatingPolicy',
    'policy-controller ClusterImagePolicy',
    'CI: verify and pull',
  ])
    await expect(policies.getByRole('article', { name: title })).toBeVisible();
  await expect(policies.getByRole('article', { name: 'Kyverno ClusterPolicy' })).toContainText('ignoreTlog: true');
  const after = page.getByRole('region', { name: 'Parity after signing' });
  await expect(row(after, 'v1')).toContainText('same');
  await expect(after.getByRole('status')).toContainText(
    `${toSign} same, 2 refused by both, 0 signer not migrated, 0 no cosign signature yet, 0 cosign only`,
  );
  const out = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-policies-'));
  await policies.getByLabel('Save to folder').fill(out);
  await policies.getByRole('button', { name: 'Save containers/policy.json' }).click();
  await expect(policies.getByRole('status').first()).toContainText(`Saved ${join(out, 'containers', 'policy.json')}`);
  expect(JSON.parse(readFileSync(join(out, 'containers/policy.json'), 'utf8')).transports.docker[gun][0].type).toBe('sigstoreSigned');
  expect(existsSync(join(out, 'kyverno/clusterpolicy.yaml'))).toBe(false);
  await policies.getByRole('button', { name: 'Save all' }).click();
  await expect(policies.getByRole('status').first()).toContainText(`files to ${out}`);
  expect(existsSync(join(out, 'kyverno/clusterpolicy.yaml'))).toBe(true);
  expect(existsSync(join(out, 'parity-report.json'))).toBe(true);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await policies.getByRole('button', { name: 'Copy kyverno/clusterpolicy.yaml' }).click();
  await expect(policies.getByRole('status').first()).toContainText('Copied kyverno/clusterpolicy.yaml');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('kind: ClusterPolicy');
  await axeClean(page, 'policies');
  await page.locator('main').evaluate((m) => m.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'migrate-policies.png'), fullPage: true });
});
