/**
 * DCT → cosign on the lab, as a user sees it: the migration plan and report of `trustdesk migrate
 * cosign` (rendered for docs/screenshots/cosign-plan.png and cosign-report.png), then the tags table's
 * Signatures column with the cosign public key chosen: DCT + cosign, DCT, neither.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { pushImage } from '../lab/index.js';
import { test, expect } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');
const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

test('cosign: migration plan and report, then the Signatures column of the tags table', async ({ page, app, lab, browser }) => {
  const repo = `lab/e2e-cosign-${Date.now()}`;
  const gun = `${lab.registryHost}/${repo}`;
  const target = { registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile };
  for (const t of ['v1', 'v2', 'v3']) await pushImage(target, repo, t);
  const env = {
    ...process.env,
    ...lab.env,
    DOCKER_CONFIG: lab.dockerConfigDir,
    DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl,
    COSIGN_PASSWORD: 'e2e-cosign-password',
  };
  execFileSync(process.execPath, [BIN, 'init', gun], { env });
  execFileSync(process.execPath, [BIN, 'sign', `${gun}:v1`, `${gun}:v2`], { env });
  await pushImage(target, repo, 'v2', { seed: 'v2-repushed' }); // v2 now differs from what DCT signed
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cosign-'));
  execFileSync(process.execPath, [BIN, 'cosign', 'key', 'generate', '-o', join(dir, 'cosign')], { env });
  const run = (args: string[]) =>
    execFileSync(process.execPath, [BIN, 'migrate', 'cosign', '--key', join(dir, 'cosign.key'), ...args, gun], { env, cwd: dir }).toString();
  const plan = run(['--dry-run']);
  expect(plan).toContain('1 to sign, 0 already signed, 2 skipped');
  const report = run(['--bundle']);
  expect(report).toContain('1 signed, 0 already signed, 2 skipped, 0 failed');
  expect(report).toContain(`cosign verify --key cosign.pub --insecure-ignore-tlog ${gun}@`);

  // the terminal text as a user sees it, for the README
  const term = await browser.newPage({ viewport: { width: 1500, height: 60 } });
  for (const [name, text] of [
    ['cosign-plan.png', `$ trustdesk migrate cosign --key cosign.key --dry-run ${gun}\n${plan}`],
    ['cosign-report.png', `$ trustdesk migrate cosign --key cosign.key --bundle ${gun}\n${report}`],
  ] as const) {
    await term.setContent(
      `<!doctype html><html lang="en"><body style="margin:0;background:#1e1f22"><pre style="margin:0;padding:14px;color:#e6e6e6;font:12px/1.45 monospace;white-space:pre">${escapeHtml(text)}</pre></body></html>`,
    );
    await term.screenshot({ path: join(SHOTS, name), fullPage: true });
  }
  await term.close();

  await app.open(`#/repo/${encodeURIComponent(gun)}/tags`);
  const table = page.getByRole('table', { name: 'Tags' });
  await expect(table.getByRole('row').filter({ hasText: 'v1' })).toContainText('DCT');
  await page.getByLabel('cosign public key').fill(join(dir, 'cosign.pub'));
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('status').filter({ hasText: /tag\(s\) signed/ })).toContainText('1 tag(s) signed');
  await expect(table.getByRole('row').filter({ hasText: 'v1' })).toContainText('DCT + cosign ·');
  await expect(table.getByRole('row').filter({ hasText: /sha256-[0-9a-f]{64}\.sig/ })).toContainText('cosign data');
  await expect(table.getByRole('row').filter({ hasText: 'v2' })).toContainText('neither');
  await expect(table.getByRole('row').filter({ hasText: 'v3' })).toContainText('neither');
  await page.screenshot({ path: join(SHOTS, 'cosign-tags.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
