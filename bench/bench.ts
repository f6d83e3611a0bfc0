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
import { startLab, buildApp, buildFleet, dockerTrust, runCommand, writeDockerConfig, type Lab } from '../lab/index.js';
import { simulateRepository } from '../electron/core/test-support/repository-simulator.js';
import { updateRepository } from '../electron/core/repository-updater.js';
import { TrustCache } from '../electron/core/cache/trust-cache.js';
import { repositoryStatus } from '../electron/core/use-cases/status.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
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

interface Row { case: string; cache: 'cold' | 'warm'; dockerMs: number; trustdeskMs: number; ratio: number }

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

async function main(): Promise<void> {
  console.log(`TrustDesk benchmark: ${RUNS} runs per case, median wall time of the whole CLI process`);
  const lab = await startLab();
  try {
    const app = await buildApp(lab);
    const fleet = await buildFleet(lab, { repos: 20, tags: 10 });
    const rows = [
      ...(await compare(lab, '1 repository', [app.gun])),
      ...(await compare(lab, '20 repositories in one call', fleet.map((f) => f.gun))),
    ];
    const large = await largeRepository();
    console.log('\ncase                          cache  docker trust inspect  trustdesk inspect  ratio');
    for (const r of rows) {
      console.log(`${r.case.padEnd(30)}${r.cache.padEnd(7)}${`${r.dockerMs} ms`.padStart(20)}${`${r.trustdeskMs} ms`.padStart(19)}${`${r.ratio}x`.padStart(7)}`);
    }
    console.log(`\ngenerated repository: ${large.tags} tags, ${large.delegations} delegations: verify + verdicts ${large.verifyAndVerdictsMs} ms (target <= 1000 ms)`);
    const out = { date: new Date().toISOString(), runs: RUNS, rows, large };
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
