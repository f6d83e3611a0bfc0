/**
 * `npm run bench`: TrustDesk against docker and notary on the same lab servers, side by side in one
 * run, printed as ONE table (figure, trustdesk, reference, ratio, target, met), written to
 * bench/results.json and appended as one line to bench/history.jsonl (date, commit, figures) so a
 * regression shows. Not a test: the targets live here, the tests assert behaviour only.
 *
 *   npm run bench                      every section
 *   npm run bench -- --only=inspect,fleet   some sections (startup, inspect, fleet, sign, verify, view);
 *                                      results.json is left alone, history.jsonl still gets its line
 *   npm run bench -- --no-view         everything but the 10,000-tag view (Playwright)
 *   npm run bench -- --trace           the timeline of every HTTP request of one cold 20-repository
 *                                      inspect (start, connection, TCP, TLS, first byte, end, status)
 *   BENCH_RUNS=9 (default 5)  BENCH_FLEET=200  BENCH_FLEET_RUNS=3  BENCH_SIGN_TAGS=1000
 *
 * Times are medians of whole CLI processes (wall clock), docker and trustdesk alternating who goes
 * first. The verify figure runs in this process; the view figures come from
 * e2e/large-repository.spec.ts (TRUSTDESK_BENCH_VIEW_OUT).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startLab, buildApp, buildFleet, dockerTrust, mapPool, notary, pushTag, runCommand, writeDockerConfig, type Lab } from '../lab/index.js';
import { simulateRepository } from '../tests/support/repository-simulator.js';
import { updateRepository } from '../electron/core/tuf/repository-updater.js';
import { TrustCache } from '../electron/core/cache/trust-cache.js';
import { repositoryStatus } from '../electron/core/tuf/verdicts.js';
import { formatTrace, summarizeTrace, type HttpTraceEvent } from '../electron/core/remote/http-trace.js';
import {
  appendHistory,
  formatMarkdown,
  formatTable,
  historyLine,
  median,
  parseBenchArgs,
  targetSummary,
  viewFigures,
  type BenchOptions,
  type Figure,
} from './report.js';

/** The repository: one level above dist-bench/bench.js, the bundle `npm run build:bench` makes (so no test helper lands in dist/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const FLEET = Number(process.env.BENCH_FLEET ?? 200);
const FLEET_RUNS = Number(process.env.BENCH_FLEET_RUNS ?? 3);
const SIGN_TAGS = Number(process.env.BENCH_SIGN_TAGS ?? 1000);

const say = (s: string): void => void process.stderr.write(`${s}\n`);

async function timed(fn: () => Promise<{ code: number; stderr: string }>, allowFailure = false): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  if (r.code !== 0 && !allowFailure) throw new Error(`benchmark command failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
  return ms;
}

async function freshConfig(lab: Lab): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-bench-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

const ours = (lab: Lab, args: string[], cfg: string, extra: Record<string, string> = {}) =>
  runCommand(lab, process.execPath, [BIN, ...args], { env: { DOCKER_CONFIG: cfg, ...extra }, check: false, timeoutMs: 600_000 });
const docker = (lab: Lab, args: string[], cfg: string) => dockerTrust(lab, args, { env: { DOCKER_CONFIG: cfg }, check: false, timeoutMs: 600_000 });

/** docker trust inspect vs trustdesk inspect of `guns` in one call, cold or warm cache, medians of `runs`. */
async function compareInspect(lab: Lab, guns: string[], cache: 'cold' | 'warm', runs: number): Promise<{ docker: number; ours: number }> {
  const d: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dCfg = await freshConfig(lab);
    const oCfg = await freshConfig(lab);
    if (cache === 'warm') {
      await docker(lab, ['inspect', ...guns], dCfg);
      await ours(lab, ['inspect', ...guns], oCfg);
    }
    // alternate who goes first so neither gets a systematically warmer server
    const runDocker = async () => d.push(await timed(() => docker(lab, ['inspect', ...guns], dCfg)));
    const runOurs = async () => o.push(await timed(() => ours(lab, ['inspect', ...guns], oCfg)));
    if (i % 2 === 0) {
      await runDocker();
      await runOurs();
    } else {
      await runOurs();
      await runDocker();
    }
    rmSync(dCfg, { recursive: true, force: true });
    rmSync(oCfg, { recursive: true, force: true });
  }
  return { docker: median(d), ours: median(o) };
}

/** Peak resident memory (MB) of one trustdesk run, from /usr/bin/time's %M (kB). */
async function peakRssMb(lab: Lab, args: string[]): Promise<number | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  const cfg = await freshConfig(lab);
  const out = join(cfg, 'rss.txt');
  const r = await runCommand(lab, '/usr/bin/time', ['-f', '%M', '-o', out, process.execPath, BIN, ...args], {
    env: { DOCKER_CONFIG: cfg },
    check: false,
    timeoutMs: 600_000,
  });
  const kb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(cfg, { recursive: true, force: true });
  if (r.code !== 0 && r.code !== 1) throw new Error(`trustdesk ${args[0]} failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

async function startupFigures(lab: Lab, runs: number): Promise<Figure[]> {
  const cfg = await freshConfig(lab);
  const d: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < Math.max(runs, 9); i++) {
    // docker version asks the (absent) engine and exits 1 after printing: only its start-up counts
    d.push(await timed(() => runCommand(lab, 'docker', ['version', '--format', 'x'], { env: { DOCKER_CONFIG: cfg }, check: false }), true));
    o.push(await timed(() => ours(lab, ['version'], cfg)));
  }
  rmSync(cfg, { recursive: true, force: true });
  return [
    {
      id: 'startup',
      label: 'start-up: trustdesk version vs docker version --format x',
      unit: 'ms',
      ours: median(o),
      reference: median(d),
      referenceLabel: 'docker',
    },
  ];
}

async function inspectFigures(lab: Lab, runs: number): Promise<Figure[]> {
  say('building the app repository and a 20-repository fleet...');
  const app = await buildApp(lab);
  const fleet = (await buildFleet(lab, { repos: 20, tags: 10 })).map((f) => f.gun);
  const figures: Figure[] = [];
  for (const [id, label, guns, maxRatio] of [
    ['inspect1', 'inspect 1 repository', [app.gun], 2.0],
    ['inspect20', 'inspect 20 repositories in one call', fleet, 0.5],
  ] as const) {
    for (const cache of ['cold', 'warm'] as const) {
      say(`${label}, ${cache} cache...`);
      const r = await compareInspect(lab, [...guns], cache, runs);
      figures.push({
        id: `${id}.${cache}`,
        label: `${label} (${cache})`,
        unit: 'ms',
        ours: r.ours,
        reference: r.docker,
        referenceLabel: 'docker',
        maxRatio,
      });
    }
  }
  return figures;
}

async function fleetFigures(lab: Lab): Promise<Figure[]> {
  say(`building a fleet of ${FLEET} repositories (3 tags each; takes minutes)...`);
  const t0 = performance.now();
  const guns = (await buildFleet(lab, { repos: FLEET, tags: 3, prefix: 'big', concurrency: 4 })).map((f) => f.gun);
  say(`  built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  say(`inspect ${FLEET} in one call, cold...`);
  const inspect = await compareInspect(lab, guns, 'cold', FLEET_RUNS);

  say(`status --json of ${FLEET} vs ${FLEET} separate docker trust inspect calls, cold...`);
  const d: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < FLEET_RUNS; i++) {
    const dCfg = await freshConfig(lab);
    const oCfg = await freshConfig(lab);
    const t = performance.now();
    for (const gun of guns) {
      const r = await docker(lab, ['inspect', gun], dCfg);
      if (r.code !== 0) throw new Error(`docker trust inspect ${gun} failed: ${r.stderr}`);
    }
    d.push(performance.now() - t);
    o.push(await timed(() => ours(lab, ['status', '--json', ...guns], oCfg)));
    rmSync(dCfg, { recursive: true, force: true });
    rmSync(oCfg, { recursive: true, force: true });
  }
  const rssInspect = await peakRssMb(lab, ['inspect', ...guns]);
  const rssStatus = await peakRssMb(lab, ['status', '--json', ...guns]);
  const noRss = 'no /usr/bin/time';
  return [
    {
      id: 'fleet.inspect',
      label: `inspect ${FLEET} repositories in one call (cold)`,
      unit: 'ms',
      ours: inspect.ours,
      reference: inspect.docker,
      referenceLabel: 'docker, one call',
      maxRatio: 0.25,
    },
    {
      id: 'fleet.status',
      label: `status --json of ${FLEET} repositories (cold)`,
      unit: 'ms',
      ours: median(o),
      reference: median(d),
      referenceLabel: `${FLEET} docker calls`,
      maxRatio: 0.1,
    },
    {
      id: 'fleet.rss.inspect',
      label: `peak RSS, inspect of ${FLEET}`,
      unit: 'MB',
      max: 300,
      ...(rssInspect ? { ours: rssInspect } : { notRun: noRss }),
    },
    {
      id: 'fleet.rss.status',
      label: `peak RSS, status --json of ${FLEET}`,
      unit: 'MB',
      max: 300,
      ...(rssStatus ? { ours: rssStatus } : { notRun: noRss }),
    },
  ];
}

/**
 * Signing many tags: `trustdesk sign` of SIGN_TAGS tags (digests from the registry, one publish)
 * against what notary needs for the same result, `notary add` once per tag and one `notary
 * publish`, on the same lab. One run each (the notary side takes minutes). The registry digest
 * look-ups inside trustdesk's time are reported on their own, from the run's HTTP trace.
 */
async function signFigures(lab: Lab): Promise<Figure[]> {
  const tagNames = Array.from({ length: SIGN_TAGS }, (_, i) => `t${i}`);
  const mine = 'bench-sign-trustdesk';
  const theirs = 'bench-sign-notary';
  const gun = (name: string) => `${lab.registryHost}/lab/${name}`;
  say(`pushing ${SIGN_TAGS} tags twice...`);
  await mapPool(tagNames, 16, (t) => pushTag(lab, mine, t));
  const files = await mapPool(tagNames, 16, (t) => pushTag(lab, theirs, t));
  const init = await runCommand(lab, process.execPath, [BIN, 'init', gun(mine)], { check: false });
  if (init.code !== 0) throw new Error(`trustdesk init failed: ${init.stderr}`);
  await notary(lab, ['init', '-p', gun(theirs)]);

  say(`trustdesk sign of ${SIGN_TAGS} tags...`);
  const traceFile = join(mkdtempSync(join(tmpdir(), 'trustdesk-bench-trace-')), 'trace.jsonl');
  let t0 = performance.now();
  const signed = await runCommand(lab, process.execPath, [BIN, 'sign', ...tagNames.map((t) => `${gun(mine)}:${t}`)], {
    check: false,
    timeoutMs: 600_000,
    env: { TRUSTDESK_TRACE_HTTP: traceFile },
  });
  const trustdeskMs = performance.now() - t0;
  if (signed.code !== 0) throw new Error(`trustdesk sign failed: ${signed.stderr}`);
  const registry = readTrace(traceFile).filter((e) => e.host === lab.registryHost);
  const lookupMs = registry.length ? Math.max(...registry.map((e) => e.end)) - Math.min(...registry.map((e) => e.start)) : undefined;

  say(`notary add x${SIGN_TAGS} + publish...`);
  t0 = performance.now();
  for (const [i, t] of tagNames.entries()) await notary(lab, ['add', gun(theirs), t, files[i]!.file]);
  await notary(lab, ['publish', gun(theirs)], { timeoutMs: 600_000 });
  const notaryMs = performance.now() - t0;

  // both repositories now list every tag
  for (const name of [mine, theirs]) {
    const listed = await notary(lab, ['list', gun(name)], { trustDir: mkdtempSync(join(tmpdir(), 'trustdesk-bench-list-')) });
    const rows = listed.stdout
      .split('\n')
      .slice(2)
      .filter((l) => l.trim()).length;
    if (rows !== SIGN_TAGS) throw new Error(`${name}: notary list shows ${rows} tags, expected ${SIGN_TAGS}`);
  }
  return [
    {
      id: 'sign',
      label: `sign ${SIGN_TAGS.toLocaleString('en-US')} tags in one publish`,
      unit: 'ms',
      ours: trustdeskMs,
      reference: notaryMs,
      referenceLabel: `notary add x${SIGN_TAGS} + publish`,
      maxRatio: 0.1,
    },
    {
      id: 'sign.lookups',
      label: `  of which registry digest look-ups (${registry.length} requests)`,
      unit: 'ms',
      ...(lookupMs !== undefined ? { ours: lookupMs } : { notRun: 'no registry request in the trace' }),
    },
  ];
}

async function verifyFigures(runs: number): Promise<Figure[]> {
  const sim = simulateRepository({ tags: 10_000, delegations: 50 });
  const registry = [...sim.manifests].map(([tag, m]) => ({ tag, digest: m.digest, size: m.size }));
  const times: number[] = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-bench-large-'));
    const t0 = performance.now();
    const trust = await updateRepository({ gun: sim.gun, cache: new TrustCache(dir), source: sim.source });
    const status = repositoryStatus(sim.gun, trust, registry);
    times.push(performance.now() - t0);
    if (status.counts.signed !== 10_000) throw new Error(`expected 10000 signed tags, got ${status.counts.signed}`);
    rmSync(dir, { recursive: true, force: true });
  }
  return [{ id: 'verify10k', label: 'verify 10,000 tags + 50 delegations + verdicts (in process)', unit: 'ms', ours: median(times), max: 150 }];
}

/** Runs e2e/large-repository.spec.ts (built as `test:e2e` builds it) and reads the figures it writes. */
function viewBench(): Figure[] {
  const out = join(mkdtempSync(join(tmpdir(), 'trustdesk-bench-view-')), 'view.json');
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean => {
    const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
    return r.status === 0;
  };
  say('building the renderer, preload and e2e for the 10,000-tag view...');
  const npx = (args: string[], env?: NodeJS.ProcessEnv) => run('npx', args, env);
  const built =
    run('npm', ['run', '--silent', 'build:renderer']) && run('npm', ['run', '--silent', 'build:preload']) && npx(['tsc', '-p', 'e2e/tsconfig.json']);
  if (!built) {
    say('THE VIEW FIGURES DID NOT RUN: the renderer, preload or e2e build failed.');
    return viewFigures(undefined, 'build failed');
  }
  const passed = npx(['playwright', 'test', '-c', 'e2e/playwright.config.ts', 'e2e/large-repository.spec.ts'], {
    ...process.env,
    TRUSTDESK_BENCH_VIEW_OUT: out,
  });
  if (!passed || !existsSync(out)) {
    const why = !passed ? 'the spec failed' : 'the spec wrote no figures';
    say(`THE VIEW FIGURES DID NOT RUN: ${why} (e2e/large-repository.spec.ts, TRUSTDESK_BENCH_VIEW_OUT).`);
    return viewFigures(undefined, why);
  }
  return viewFigures(JSON.parse(readFileSync(out, 'utf8')), 'the spec wrote no figures');
}

function readTrace(file: string): HttpTraceEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HttpTraceEvent);
}

/** `--trace`: one cold inspect of a 20-repository fleet with every request's timeline. */
async function traceInspect(lab: Lab): Promise<void> {
  say('building a 20-repository fleet...');
  const fleet = (await buildFleet(lab, { repos: 20, tags: 10 })).map((f) => f.gun);
  const cfg = await freshConfig(lab);
  const file = join(cfg, 'trace.jsonl');
  const t0 = performance.now();
  const r = await ours(lab, ['inspect', ...fleet], cfg, { TRUSTDESK_TRACE_HTTP: file });
  const wall = performance.now() - t0;
  if (r.code !== 0) throw new Error(`trustdesk inspect failed: ${r.stderr}`);
  const events = readTrace(file);
  const s = summarizeTrace(events);
  console.log(`HTTP timeline of one cold \`trustdesk inspect\` of 20 repositories (ms since the trustdesk process started):\n`);
  console.log(formatTrace(events));
  console.log(
    `\n${s.requests} requests over ${s.connections} connections (${s.errors} failed); first request at ${s.firstStart.toFixed(1)} ms ` +
      `(start-up: Node, modules, config), last response at ${s.lastEnd.toFixed(1)} ms; whole process ${wall.toFixed(0)} ms as seen by the bench.`,
  );
  rmSync(cfg, { recursive: true, force: true });
}

function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function run(opts: BenchOptions): Promise<void> {
  const started = new Date();
  const load0 = loadavg()[0]!;
  // the commit of the code measured (the built CLI), taken before anything runs
  const commit = commitOf();
  console.log(
    `TrustDesk benchmark, ${started.toISOString()}, commit ${commit}: ${opts.runs} runs per case (fleet: ${FLEET_RUNS}), median wall time of whole processes; ` +
      `${cpus().length} CPUs, load average ${load0.toFixed(2)} at start, Node ${process.versions.node}`,
  );
  const lab = await startLab();
  const figures: Figure[] = [];
  try {
    if (opts.trace) {
      await traceInspect(lab);
      return;
    }
    const s = new Set(opts.sections);
    if (s.has('startup')) figures.push(...(await startupFigures(lab, opts.runs)));
    if (s.has('inspect')) figures.push(...(await inspectFigures(lab, opts.runs)));
    if (s.has('fleet')) figures.push(...(await fleetFigures(lab)));
    if (s.has('sign')) figures.push(...(await signFigures(lab)));
  } finally {
    await lab.stop();
  }
  const s = new Set(opts.sections);
  if (s.has('verify')) figures.push(...(await verifyFigures(opts.runs)));
  if (s.has('view')) figures.push(...viewBench());
  else if (!opts.partial) {
    say('the 10,000-tag view was not run (--no-view)');
    figures.push(...viewFigures(undefined, '--no-view'));
  }

  const load1 = loadavg()[0]!;
  console.log(`\n${formatTable(figures)}\n`);
  const summary = targetSummary(figures);
  console.log(`targets met: ${summary.met.length ? summary.met.join('; ') : 'none'}`);
  console.log(`targets NOT met: ${summary.missed.length ? summary.missed.join('; ') : 'none'}`);
  if (summary.notRun.length) console.log(`not run: ${summary.notRun.join('; ')}`);
  console.log(`load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at the end (2 cores: above ~2 the figures are noisy)`);

  appendHistory(join(ROOT, 'bench/history.jsonl'), historyLine(started, commit, opts.sections, figures));
  if (!opts.partial) {
    const out = {
      date: started.toISOString(),
      commit,
      runs: opts.runs,
      fleetRuns: FLEET_RUNS,
      machine: { cpus: cpus().length, node: process.versions.node, loadAverage: { start: load0, end: load1 } },
      figures,
      markdown: formatMarkdown(figures),
    };
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log('written to bench/results.json; one line appended to bench/history.jsonl');
  } else {
    console.log('partial run (--only): bench/results.json left alone; one line appended to bench/history.jsonl');
  }
}

let opts: BenchOptions;
try {
  opts = parseBenchArgs(process.argv.slice(2), process.env);
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(2);
}
run(opts).catch((err) => {
  console.error(`bench failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
