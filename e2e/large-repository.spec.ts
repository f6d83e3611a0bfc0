/**
 * The 10,000-tag bench: a generated repository view model goes through the real handler registry
 * (request and response parsed with the contract's schemas, as in the app) and the bridge into the
 * virtualised table. The test bridge (Playwright's binding, JSON over the DevTools protocol) costs
 * seconds for a payload this size and is not the app's IPC, so it is timed out of the figures:
 *
 * - handlerMs: the main process's `invoke` for `repository:overview` (parse, load, build, validate)
 * - firstRowsAfterResponseMs: renderer marks (shared/perf-marks.ts), response in → first rows painted
 * - clickToRowsMs: renderer (open → request) + handlerMs + Electron's IPC clone of the response (V8
 *   serialize + deserialize, measured in Node on the handler's result) + firstRowsAfterResponseMs
 * - slowestScrollFrameMs: scrolling to the end in 40 frames, the longest frame
 * - filterMs: a verdict chip clicked → the filtered rows painted, timed in the page
 *
 * Each figure is the median of several runs (opens in a fresh page, scroll passes, filter clicks): the
 * machine is shared, and one descheduled frame should not decide a figure.
 *
 * With TRUSTDESK_BENCH_VIEW_OUT set, those five go as JSON to that file (read by `npm run bench`).
 * The test asserts behaviour (rows, filter counts, scrolling, keyboard) and only generous time bounds.
 */
import { writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { Page } from '@playwright/test';
import { test, expect, labHandlers, bridge } from './support/fixtures.js';
import { syntheticOverview } from './support/synthetic-overview.js';
import { PERF_MARK } from '../shared/perf-marks.js';
import type { TagRow } from '../shared/view-model.js';

const TAGS = 10_000;
const OPENS = 5;
const SCROLL_PASSES = 3;
const FILTER_CLICKS = 5;
const NAME = 'bench.example.com/big/repository';
const all = `${TAGS.toLocaleString('en')} of ${TAGS.toLocaleString('en')} tags`;

/** Opens the repository's Tags view by its address and returns the renderer's marks, in ms since the open. */
function openAndMark(page: Page) {
  return page.evaluate(
    async ({ name, marks }) => {
      performance.clearMarks();
      performance.mark('bench:open');
      window.location.hash = `#/repo/${encodeURIComponent(name)}/tags`;
      const at = (n: string) => performance.getEntriesByName(n, 'mark')[0]?.startTime;
      while (at(marks.tagsFirstRows) === undefined) await new Promise((r) => requestAnimationFrame(r));
      const open = at('bench:open')!;
      const since = (n: string) => (at(n) === undefined ? undefined : at(n)! - open);
      return {
        request: since(marks.overviewRequest),
        response: since(marks.overviewResponse),
        firstRows: since(marks.tagsFirstRows)!,
        rowsInDom: document.querySelectorAll('[role="row"][data-tag]').length,
      };
    },
    { name: NAME, marks: PERF_MARK },
  );
}

/** The texts of the rendered row of `tag`: tag, verdict, digest, size, signers. */
async function rowTexts(page: Page, tag: string): Promise<string[]> {
  const cells = page.locator(`[role="row"][data-tag="${tag}"] [role="cell"]`);
  return (await cells.allInnerTexts()).slice(0, 5).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** What the table should show for a row (the view's own formatting, restated). */
function expectedTexts(r: TagRow): string[] {
  const label = { signed: 'Signed', unsigned: 'Unsigned', 'digest-mismatch': 'Digest mismatch', 'signed-not-in-registry': 'Signed, not in registry' };
  const icon = { signed: '✓', unsigned: '○', 'digest-mismatch': '✕', 'signed-not-in-registry': '?' };
  const short = (d?: string) => (d ? d.slice('sha256:'.length, 'sha256:'.length + 12) : '—');
  const digest =
    r.verdict === 'digest-mismatch' ? `reg ${short(r.registryDigest)} ≠ signed ${short(r.signedDigest)}` : short(r.registryDigest ?? r.signedDigest);
  const size = r.size === undefined ? '—' : r.size < 1024 ? `${r.size} B` : `${(r.size / 1024).toFixed(1)} KiB`;
  return [r.tag, `${icon[r.verdict]} ${label[r.verdict]}`, digest, size, r.signers.length ? r.signers.join(', ') : '—'];
}

test(`a ${TAGS.toLocaleString('en')}-tag repository opens and scrolls without freezing`, async ({ page, context, lab, origin }) => {
  test.setTimeout(180_000);
  const overview = syntheticOverview(NAME, TAGS);
  const byTag = new Map(overview.tags.map((t) => [t.tag, t]));
  // loaded afresh on every open (a new object: the handler packs it again, as on a first open in the app)
  const handlers = await labHandlers(lab, { loadOverview: async () => ({ ...overview }), cacheMs: 0 });
  // the main process's own time per overview request, and what Electron's IPC would spend cloning the answer
  const runs: { handlerMs: number; cloneMs: number }[] = [];
  await bridge(
    context,
    {
      invoke: async (channel, payload) => {
        const t0 = performance.now();
        const result = await handlers.invoke(channel, payload);
        const handlerMs = performance.now() - t0;
        if (channel === 'repository:overview') {
          const c0 = performance.now();
          deserialize(serialize(result));
          runs.push({ handlerMs, cloneMs: performance.now() - c0 });
        }
        return result;
      },
    },
    origin,
  );
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // Open the repository OPENS times, each in a fresh page (nothing cached in the renderer).
  const opens: { handlerMs: number; cloneMs: number; request: number; afterResponse: number; clickToRows: number; bridge: number }[] = [];
  let rowsInDom = 0;
  for (let i = 0; i < OPENS; i++) {
    await page.goto(`${origin}/?open=${i}#/`); // a new document each time
    await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible();
    const o = await openAndMark(page);
    expect(runs).toHaveLength(i + 1);
    expect(o.request).toBeDefined();
    expect(o.response).toBeDefined();
    const { handlerMs, cloneMs } = runs[i]!;
    const afterResponse = o.firstRows - o.response!;
    opens.push({
      handlerMs,
      cloneMs,
      request: o.request!,
      afterResponse,
      clickToRows: o.request! + handlerMs + cloneMs + afterResponse,
      bridge: o.response! - o.request! - handlerMs - cloneMs,
    });
    rowsInDom = o.rowsInDom;
    await expect(page.getByText(all)).toBeVisible();
    expect(o.rowsInDom).toBeGreaterThan(5);
    expect(o.rowsInDom).toBeLessThan(100); // virtualised: only the visible rows exist
  }

  // the rows show what the view model says, in tag order
  const rowTags = await page.locator('[role="row"][data-tag]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tag')));
  expect(rowTags.slice(0, 5)).toEqual(['build-00000', 'build-00001', 'build-00002', 'build-00003', 'build-00004']);
  for (const tag of ['build-00000', 'build-00001', 'build-00005']) {
    expect(await rowTexts(page, tag), tag).toEqual(expectedTexts(byTag.get(tag)!));
  }
  await page.getByTestId('tag-rows').evaluate((el) => (el.scrollTop = 30 * 40));
  await expect(page.locator('[role="row"][data-tag="build-00031"]')).toBeVisible();
  expect(await rowTexts(page, 'build-00031')).toEqual(expectedTexts(byTag.get('build-00031')!));

  // Scroll through the whole table in 40 steps, one per frame, recording the slowest frame; SCROLL_PASSES times from the top.
  const scrolls: { totalMs: number; slowestFrameMs: number }[] = [];
  for (let pass = 0; pass < SCROLL_PASSES; pass++) {
    scrolls.push(
      await page.evaluate(async () => {
        const el = document.querySelector<HTMLElement>('[data-testid="tag-rows"]')!;
        el.scrollTop = 0;
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
        const frames: number[] = [];
        const t0 = performance.now();
        let last = t0;
        for (let i = 1; i <= 40; i++) {
          el.scrollTop = (el.scrollHeight * i) / 40;
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const t = performance.now();
          frames.push(t - last);
          last = t;
        }
        return { totalMs: performance.now() - t0, slowestFrameMs: Math.max(...frames) };
      }),
    );
    await expect(page.locator('[role="row"][data-tag="build-09999"]')).toBeVisible();
  }
  expect(await rowTexts(page, 'build-09999')).toEqual(expectedTexts(byTag.get('build-09999')!));

  // Filter by verdict: from the click to the filtered rows painted, timed in the page; on and off FILTER_CLICKS times.
  const mismatches = overview.tags.filter((t) => t.verdict === 'digest-mismatch');
  const filtered = `${mismatches.length.toLocaleString('en')} of ${TAGS.toLocaleString('en')} tags`;
  const clickChip = (expected: string) =>
    page.evaluate(async (expected) => {
      const chip = [...document.querySelectorAll<HTMLButtonElement>('[aria-label="Filter by verdict"] button')].find((b) =>
        b.textContent!.startsWith('Digest mismatch ('),
      )!;
      const afterPaint = () =>
        new Promise<void>((r) =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => r();
            channel.port2.postMessage(null);
          }),
        );
      const done = () => [...document.querySelectorAll('.tags-view [role="status"]')].some((s) => s.textContent === expected);
      const t0 = performance.now();
      chip.click();
      do await afterPaint();
      while (!done());
      return performance.now() - t0;
    }, expected);
  const filters: number[] = [];
  for (let i = 0; i < FILTER_CLICKS; i++) {
    filters.push(await clickChip(filtered));
    await expect(page.getByRole('button', { name: /^Digest mismatch \(/ })).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('tag-rows').evaluate((el) => (el.scrollTop = 0));
    await expect(page.locator(`[role="row"][data-tag="${mismatches[0]!.tag}"]`)).toBeVisible();
    const shown = await page.locator('[role="row"][data-tag]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tag')));
    expect(shown).toEqual(mismatches.slice(0, shown.length).map((t) => t.tag));
    if (i === FILTER_CLICKS - 1) break;
    await clickChip(all);
  }
  await expect(page.getByText(filtered)).toBeVisible();
  expect(await rowTexts(page, mismatches[1]!.tag)).toEqual(expectedTexts(mismatches[1]!));

  // Keyboard: the chip toggles off with Space; the row region scrolls with End and Home; Tab reaches a row's details.
  await page.getByRole('button', { name: /^Digest mismatch \(/ }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByText(all)).toBeVisible();
  await page.getByTestId('tag-rows').focus();
  await page.keyboard.press('End');
  await expect(page.locator('[role="row"][data-tag="build-09999"]')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(page.locator('[role="row"][data-tag="build-00000"]')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Details of build-00000' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'build-00000', level: 2 })).toBeVisible();
  await expect(page.locator('.tag-detail')).toContainText(overview.tags[0]!.signedDigest!);
  // scrolled away, the focused row's element shows another tag: focus goes back to the row region, not to that tag
  await page.getByRole('button', { name: 'Details of build-00000' }).focus();
  await page.getByTestId('tag-rows').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[role="row"][data-tag="build-09999"]')).toBeVisible();
  await expect(page.getByTestId('tag-rows')).toBeFocused();

  // Opened again, the view model is already in the renderer: this is the render alone.
  await page.evaluate(() => (window.location.hash = '#/'));
  await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible();
  const again = await openAndMark(page);
  expect(errors).toEqual([]);

  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const figures = {
    handlerMs: round(med(opens.map((o) => o.handlerMs))),
    firstRowsAfterResponseMs: round(med(opens.map((o) => o.afterResponse))),
    clickToRowsMs: round(med(opens.map((o) => o.clickToRows))),
    slowestScrollFrameMs: round(med(scrolls.map((s) => s.slowestFrameMs))),
    filterMs: round(med(filters)),
  };
  const list = (xs: number[]) => xs.map((x) => round(x)).join('/');
  console.log(
    `bench: ${TAGS} tags, medians: handlerMs ${figures.handlerMs}, firstRowsAfterResponseMs ${figures.firstRowsAfterResponseMs}, ` +
      `clickToRowsMs ${figures.clickToRowsMs}, slowestScrollFrameMs ${figures.slowestScrollFrameMs}, filterMs ${figures.filterMs}\n` +
      `  runs: handler ${list(opens.map((o) => o.handlerMs))}; after response ${list(opens.map((o) => o.afterResponse))}; ` +
      `click to rows ${list(opens.map((o) => o.clickToRows))} (open → request ${list(opens.map((o) => o.request))}, ` +
      `IPC clone ${list(opens.map((o) => o.cloneMs))}; test bridge ${list(opens.map((o) => o.bridge))} not counted); ` +
      `slowest scroll frame ${list(scrolls.map((s) => s.slowestFrameMs))} (40 frames in ${list(scrolls.map((s) => s.totalMs))}); ` +
      `filter ${list(filters)}; reopened from the renderer's cache: first rows after ${round(again.firstRows)} ms; ${rowsInDom} row elements in the DOM`,
  );
  test.info().annotations.push({ type: 'bench', description: JSON.stringify(figures) });
  if (process.env.TRUSTDESK_BENCH_VIEW_OUT) writeFileSync(process.env.TRUSTDESK_BENCH_VIEW_OUT, `${JSON.stringify(figures)}\n`);

  // sanity bounds only (a frozen view, not a slow machine): the targets live in npm run bench
  expect(figures.clickToRowsMs).toBeLessThan(10_000);
  expect(again.firstRows).toBeLessThan(10_000);
  expect(figures.slowestScrollFrameMs).toBeLessThan(5_000);
  expect(figures.filterMs).toBeLessThan(5_000);
});

const round = (ms: number) => Math.round(ms * 10) / 10;
