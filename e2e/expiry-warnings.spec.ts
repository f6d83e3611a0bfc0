/** Warnings before trust data lapses, on the repository page and the timeline; tab keyboard navigation. */
import { test, expect, labHandlers, bridge } from './support/fixtures.js';
import { syntheticOverview } from './support/synthetic-overview.js';

const NAME = 'registry.example.com/team/lapsing';

test('roles about to expire or expired are announced above the views and on the timeline', async ({ page, context, lab, origin }) => {
  const now = Date.now();
  const iso = (days: number) => new Date(now + days * 86_400_000).toISOString();
  const overview = syntheticOverview(NAME, 3);
  overview.timeline = [
    { kind: 'role', label: 'targets/alice', role: 'targets/alice', expires: iso(-2), level: 'expired' },
    { kind: 'role', label: 'timestamp', role: 'timestamp', expires: iso(1), level: 'soon' },
    { kind: 'role', label: 'targets', role: 'targets', expires: iso(6), level: 'soon' },
    { kind: 'role', label: 'root', role: 'root', expires: iso(3650), level: 'ok' },
  ];
  const handlers = await labHandlers(lab, { loadOverview: async () => overview });
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/repo/${encodeURIComponent(NAME)}/tags`);
  const banner = page.getByRole('note').filter({ hasText: 'has expired' });
  await expect(banner).toContainText('targets/alice has expired');
  await expect(banner).toContainText('targets expires in 6 days');
  await expect(banner).not.toContainText('timestamp');

  // keyboard: arrows move between the tabs
  await page.getByRole('tab', { name: 'Tags' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Signers' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Signers' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('tablist').getByRole('tab').last()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Tags' })).toHaveAttribute('aria-selected', 'true');

  await banner.getByRole('button', { name: 'See the expiry timeline' }).click();
  const warnings = page.getByRole('list', { name: 'Expiry warnings' });
  await expect(warnings).toContainText('targets/alice has expired');
  await expect(warnings).toContainText('the trust server renews it automatically');
});
