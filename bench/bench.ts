/**
 * `npm run bench`: trustdesk inspect against docker trust inspect on the same lab servers, side by
 * side in one run, with cold and warm trust caches; then a generated 10,000-tag, 50-delegation
 * repository verified in process. Not a test: it prints timings and ratios (and writes them to
 * bench/results.json) for the README.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startLab, buildApp, buildFleet, dockerTrust, mapPool, notary, pushTag, runCommand, writeDockerConfig, type Lab } from '../lab/index.js';
import { simulateRepository } from '../tests/support/repository-simulator.js';
import { updateRepository } from '../electron/core/tuf/repository-updater.js';
import { TrustCache } from '../electron/core/cache/trust-cache.js';
import { repositoryStatus } from '../electron/core/tuf/verdicts.js';

/** The repository: one level above dist-bench/bench.js, the bundle `npm run build:bench` makes (so no test helper lands in dist/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`benchmark command failed (${r.code}): ${r.stderr}`);
  return ms;
}

async function freshConfig(lab: Lab): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-bench-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

interface Row {
  case: string;
  cache: 'cold' | 'warm';
  dockerMs: number;
  trustdeskMs: number;
  ratio: number;
}

async function compare(lab: Lab, name: string, guns: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const cache of ['cold', 'warm'] as const) {
    const docker: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dCfg = await freshConfig(lab);
      const oCfg = await freshConfig(lab);
      if (cache === 'warm') {
        await dockerTrust(lab, ['inspect', ...guns], { env: { DOCKER_CONFIG: dCfg } });
        await runCommand(lab, process.execPath, [BIN, 'inspect', ...guns], { env: { DOCKER_CONFIG: oCfg } });
      }
      // alternate who goes first so neither gets a systematically warmer server
      const runDocker = () => timed(() => dockerTrust(lab, ['inspect', ...guns], { env: { DOCKER_CONFIG: dCfg }, check: false }));
      const runOurs = () => timed(() => runCommand(lab, process.execPath, [BIN, 'inspect', ...guns], { env: { DOCKER_CONFIG: oCfg }, check: false }));
      if (i % 2 === 0) {
        docker.push(await runDocker());
        ours.push(await runOurs());
      } else {
        ours.push(await runOurs());
        docker.push(await runDocker());
      }
      rmSync(dCfg, { recursive: true, force: true });
      rmSync(oCfg, { recursive: true, force: true });
    }
    const d = median(docker);
    const o = median(ours);
    rows.push({ case: name, cache, dockerMs: Math.round(d), trustdeskMs: Math.round(o), ratio: Number((o / d).toFixed(2)) });
  }
  return rows;
}

async function largeRepository(): Promise<Record<string, number>> {
  const sim = simulateRepository({ tags: 10_000, delegations: 50 });
  const registry = [...sim.manifests].map(([tag, m]) => ({ tag, digest: m.digest, size: m.size }));
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-bench-large-'));
    const t0 = performance.now();
    const trust = await updateRepository({ gun: sim.gun, cache: new TrustCache(dir), source: sim.source });
    const status = repositoryStatus(sim.gun, trust, registry);
    times.push(performance.now() - t0);
    if (status.counts.signed !== 10_000) throw new Error(`expected 10000 signed tags, got ${status.counts.signed}`);
    rmSync(dir, { recursive: true, force: true });
  }
  return { tags: 10_000, delegations: 50, verifyAndVerdictsMs: Math.round(median(times)) };
}

const SIGN_TAGS = Number(process.env.BENCH_SIGN_TAGS ?? 1000);

/**
 * Signing many tags: `trustdesk sign` of SIGN_TAGS tags (digests from the registry, one publish)
 * against what notary needs for the same result, `notary add` once per tag and one `notary
 * publish`, on the same lab. One run each (the notary side takes minutes); ratio = ours / theirs.
 */
async function signMany(lab: Lab): Promise<Record<string, number>> {
  const tagNames = Array.from({ length: SIGN_TAGS }, (_, i) => `t${i}`);
  const ours = 'bench-sign-trustdesk';
  const theirs = 'bench-sign-notary';
  const gun = (name: string) => `${lab.registryHost}/lab/${name}`;
  await mapPool(tagNames, 16, (t) => pushTag(lab, ours, t));
  const files = await mapPool(tagNames, 16, (t) => pushTag(lab, theirs, t));
  const init = await runCommand(lab, process.execPath, [BIN, 'init', gun(ours)], { check: false });
  if (init.code !== 0) throw new Error(`trustdesk init failed: ${init.stderr}`);
  await notary(lab, ['init', '-p', gun(theirs)]);

  let t0 = performance.now();
  const signed = await runCommand(lab, process.execPath, [BIN, 'sign', ...tagNames.map((t) => `${gun(ours)}:${t}`)], {
    check: false,
    timeoutMs: 600_000,
  });
  const trustdeskMs = performance.now() - t0;
  if (signed.code !== 0) throw new Error(`trustdesk sign failed: ${signed.stderr}`);

  t0 = performance.now();
  for (const [i, t] of tagNames.entries()) await notary(lab, ['add', gun(theirs), t, files[i]!.file]);
  await notary(lab, ['publish', gun(theirs)], { timeoutMs: 600_000 });
  const notaryMs = performance.now() - t0;

  // both repositories now list every tag
  for (const name of [ours, theirs]) {
    const listed = await notary(lab, ['list', gun(name)], { trustDir: mkdtempSync(join(tmpdir(), 'trustdesk-bench-list-')) });
    const rows = listed.stdout
      .split('\n')
      .slice(2)
      .filter((l) => l.trim()).length;
    if (rows !== SIGN_TAGS) throw new Error(`${name}: notary list shows ${rows} tags, expected ${SIGN_TAGS}`);
  }
  return {
    tags: SIGN_TAGS,
    trustdeskMs: Math.round(trustdeskMs),
    notaryMs: Math.round(notaryMs),
    ratio: Number((trustdeskMs / notaryMs).toFixed(3)),
  };
}

async function main(): Promise<void> {
  console.log(`TrustDesk benchmark: ${RUNS} runs per case, median wall time of the whole CLI process`);
  const lab = await startLab();
  try {
    if (process.env.BENCH_ONLY === 'sign') {
      // just the signing section (results.json is left alone)
      const sign = await signMany(lab);
      console.log(
        `sign ${sign.tags} tags: trustdesk sign (one publish) ${sign.trustdeskMs} ms, notary add x${sign.tags} + publish ${sign.notaryMs} ms: ratio ${sign.ratio}x (target <= 1x)`,
      );
      return;
    }
    const app = await buildApp(lab);
    const fleet = await buildFleet(lab, { repos: 20, tags: 10 });
    const rows = [
      ...(await compare(lab, '1 repository', [app.gun])),
      ...(await compare(
        lab,
        '20 repositories in one call',
        fleet.map((f) => f.gun),
      )),
    ];
    const large = await largeRepository();
    const sign = await signMany(lab);
    console.log('\ncase                          cache  docker trust inspect  trustdesk inspect  ratio');
    for (const r of rows) {
      console.log(
        `${r.case.padEnd(30)}${r.cache.padEnd(7)}${`${r.dockerMs} ms`.padStart(20)}${`${r.trustdeskMs} ms`.padStart(19)}${`${r.ratio}x`.padStart(7)}`,
      );
    }
    console.log(
      `\ngenerated repository: ${large.tags} tags, ${large.delegations} delegations: verify + verdicts ${large.verifyAndVerdictsMs} ms (target <= 1000 ms)`,
    );
    console.log(
      `\nsign ${sign.tags} tags: trustdesk sign (one publish) ${sign.trustdeskMs} ms, notary add x${sign.tags} + publish ${sign.notaryMs} ms: ratio ${sign.ratio}x (target <= 1x)`,
    );
    const out = { date: new Date().toISOString(), runs: RUNS, rows, large, sign };
    writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log('\nwritten to bench/results.json');
  } finally {
    await lab.stop();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
