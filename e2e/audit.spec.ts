/**
 * The Audit view on the real lab: paste a Compose file and a daemon.json, see the verdict table,
 * pin a repository's root in one click from the policy editor (the canonical ID shown, the verdict
 * changes previewed before the new daemon.json is used), and audit again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pushImage } from '../lab/index.js';
import { test, expect, seriousAxeViolations } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');

test('Audit: a Compose file under a daemon.json; one-click root pin with a preview of what changes', async ({ page, app, lab, handlers }) => {
  const gun = lab.scenarios.app.gun;
  const compose = `services:\n  web:\n    image: ${gun}:v1\n  api:\n    image: ${gun}:v2\n  cache:\n    image: ${gun}:latest\n`;
  const policy = JSON.stringify(
    { 'content-trust': { mode: 'enforced', 'trust-pinning': { 'root-keys': { 'registry.example.com/*': ['a'.repeat(64)] } } } },
    null,
    2,
  );
  // the canonical root key ID the engine compares (not the certificate ID docker trust inspect shows)
  const probe = (await handlers.invoke('audit:run', { sources: [{ name: 'compose.yaml', text: compose }] })) as {
    ok: boolean;
    value: { report: { images: { image: string; rootKeys: { canonicalId: string; certificateId: string }[] }[] } };
  };
  expect(probe.ok).toBe(true);
  const root = probe.value.report.images[0]!.rootKeys[0]!;

  await app.open('#/audit');
  await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  await page.getByLabel('Images, Compose file or Kubernetes manifests').fill(compose);
  await page.getByLabel(/^Policy editor: daemon.json/).fill(policy);
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const table = page.getByRole('table', { name: 'Audit results' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(page.getByRole('status').filter({ hasText: 'Mode enforced' })).toContainText('3 refused');
  const web = table.getByRole('row').filter({ hasText: `${gun}:v1` });
  await expect(web).toContainText('not-pinned');
  await expect(web).toContainText(root.canonicalId.slice(0, 12));

  // one click pins the root; the preview says what changes before anything is used
  await web.getByRole('button', { name: `Pin root of ${gun}` }).click();
  const preview = page.getByRole('region', { name: 'Policy change preview' });
  await expect(preview).toContainText(`${gun}:v1: fail not-pinned → pass ok`);
  await expect(preview).toContainText(`${gun}:v2: fail not-pinned → fail tag-not-signed`);
  await expect(preview).toContainText(`${gun}:latest: fail not-pinned → fail digest-mismatch`);
  await expect(preview.getByLabel('New daemon.json')).toHaveValue(new RegExp(root.canonicalId));
  await expect(preview.getByLabel('New daemon.json')).not.toHaveValue(new RegExp(root.certificateId));
  // the whole page (table and preview) in one screenshot
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshots/audit.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 820 });
  await preview.getByRole('button', { name: 'Use this policy' }).click();
  await expect(page.getByLabel(/^Policy editor: daemon.json/)).toHaveValue(new RegExp(root.canonicalId));
  await expect(page.getByRole('status').filter({ hasText: 'Mode enforced' })).toContainText('1 pull, 2 refused');
  await expect(table.getByRole('row').filter({ hasText: `${gun}:v1` })).toContainText('Pulls');
  await expect(table.getByRole('row').filter({ hasText: `${gun}:latest` })).toContainText('digest-mismatch');

  expect(await seriousAxeViolations(page)).toEqual([]);

  // any edit of the policy is previewed against the audited one: permissive reports instead of refusing
  await page.getByLabel('Mode').selectOption('permissive');
  await expect(page.getByLabel(/^Policy editor: daemon.json/)).toHaveValue(/"mode": "permissive"/);
  await page.getByRole('button', { name: 'Preview what changes' }).click();
  const edit = page.getByRole('region', { name: 'Policy change preview' });
  await expect(edit).toContainText('Your edit of daemon.json');
  await expect(edit).toContainText(`${gun}:v2: fail tag-not-signed → warn tag-not-signed`);
  await edit.getByRole('button', { name: 'Discard' }).click();

  // an invalid daemon.json: every problem is listed, nothing is audited
  await page
    .getByLabel(/^Policy editor: daemon.json/)
    .fill('{"content-trust": {"mode": "strict", "trust-pinning": {"root-keys": {"x/Y": ["abc"]}}}}');
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('mode must be one of disabled, permissive, enforced');
  await expect(alert).toContainText('bad glob "x/Y"');
});

test('Audit: open a Kubernetes manifest from a file; CI signing set-up writes the bundle and says how to revoke', async ({ page, app, lab }) => {
  const gun = lab.scenarios.app.gun;
  await app.open('#/audit');
  await page
    .locator('input[type=file]')
    .first()
    .setInputFiles({
      name: 'deploy.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from(
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: init, image: "${gun}:v1"}]\n          containers: [{name: job, image: "${gun}:v2"}]\n`,
      ),
    });
  await expect(page.getByText('Opened: deploy.yaml')).toBeVisible();
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const table = page.getByRole('table', { name: 'Audit results' });
  await expect(table.getByRole('row').filter({ hasText: `${gun}:v1` })).toContainText('initContainers[0] (init)');
  await expect(table.getByRole('row').filter({ hasText: `${gun}:v2` })).toContainText('tag-not-signed');
  await expect(page.getByRole('status').filter({ hasText: 'Mode enforced' })).toContainText('trust on first use');

  // CI signing set-up on a repository TrustDesk initialises (the server keeps its snapshot key)
  const repo = `lab/e2e-ci-${Date.now()}`;
  const ciGun = `${lab.registryHost}/${repo}`;
  await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v1');
  execFileSync(process.execPath, [BIN, 'init', ciGun], {
    env: { ...process.env, ...lab.env, DOCKER_CONFIG: lab.dockerConfigDir, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl },
  });
  const out = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-ci-')), 'bundle');
  await page.getByLabel('CI signer name').fill('e2eci');
  await page.getByLabel('Repositories (space or comma separated)').fill(ciGun);
  await page.getByLabel('Write the bundle to (directory)').fill(out);
  await page.getByLabel('Passphrase of your repository key (if the environment does not provide it)').fill(lab.env.NOTARY_TARGETS_PASSPHRASE ?? '');
  await page.getByLabel('Passphrase for the new CI key (at least 8 characters)').fill('e2e-ci-passphrase-1');
  await page.getByRole('button', { name: 'Create the CI signer' }).click();
  const bundle = page.getByRole('region', { name: 'CI bundle' });
  await expect(bundle.getByRole('status')).toContainText(`added to ${ciGun}`);
  await expect(bundle).toContainText('TRUSTDESK_CI_SIGNER_PASSPHRASE');
  await expect(bundle).toContainText(`trustdesk signer remove e2eci ${ciGun}`);
  await expect(bundle.getByLabel('GitHub Actions')).toHaveValue(/trustdesk sign "\$IMAGE:\$TAG"/);
  await expect(bundle).not.toContainText('PRIVATE KEY');
  expect(readFileSync(join(out, 'e2eci.key'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  await expect(page.getByLabel('Passphrase for the new CI key (at least 8 characters)')).toHaveValue('');
});
