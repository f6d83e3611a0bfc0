/** The renderer's security boundary as the e2e page sees it: CSP, the bridge, external links. */
import { test, expect, labHandlers, bridge } from './support/fixtures.js';

test('the CSP blocks inline and remote scripts; the bridge exposes only invoke over the contract', async ({ page, context, handlers, origin }) => {
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/`);
  await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/.test(m.text())) violations.push(m.text());
  });
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { inlineRan?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.head.append(s);
    const fetched = await fetch('https://example.com/').then(
      () => true,
      () => false,
    );
    return { inline: w.inlineRan === true, fetched };
  });
  expect(ran).toEqual({ inline: false, fetched: false });
  expect(violations.length).toBeGreaterThan(0);
  const api = await page.evaluate(() => {
    const t = (window as unknown as { trustdesk: Record<string, unknown> }).trustdesk;
    return { keys: Object.keys(t).sort(), frozen: Object.isFrozen(t), node: typeof (window as unknown as { require?: unknown }).require };
  });
  expect(api).toEqual({ keys: ['channels', 'invoke', 'onSecretRequest'], frozen: true, node: 'undefined' });
  const bad = await page.evaluate(() =>
    (window as unknown as { trustdesk: { invoke(c: string, p: unknown): Promise<unknown> } }).trustdesk.invoke('repository:overview', {
      name: ['x'],
    }),
  );
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
});

test('external links open in the system browser only when allow-listed', async ({ page, context, lab, origin }) => {
  const opened: string[] = [];
  const handlers = await labHandlers(lab, { openExternal: async (url) => void opened.push(url) });
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/`);
  await page.getByRole('button', { name: /About content trust/ }).click();
  await expect.poll(() => opened).toEqual(['https://docs.docker.com/engine/security/trust/']);
  const refused = await page.evaluate(() =>
    (window as unknown as { trustdesk: { invoke(c: string, p: unknown): Promise<unknown> } }).trustdesk.invoke('external:open', {
      url: 'https://evil.example/',
    }),
  );
  expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(opened).toHaveLength(1);
});
