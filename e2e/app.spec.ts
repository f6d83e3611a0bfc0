/** The app against the real lab: repositories, verdicts per tag, filters, signers, keys, timeline, graph. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createHandlers } from '../electron/app/handlers.js';
import { SettingsStore } from '../electron/app/settings-store.js';
import { test, expect, bridge } from './support/fixtures.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const VERDICT_TEXT = {
  signed: 'Signed',
  unsigned: 'Unsigned',
  'digest-mismatch': 'Digest mismatch',
  'signed-not-in-registry': 'Signed, not in registry',
};

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

const repoHash = (gun: string, tab = 'tags') => `#/repo/${encodeURIComponent(gun)}/${tab}`;

function row(page: Page, tag: string) {
  return page.locator(`[role="row"][data-tag="${tag}"]`);
}

test('Repositories: the lab repositories from the trust cache, each with its health line', async ({ page, app, lab }) => {
  await app.open();
  await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Repositories' });
  for (const s of [lab.scenarios.app, lab.scenarios.team, lab.scenarios.rotated, ...lab.scenarios.fleet]) {
    await expect(list.getByRole('button', { name: s.gun, exact: true })).toBeVisible();
  }
  const appRow = list.locator('li', { has: page.getByRole('button', { name: lab.scenarios.app.gun, exact: true }) });
  const counts = Object.values(lab.scenarios.app.tags).reduce<Record<string, number>>((m, t) => ({ ...m, [t.verdict]: (m[t.verdict] ?? 0) + 1 }), {});
  await expect(appRow).toContainText(`${counts.signed ?? 0} signed`);
  await expect(appRow).toContainText(`${counts.unsigned ?? 0} unsigned`);
  await expect(appRow).toContainText(`${counts['digest-mismatch'] ?? 0} mismatched`);
  await expect(appRow).toContainText('next expiry');
  await expect(page.getByRole('status').filter({ hasText: 'Checking' })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/repositories.png`, fullPage: true });
  await noSeriousA11yViolations(page, 'repositories');
});

test('adding a repository by name opens it; a bad name is explained in plain words', async ({ page, app, lab }) => {
  await app.open();
  await page.getByLabel('Add a repository').fill('Not A Name');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('That is not a valid repository name');
  await page.getByLabel('Add a repository').fill(lab.scenarios.app.gun);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('heading', { name: lab.scenarios.app.gun })).toBeVisible();
  await page.getByRole('link', { name: '← All repositories' }).click();
  await expect(page.getByRole('list', { name: 'Repositories' }).locator('li').first()).toContainText('recent');
});

test('Repository: every tag has the verdict, digest and signers the lab expects; filter by verdict and search', async ({ page, app, lab }) => {
  const s = lab.scenarios.app;
  await app.open(repoHash(s.gun));
  await expect(page.getByRole('heading', { name: s.gun })).toBeVisible();
  for (const [tag, want] of Object.entries(s.tags)) {
    const r = row(page, tag);
    await expect(r).toContainText(VERDICT_TEXT[want.verdict]);
    const digest = want.verdict === 'digest-mismatch' ? want.registryDigest : (want.registryDigest ?? want.signedDigest);
    await expect(r).toContainText(digest!.slice('sha256:'.length, 'sha256:'.length + 12));
  }
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(Object.keys(s.tags).length);

  await page.getByRole('button', { name: /^Unsigned \(/ }).click();
  const unsigned = Object.entries(s.tags)
    .filter(([, t]) => t.verdict === 'unsigned')
    .map(([tag]) => tag);
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(unsigned.length);
  for (const tag of unsigned) await expect(row(page, tag)).toBeVisible();
  await page.getByRole('button', { name: /^Unsigned \(/ }).click();

  await page.getByRole('searchbox').fill('latest');
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(1);
  await expect(row(page, 'latest')).toContainText('Digest mismatch');
  await page.getByRole('searchbox').fill('');
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(Object.keys(s.tags).length);
  await page.getByRole('button', { name: 'Details of latest' }).click();
  const detail = page.getByRole('complementary', { name: 'latest' });
  await expect(detail).toContainText('other bytes under this tag than were signed');
  await expect(detail).toContainText(s.tags.latest!.registryDigest!);
  await expect(detail).toContainText(s.tags.latest!.signedDigest!);
  await page.screenshot({ path: `${SHOTS}/repository.png` });
  await noSeriousA11yViolations(page, 'repository');
});

test('Repository with signers: filter by signer, sort, screenshot', async ({ page, app, lab }) => {
  const s = lab.scenarios.team;
  await app.open(repoHash(s.gun));
  for (const [tag, want] of Object.entries(s.tags)) {
    await expect(row(page, tag)).toContainText(VERDICT_TEXT[want.verdict]);
    if (want.signers.length) await expect(row(page, tag).locator('.col-signers')).toHaveText(want.signers.join(', '));
  }
  await page.getByLabel('Signer', { exact: true }).selectOption('alice');
  const alice = Object.entries(s.tags)
    .filter(([, t]) => t.signers.includes('alice'))
    .map(([tag]) => tag);
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(alice.length);
  // the filter survives a visit to another view
  await page.getByRole('tab', { name: 'Signers' }).click();
  await page.getByRole('tab', { name: 'Tags' }).click();
  await expect(page.getByLabel('Signer', { exact: true })).toHaveValue('alice');
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(alice.length);
  await page.getByLabel('Signer', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Verdict' }).click();
  await expect(page.getByRole('columnheader', { name: /Verdict/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('button', { name: 'Tag', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: /Tag/ })).toHaveAttribute('aria-sort', 'ascending');
});

test('Signers: open a signer to see its keys, threshold, paths and the tags it signed', async ({ page, app, lab }) => {
  const s = lab.scenarios.teamBefore;
  await app.open(repoHash(s.gun, 'signers'));
  const nav = page.getByRole('navigation', { name: 'Signers' });
  await nav.getByRole('button', { name: /^bob/ }).click();
  const detail = page.getByRole('article');
  await expect(detail.getByRole('heading', { name: 'bob' })).toBeVisible();
  await expect(detail).toContainText('targets/bob');
  await expect(detail).toContainText('1 of 1 key');
  const signedByBob = Object.entries(s.tags)
    .filter(([, t]) => t.signers.includes('bob'))
    .map(([tag]) => tag)
    .sort();
  await expect(detail.getByRole('list', { name: 'Tags signed by bob' }).getByRole('listitem')).toHaveText(signedByBob);
  for (const k of s.signers!.bob!) await expect(detail).toContainText(k);
  await page.screenshot({ path: `${SHOTS}/signers.png` });
  await noSeriousA11yViolations(page, 'signers');
  await detail.getByRole('button', { name: /Show bob’s tags/ }).click();
  await expect(page.getByRole('tab', { name: 'Tags' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[role="row"][data-tag]')).toHaveCount(signedByBob.length);
});

test('Administrative keys: root with both IDs and its certificate, who holds each key', async ({ page, app, lab }) => {
  const s = lab.scenarios.rotated;
  await app.open(repoHash(s.gun, 'keys'));
  const root = page.getByRole('region', { name: 'Root' });
  await expect(root).toContainText('canonical:');
  await expect(root).toContainText(`CN ${s.gun}`);
  await expect(root).toContainText('ecdsa-x509');
  await expect(root).toContainText('This machine');
  await expect(page.getByRole('region', { name: 'Timestamp' })).toContainText('The trust server');
  await expect(page.getByRole('region', { name: 'Snapshot' })).toContainText('The trust server');
  await page.screenshot({ path: `${SHOTS}/administrative-keys.png`, fullPage: true });
  await noSeriousA11yViolations(page, 'keys');
});

test('Expiry timeline: every role and certificate on one axis, warnings first', async ({ page, app, lab }) => {
  const s = lab.scenarios.team;
  await app.open(repoHash(s.gun, 'timeline'));
  await expect(page.getByRole('img', { name: /Expiry of every role and certificate/ })).toBeVisible();
  const table = page.getByRole('table', { name: 'Every expiry, soonest first' });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp', 'targets/alice']) {
    await expect(table.getByRole('cell', { name: role, exact: true })).toBeVisible();
  }
  await expect(table).toContainText('root certificate');
  await page.screenshot({ path: `${SHOTS}/timeline.png`, fullPage: true });
  await noSeriousA11yViolations(page, 'timeline');
});

test('Trust graph: root → targets → delegations → tags with thresholds and key counts', async ({ page, app, lab }) => {
  const s = lab.scenarios.teamBefore;
  await app.open(repoHash(s.gun, 'graph'));
  const svg = page.getByRole('img', { name: /Trust graph/ });
  await expect(svg).toBeVisible();
  for (const id of ['root', 'targets', 'targets/releases', 'targets/alice', 'targets/bob', 'tag:bob-only']) {
    await expect(svg.locator(`[data-node="${id}"]`)).toBeVisible();
  }
  await expect(svg.locator('[data-node="root"]')).toContainText('threshold 1 of 1 key');
  await page.screenshot({ path: `${SHOTS}/trust-graph.png`, fullPage: true });
  await noSeriousA11yViolations(page, 'graph');
});

test('a repository without trust data shows the empty state, its tags unsigned', async ({ page, app, lab }) => {
  const s = lab.scenarios.empty;
  await app.open(repoHash(s.gun));
  await expect(page.getByRole('note')).toContainText('No trust data for this repository');
  for (const tag of Object.keys(s.tags)) await expect(row(page, tag)).toContainText('Unsigned');
  await page.getByRole('tab', { name: 'Signers' }).click();
  await expect(page.getByRole('heading', { name: 'No trust data for this repository' })).toBeVisible();
  await noSeriousA11yViolations(page, 'no trust data');
});

test('Settings persist; offline mode verifies from the cache and says the registry was not read', async ({ page, app, lab }) => {
  await app.open('#/settings');
  await expect(page.getByLabel('Trust server').first()).toHaveValue(lab.notaryUrl);
  await page.getByLabel('Trust server').first().fill(lab.notaryUrl.replace('https:', 'http:'));
  await expect(page.getByRole('alert')).toContainText('must be an https:// URL');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await page.getByLabel('Trust server').first().fill(lab.notaryUrl);
  await page.getByLabel(/Offline mode/).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByText('Offline mode', { exact: true })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true });
  await noSeriousA11yViolations(page, 'settings');
  await app.open(repoHash(lab.scenarios.team.gun));
  await expect(page.getByText('Verified from the local cache')).toBeVisible();
  await expect(page.getByRole('note').filter({ hasText: 'The registry was not read' })).toBeVisible();
});

test('an unreachable trust server is explained with what to do next', async ({ page, app, handlers }) => {
  await handlers.invoke('settings:update', { trustServers: { '127.0.0.1:9': 'https://127.0.0.1:9' } });
  await app.open(repoHash('127.0.0.1:9/lab/nothing'));
  await expect(page.getByRole('alert')).toContainText('The server could not be reached');
  await expect(page.getByRole('alert')).toContainText('offline mode');
  await page.getByText('Details').click();
  await expect(page.getByRole('alert')).toContainText('NETWORK_UNREACHABLE');
  await page.screenshot({ path: `${SHOTS}/error.png` });
  await noSeriousA11yViolations(page, 'error');
});

test('no repositories yet: an empty state that says what to do', async ({ page, context, origin }) => {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-empty-'));
  const handlers = createHandlers({
    settings: new SettingsStore(dir),
    version: 'e2e',
    openExternal: async () => undefined,
    env: { DOCKER_CONFIG: join(dir, 'docker') },
  });
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/`);
  await expect(page.getByRole('heading', { name: 'No repositories yet' })).toBeVisible();
  await expect(page.getByText('Add one by name above')).toBeVisible();
  await noSeriousA11yViolations(page, 'empty');
});
