/** Progress while several repositories load, and a health line per repository as each arrives. */
import { test, expect, labHandlers, bridge } from './support/fixtures.js';
import { syntheticOverview } from './support/synthetic-overview.js';

test('the Repositories page shows progress while several repositories load', async ({ page, context, lab, origin }) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let served = 0;
  const handlers = await labHandlers(lab, {
    loadOverview: async (name) => {
      // the first two answer at once, the rest wait for the gate
      if (served++ >= 2) await gate;
      return syntheticOverview(name, 12);
    },
  });
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/`);
  const progress = page.getByRole('status').filter({ hasText: /Checking \d+ repositories/ });
  await expect(progress).toContainText('2 done');
  await expect(page.getByRole('progressbar', { name: 'Repositories loaded' })).toHaveAttribute('value', '2');
  await expect(page.getByText('Checking…').first()).toBeVisible();
  release();
  await expect(progress).toHaveCount(0);
  await expect(page.getByText('Checking…')).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Repositories' }).locator('li').first()).toContainText('signed');
});
