import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  evaluate,
  formatMarkdown,
  formatTable,
  historyLine,
  median,
  parseBenchArgs,
  ratioOf,
  SECTIONS,
  targetSummary,
  viewFigures,
  type Figure,
} from './report.js';

const inspect20: Figure = {
  id: 'inspect20.cold',
  label: 'inspect 20',
  unit: 'ms',
  ours: 150,
  reference: 300,
  referenceLabel: 'docker',
  maxRatio: 0.5,
};
const inspect1: Figure = { id: 'inspect1.cold', label: 'inspect 1', unit: 'ms', ours: 90, reference: 40, referenceLabel: 'docker', maxRatio: 2 };
const verify: Figure = { id: 'verify10k', label: 'verify', unit: 'ms', ours: 151, max: 150 };
const rss: Figure = { id: 'rss', label: 'rss', unit: 'MB', ours: 120.4, max: 300 };
const startup: Figure = { id: 'startup', label: 'start-up', unit: 'ms', ours: 50, reference: 10 };

describe('bench report', () => {
  it('computes ratios and whether each target is met (at the bound counts as met)', () => {
    expect(ratioOf(150, 300)).toBe(0.5);
    expect(ratioOf(1, 0)).toBeUndefined();
    expect(ratioOf(undefined, 3)).toBeUndefined();
    expect(evaluate(inspect20)).toMatchObject({ ratio: 0.5, met: true });
    expect(evaluate(inspect1)).toMatchObject({ ratio: 2.25, met: false });
    expect(evaluate(verify).met).toBe(false);
    expect(evaluate({ ...verify, ours: 150 }).met).toBe(true);
    expect(evaluate(rss).met).toBe(true);
    // no target: a ratio but no verdict
    expect(evaluate(startup)).toMatchObject({ ratio: 5 });
    expect(evaluate(startup).met).toBeUndefined();
    // a ratio target without a reference is not met
    expect(evaluate({ ...inspect20, reference: undefined }).met).toBe(false);
    // not run: no verdict
    expect(evaluate({ ...verify, ours: undefined, notRun: 'skipped' }).met).toBeUndefined();
  });

  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('prints one table with figure, trustdesk, reference, ratio, target and met', () => {
    const table = formatTable([
      inspect20,
      inspect1,
      verify,
      rss,
      startup,
      { ...verify, id: 'x', label: 'view', ours: undefined, notRun: 'the spec failed' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^figure\s+trustdesk\s+reference \(docker\/notary\)\s+ratio\s+target\s+met$/);
    expect(lines).toHaveLength(8);
    expect(lines[2]).toMatch(/^inspect 20\s+150 ms\s+300 ms \(docker\)\s+0\.50×\s+≤ 0\.5×\s+yes$/);
    expect(lines[3]).toMatch(/inspect 1\s+90 ms\s+40 ms \(docker\)\s+2\.25×\s+≤ 2×\s+NO$/);
    expect(lines[4]).toMatch(/verify\s+151 ms\s+≤ 150 ms\s+NO$/);
    expect(lines[5]).toMatch(/rss\s+120 MB\s+≤ 300 MB\s+yes$/);
    expect(lines[6]).toMatch(/start-up\s+50 ms\s+10 ms\s+5\.00×$/);
    expect(lines[7]).toMatch(/view\s+not run: the spec failed\s+≤ 150 ms\s+not run$/);
    // small ratios keep three decimals
    expect(formatTable([{ ...inspect20, ours: 65, reference: 1000 }])).toMatch(/0\.065×/);
  });

  it('writes the same rows as Markdown, a missed target in bold', () => {
    const md = formatMarkdown([inspect20, inspect1]).split('\n');
    expect(md[0]).toBe('| figure | trustdesk | reference (docker/notary) | ratio | target | met |');
    expect(md[2]).toBe('| inspect 20 | 150 ms | 300 ms (docker) | 0.50× | ≤ 0.5× | yes |');
    expect(md[3]).toBe('| inspect 1 | 90 ms | 40 ms (docker) | 2.25× | ≤ 2× | **no** |');
  });

  it('sorts targets into met, missed and not run', () => {
    expect(targetSummary([inspect20, inspect1, verify, startup, { ...rss, ours: undefined, notRun: 'n' }])).toEqual({
      met: ['inspect 20'],
      missed: ['inspect 1', 'verify'],
      notRun: ['rss'],
    });
  });

  it('appends one history line per run, keeping the earlier ones', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-history-')), 'history.jsonl');
    const first = historyLine(new Date('2026-12-02T10:00:00Z'), 'abc1234', ['inspect'], [inspect20]);
    appendHistory(file, first);
    appendHistory(file, historyLine(new Date('2026-12-02T11:00:00Z'), 'def5678', ['verify'], [verify]));
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      date: '2026-12-02T10:00:00.000Z',
      commit: 'abc1234',
      sections: ['inspect'],
      figures: { 'inspect20.cold': { ours: 150, reference: 300, ratio: 0.5, met: true } },
    });
    expect(lines[1].figures.verify10k).toEqual({ ours: 151, met: false });
  });

  it('parses --only, --no-view, --trace and BENCH_RUNS, refusing what it does not know', () => {
    expect(parseBenchArgs([], {})).toEqual({ sections: [...SECTIONS], partial: false, trace: false, runs: 5 });
    expect(parseBenchArgs(['--no-view'], { BENCH_RUNS: '9' })).toEqual({
      sections: SECTIONS.filter((s) => s !== 'view'),
      partial: false,
      trace: false,
      runs: 9,
    });
    expect(parseBenchArgs(['--only=fleet,sign'], {})).toMatchObject({ sections: ['fleet', 'sign'], partial: true });
    expect(parseBenchArgs(['--trace'], {}).trace).toBe(true);
    expect(() => parseBenchArgs(['--only=speed'], {})).toThrow(/unknown section "speed"/);
    expect(() => parseBenchArgs(['--fast'], {})).toThrow(/unknown option/);
    expect(() => parseBenchArgs([], { BENCH_RUNS: '0' })).toThrow(/BENCH_RUNS/);
  });

  it("reads the view spec's five figures with their targets, or marks them not run", () => {
    const figs = viewFigures({ handlerMs: 120, firstRowsAfterResponseMs: 250, clickToRowsMs: 700, slowestScrollFrameMs: 20, filterMs: 40 }, 'unused');
    expect(figs.map((f) => [f.id, f.ours, f.max])).toEqual([
      ['view.handlerMs', 120, undefined],
      ['view.firstRowsAfterResponseMs', 250, 300],
      ['view.clickToRowsMs', 700, 600],
      ['view.slowestScrollFrameMs', 20, 33],
      ['view.filterMs', 40, 100],
    ]);
    expect(figs.map((f) => evaluate(f).met)).toEqual([undefined, true, false, true, true]);
    const missing = viewFigures(undefined, 'the spec failed');
    expect(missing.every((f) => f.notRun === 'the spec failed' && f.ours === undefined)).toBe(true);
    expect(viewFigures({ handlerMs: 3 }, 'x')[1]!.notRun).toMatch(/firstRowsAfterResponseMs missing/);
  });
});
