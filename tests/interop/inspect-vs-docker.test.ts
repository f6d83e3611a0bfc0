/**
 * Interop is the proof: on the real lab (notary-server + docker-registry, trust data made by the real
 * notary and docker CLIs), `trustdesk inspect` must print exactly what `docker trust inspect` prints,
 * with the same exit code and stderr, and each must read the trust cache the other wrote.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startLab,
  buildAllScenarios,
  buildApp,
  buildTeam,
  dockerTrust,
  runCommand,
  writeDockerConfig,
  type Lab,
  type AllScenarios,
} from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');

let lab: Lab;
let scenarios: AllScenarios;

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-cfg-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

function trustdesk(args: string[], env: Record<string, string>) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false });
}

async function both(args: string[]) {
  const dockerEnv = { DOCKER_CONFIG: await freshConfig() };
  const ourEnv = { DOCKER_CONFIG: await freshConfig() };
  const [theirs, ours] = await Promise.all([
    dockerTrust(lab, ['inspect', ...args], { env: dockerEnv, check: false }),
    trustdesk(['inspect', ...args], ourEnv),
  ]);
  return { theirs, ours, dockerEnv, ourEnv };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  scenarios = await buildAllScenarios(lab, { fleet: { repos: 3, tags: 4 } });
}, 240_000);

afterAll(async () => {
  await lab?.stop();
});

describe('trustdesk inspect is byte-identical to docker trust inspect on real servers', () => {
  const cases: [string, (s: AllScenarios) => string[]][] = [
    ['app', (s) => [s.app.gun]],
    ['app with a tag', (s) => [`${s.app.gun}:v1`]],
    ['app with an unknown tag', (s) => [`${s.app.gun}:nosuch`]],
    ['team (bob removed)', (s) => [s.team.gun]],
    ['team before removal', (s) => [s.teamBefore.gun]],
    ['rotated keys', (s) => [s.rotated.gun]],
    ['a repository without trust data', (s) => [s.empty.gun]],
    ['several repositories, one failing', (s) => [s.app.gun, s.empty.gun, s.team.gun]],
    ['the fleet in one call', (s) => s.fleet.map((f) => f.gun)],
  ];
  for (const [title, args] of cases) {
    it(`${title}: JSON`, async () => {
      const { theirs, ours } = await both(args(scenarios));
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.code).toBe(theirs.code);
      // docker's stderr for an inaccessible repository; our extra "cause:" lines are not in docker's
      expect(ours.stderr.split('\n').filter((l) => !l.startsWith('  cause:'))).toEqual(theirs.stderr.split('\n'));
    });
    it(`${title}: --pretty`, async () => {
      const { theirs, ours } = await both(['--pretty', ...args(scenarios)]);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.code).toBe(theirs.code);
    });
  }

  it("refuses a non-https trust server with docker's message", async () => {
    const env = { DOCKER_CONFIG: await freshConfig(), DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl.replace('https:', 'http:') };
    const [theirs, ours] = await Promise.all([
      dockerTrust(lab, ['inspect', scenarios.app.gun], { env, check: false }),
      trustdesk(['inspect', scenarios.app.gun], env),
    ]);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.code).toBe(1);
  });
});

describe('with a real notary-signer (ECDSA server keys, as Docker Hub and Harbor run it)', () => {
  it('inspect output equals docker trust inspect', async () => {
    const signerLab = await startLab({ remoteSigner: true });
    try {
      const app = await buildApp(signerLab);
      const team = await buildTeam(signerLab);
      for (const args of [[app.gun], ['--pretty', team.gun]]) {
        const env = { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'trustdesk-cfg-')) };
        await writeDockerConfig(env.DOCKER_CONFIG, signerLab.caFile, [signerLab.notaryHost, signerLab.registryHost]);
        const theirs = await dockerTrust(signerLab, ['inspect', ...args], { env: { ...env }, check: false });
        const oursEnv = { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'trustdesk-cfg-')) };
        await writeDockerConfig(oursEnv.DOCKER_CONFIG, signerLab.caFile, [signerLab.notaryHost, signerLab.registryHost]);
        const ours = await runCommand(signerLab, process.execPath, [BIN, 'inspect', ...args], { env: oursEnv, check: false });
        expect(ours.code).toBe(0);
        expect(ours.stdout).toBe(theirs.stdout);
      }
    } finally {
      await signerLab.stop();
    }
  });
});

describe('the trust cache is shared with docker both ways', () => {
  it('docker reads the cache trustdesk wrote (server down, cached timestamp used)', async () => {
    const cfg = await freshConfig();
    const ours = await trustdesk(['inspect', scenarios.team.gun], { DOCKER_CONFIG: cfg });
    expect(ours.code).toBe(0);
    const theirs = await dockerTrust(lab, ['inspect', scenarios.team.gun], {
      env: { DOCKER_CONFIG: cfg, DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:9' },
      check: false,
    });
    expect(theirs.stderr).toMatch(/using cached timestamp/);
    expect(theirs.code).toBe(0);
    expect(theirs.stdout).toBe(ours.stdout);
  });

  it('trustdesk --offline reads the cache docker wrote', async () => {
    const cfg = await freshConfig();
    const theirs = await dockerTrust(lab, ['inspect', scenarios.rotated.gun], { env: { DOCKER_CONFIG: cfg } });
    const ours = await trustdesk(['inspect', '--offline', scenarios.rotated.gun], { DOCKER_CONFIG: cfg });
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });
});

describe('trustdesk status joins the registry and notary', () => {
  it('gives every tag the verdict the lab expects', async () => {
    const cfg = await freshConfig();
    const names = [scenarios.app, scenarios.team, scenarios.empty];
    const res = await trustdesk(['status', '--json', ...names.map((n) => n.gun)], { DOCKER_CONFIG: cfg });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { gun: string; tags: { tag: string; verdict: string; signers: string[]; registryDigest?: string }[] }[];
    names.forEach((scenario, i) => {
      const got = Object.fromEntries(out[i]!.tags.map((t) => [t.tag, { verdict: t.verdict, signers: [...t.signers].sort() }]));
      const want = Object.fromEntries(Object.entries(scenario.tags).map(([tag, t]) => [tag, { verdict: t.verdict, signers: t.signers }]));
      expect(got).toEqual(want);
    });
  });

  it('--require-signed exits 1 when a tag is not signed, 0 when all are', async () => {
    const cfg = await freshConfig();
    const app = await trustdesk(['status', '--require-signed', scenarios.app.gun], { DOCKER_CONFIG: cfg });
    expect(app.code).toBe(1);
    expect(app.stdout).toMatch(/digest-mismatch/);
    const fleet = await trustdesk(['status', '--require-signed', scenarios.fleet[0]!.gun], { DOCKER_CONFIG: cfg });
    expect(fleet.stdout).toMatch(/4 signed, 0 unsigned/);
    expect(fleet.code).toBe(0);
  });
});
