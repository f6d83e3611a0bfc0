/**
 * The bench's arithmetic and printing, apart from running anything: figures with their targets,
 * ratios, whether each target is met, the one table `npm run bench` prints, the line it appends to
 * bench/history.jsonl, and its options. Unit-tested in report.test.ts.
 */
import { appendFileSync } from 'node:fs';

/**
 * One figure. `ours` is TrustDesk's value (ms, or MB for memory); `reference` the same work done by
 * docker or notary, when there is one. A ratio target (`maxRatio`) is met when ours / reference is at
 * most it; an absolute target (`max`) when ours is at most it. `notRun` says why a figure is missing.
 */
export interface Figure {
  id: string;
  label: string;
  unit: 'ms' | 'MB';
  ours?: number;
  reference?: number;
  /** Who the reference is (`docker trust inspect`, `notary add x1000 + publish`). */
  referenceLabel?: string;
  maxRatio?: number;
  max?: number;
  notRun?: string;
}

export interface Evaluated extends Figure {
  ratio?: number;
  /** undefined: no target, or not run. */
  met?: boolean;
}

export function ratioOf(ours: number | undefined, reference: number | undefined): number | undefined {
  if (ours === undefined || reference === undefined || !(reference > 0)) return undefined;
  return ours / reference;
}

export function evaluate(f: Figure): Evaluated {
  const ratio = ratioOf(f.ours, f.reference);
  let met: boolean | undefined;
  if (f.ours !== undefined && f.notRun === undefined) {
    if (f.maxRatio !== undefined) met = ratio !== undefined && ratio <= f.maxRatio;
    else if (f.max !== undefined) met = f.ours <= f.max;
  }
  return { ...f, ...(ratio !== undefined ? { ratio } : {}), ...(met !== undefined ? { met } : {}) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const value = (v: number | undefined, unit: string): string => (v === undefined ? '' : `${Math.round(v).toLocaleString('en-US')} ${unit}`);

function targetText(f: Figure): string {
  if (f.maxRatio !== undefined) return `≤ ${f.maxRatio}×`;
  if (f.max !== undefined) return `≤ ${f.max.toLocaleString('en-US')} ${f.unit}`;
  return '';
}

function metText(e: Evaluated): string {
  if (e.notRun !== undefined) return 'not run';
  if (e.met === undefined) return '';
  return e.met ? 'yes' : 'NO';
}

export const TABLE_HEAD = ['figure', 'trustdesk', 'reference (docker/notary)', 'ratio', 'target', 'met'];

/** The cells of one row, as printed and as in the README. */
export function rowCells(e: Evaluated): string[] {
  const reference = e.reference === undefined ? '' : `${value(e.reference, e.unit)}${e.referenceLabel ? ` (${e.referenceLabel})` : ''}`;
  return [
    e.label,
    e.notRun !== undefined ? `not run: ${e.notRun}` : value(e.ours, e.unit),
    reference,
    e.ratio === undefined ? '' : `${e.ratio < 0.1 ? e.ratio.toFixed(3) : e.ratio.toFixed(2)}×`,
    targetText(e),
    metText(e),
  ];
}

/** The one table, aligned for a terminal. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => rowCells(evaluate(f)));
  const widths = TABLE_HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(TABLE_HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown (the README's Benchmark section). */
export function formatMarkdown(figures: readonly Figure[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const rows = figures.map((f) => rowCells(evaluate(f)));
  return [
    `| ${TABLE_HEAD.join(' | ')} |`,
    `|${TABLE_HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c, i) => (i === 5 && c === 'NO' ? '**no**' : esc(c))).join(' | ')} |`),
  ].join('\n');
}

/** A line per target: which are met, which are not, which did not run. */
export function targetSummary(figures: readonly Figure[]): { met: string[]; missed: string[]; notRun: string[] } {
  const out = { met: [] as string[], missed: [] as string[], notRun: [] as string[] };
  for (const f of figures.map(evaluate)) {
    if (f.maxRatio === undefined && f.max === undefined) continue;
    if (f.notRun !== undefined || f.ours === undefined) out.notRun.push(f.label);
    else (f.met ? out.met : out.missed).push(f.label);
  }
  return out;
}

export interface HistoryLine {
  date: string;
  commit: string;
  /** The sections that ran (all unless --only). */
  sections: string[];
  figures: Record<string, { ours?: number; reference?: number; ratio?: number; met?: boolean; notRun?: string }>;
}

/** The line `npm run bench` appends to bench/history.jsonl: date, commit and every figure by id. */
export function historyLine(date: Date, commit: string, sections: readonly string[], figures: readonly Figure[]): HistoryLine {
  const out: HistoryLine['figures'] = {};
  for (const e of figures.map(evaluate)) {
    out[e.id] = {
      ...(e.ours !== undefined ? { ours: Math.round(e.ours * 10) / 10 } : {}),
      ...(e.reference !== undefined ? { reference: Math.round(e.reference * 10) / 10 } : {}),
      ...(e.ratio !== undefined ? { ratio: Math.round(e.ratio * 1000) / 1000 } : {}),
      ...(e.met !== undefined ? { met: e.met } : {}),
      ...(e.notRun !== undefined ? { notRun: e.notRun } : {}),
    };
  }
  return { date: date.toISOString(), commit, sections: [...sections], figures: out };
}

/** Appends one JSON line (the file grows by one line per run; earlier lines are never rewritten). */
export function appendHistory(file: string, line: HistoryLine): void {
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

export const SECTIONS = ['startup', 'inspect', 'fleet', 'sign', 'verify', 'view'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  sections: Section[];
  /** `--only` was given: a partial run (results.json is left alone). */
  partial: boolean;
  trace: boolean;
  runs: number;
}

/** `--only=a,b`, `--no-view`, `--trace`; BENCH_RUNS (default 5). Unknown options throw. */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let sections: Section[] = [...SECTIONS];
  let partial = false;
  let trace = false;
  let noView = false;
  for (const a of argv) {
    if (a === '--trace') trace = true;
    else if (a === '--no-view') noView = true;
    else if (a.startsWith('--only=')) {
      const wanted = a.slice('--only='.length).split(',').filter(Boolean);
      for (const w of wanted)
        if (!(SECTIONS as readonly string[]).includes(w)) throw new Error(`unknown section "${w}" (sections: ${SECTIONS.join(', ')})`);
      sections = wanted as Section[];
      partial = true;
    } else throw new Error(`unknown option "${a}" (options: --only=${SECTIONS.join('|')}[,...], --no-view, --trace)`);
  }
  if (noView) sections = sections.filter((s) => s !== 'view');
  const runs = Number(env.BENCH_RUNS ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, got "${env.BENCH_RUNS}"`);
  return { sections, partial, trace, runs };
}

/** The figures e2e/large-repository.spec.ts writes to $TRUSTDESK_BENCH_VIEW_OUT, with their targets. */
const VIEW_FIGURES: { key: string; label: string; max?: number }[] = [
  { key: 'handlerMs', label: '10,000-tag view: main-process handler' },
  { key: 'firstRowsAfterResponseMs', label: '10,000-tag view: first rows after the response', max: 300 },
  { key: 'clickToRowsMs', label: '10,000-tag view: click to first rows', max: 600 },
  { key: 'slowestScrollFrameMs', label: '10,000-tag view: slowest scroll frame', max: 33 },
  { key: 'filterMs', label: '10,000-tag view: filter by verdict', max: 100 },
];

/**
 * The view's five figures from the spec's JSON; when the JSON is missing or lacks a figure, every
 * missing one is marked not run with `why`.
 */
export function viewFigures(json: unknown, why: string): Figure[] {
  const obj = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  return VIEW_FIGURES.map(({ key, label, max }) => {
    const v = obj[key];
    const base: Figure = { id: `view.${key}`, label, unit: 'ms', ...(max !== undefined ? { max } : {}) };
    return typeof v === 'number' && Number.isFinite(v)
      ? { ...base, ours: v }
      : { ...base, notRun: json === undefined ? why : `${key} missing in the spec's output` };
  });
}
