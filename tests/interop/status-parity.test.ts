/**
 * The trust + registry join, once (use-cases/repository/repository-state.ts), on the real lab:
 * - `split`: a tag signed with different digests in targets and targets/releases. The digest docker
 *   pulls is the targets/releases one (`notary list -r targets/releases -r targets` is the same
 *   ListTargets call docker's pull makes; `docker trust inspect` lists both rows). `status`,
 *   `verify` (by tag and by digest), `audit` and the app's overview all take that one.
 * - parity: for every lab repository, and an unreachable registry (with and without trust data),
 *   a repository without trust data, a stale cache (trust server down) and offline, `trustdesk
 *   status --json` and the app's `repository:overview` give the same verdict per tag and the same
 *   problem codes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startLab,
  buildAllScenarios,
  buildSplit,
  dockerTrust,
  notary,
  runCommand,
  unpushedManifest,
  writeDockerConfig,
  type Lab,
  type AllScenarios,
  type ScenarioDescriptor,
  type SplitScenario,
} from '../../lab/index.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { unpackOverview } from '../../shared/tag-table.js';
import type { RepositoryOverviewWire } from '../../shared/view-model.js';
import { SettingsStore } from '../../electron/app/settings-store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const DEAD = 'https://127.0.0.1:9';

let lab: Lab;
let scenarios: AllScenarios;
let split: SplitScenario;
/** Trust data on the lab's notary for a repository whose registry (127.0.0.1:9) does not answer. */
let ghost: string;

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-parity-cfg-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

function trustdesk(args: string[], cfg: string, env: Record<string, string> = {}) {
  return runCommand(lab, process.execPath, [BIN, ...args], {
    env: { DOCKER_CONFIG: cfg, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl, ...env },
    check: false,
    timeoutMs: 60_000,
  });
}

interface TagRow {
  tag: string;
  verdict: string;
  signedDigest?: string;
  registryDigest?: string;
  signers: string[];
}

async function appOverview(name: string, cfg: string, opts: { env?: Record<string, string>; offline?: boolean } = {}) {
  const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-parity-settings-')));
  await settings.update({ dockerConfigDir: cfg, ...(opts.offline ? { offline: true } : {}) });
  const handlers = createHandlers({
    settings,
    version: '0.0.0-test',
    openExternal: async () => undefined,
    env: { DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl, ...opts.env },
  });
  const r = (await handlers.invoke('repository:overview', { name })) as
    { ok: true; value: RepositoryOverviewWire } | { ok: false; error: { code: string } };
  // the channel sends the tags as one compact table; the renderer turns it back into rows the same way
  return r.ok ? { ok: true as const, value: unpackOverview(r.value) } : r;
}

type Verdicts = Record<string, { verdict: string; signedDigest?: string }>;
const verdicts = (tags: TagRow[]): Verdicts => Object.fromEntries(tags.map((t) => [t.tag, { verdict: t.verdict, signedDigest: t.signedDigest }]));

/** One repository through both: verdicts per tag and problem codes (the app's offline note is not a problem). */
async function both(name: string, cfg: string, opts: { env?: Record<string, string>; offline?: boolean } = {}) {
  const cli = await trustdesk(['status', '--json', ...(opts.offline ? ['--offline'] : []), name], cfg, opts.env);
  const [out] = JSON.parse(cli.stdout) as ({ tags: TagRow[]; source: string; problems?: { code: string }[] } & { error?: { code: string } })[];
  const ours = {
    code: cli.code,
    verdicts: out!.error ? undefined : verdicts(out!.tags),
    problems: out!.error ? [out!.error.code] : (out!.problems ?? []).map((p) => p.code),
    source: out!.source,
  };
  const r = await appOverview(name, cfg, opts);
  const app = r.ok
    ? {
        verdicts: verdicts(r.value.tags),
        problems: r.value.registryError && !opts.offline ? [r.value.registryError.code] : [],
        source: r.value.source,
      }
    : { verdicts: undefined, problems: [r.error.code], source: undefined };
  return { cli: ours, app };
}

function expectedVerdicts(d: ScenarioDescriptor): Verdicts {
  return Object.fromEntries(Object.entries(d.tags).map(([tag, t]) => [tag, { verdict: t.verdict, signedDigest: t.signedDigest }]));
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  scenarios = await buildAllScenarios(lab, { fleet: { repos: 2, tags: 3 } });
  split = await buildSplit(lab);
  ghost = '127.0.0.1:9/lab/ghost';
  const m = await unpushedManifest(lab, 'ghost', 'v1');
  await notary(lab, ['init', '-p', ghost]);
  await notary(lab, ['add', '-p', ghost, 'v1', m.file]);
}, 600_000);

afterAll(async () => {
  await lab?.stop();
});

describe('split: targets and targets/releases sign different digests for one tag', () => {
  it('the lab: notary resolves the releases digest as docker pull does; docker trust inspect lists both', async () => {
    // `notary list` with roles in priority order is ListTargets(releases, targets): docker pull's call
    const { stdout } = await notary(lab, ['list', split.gun, '--roles', 'targets/releases', '--roles', 'targets']);
    const rows = Object.fromEntries(
      stdout
        .split('\n')
        .slice(2)
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c.length >= 4)
        .map(([tag, digest, , role]) => [tag, { digest: `sha256:${digest}`, role }]),
    );
    expect(rows.v1).toEqual({ digest: split.tags.v1!.signedDigest, role: 'targets/releases' });
    expect(rows.v2).toEqual({ digest: split.tags.v2!.signedDigest, role: 'targets/releases' });
    expect(rows.solo).toEqual({ digest: split.tags.solo!.signedDigest, role: 'targets' });
    const inspected = JSON.parse((await dockerTrust(lab, ['inspect', split.gun], { env: { DOCKER_CONFIG: await freshConfig() } })).stdout)[0];
    const signed = (inspected.SignedTags as { SignedTag: string; Digest: string }[]).map((t) => `${t.SignedTag}@sha256:${t.Digest}`).sort();
    expect(signed).toEqual(
      [
        `v1@${split.tags.v1!.signedDigest}`,
        `v1@${split.shadowed.v1}`,
        `v2@${split.tags.v2!.signedDigest}`,
        `v2@${split.shadowed.v2}`,
        `solo@${split.tags.solo!.signedDigest}`,
      ].sort(),
    );
  });

  it('trustdesk inspect lists the same rows as docker trust inspect (docker orders rows of one tag at random)', async () => {
    const cfg = await freshConfig();
    const theirs = JSON.parse((await dockerTrust(lab, ['inspect', split.gun], { env: { DOCKER_CONFIG: await freshConfig() } })).stdout);
    const ours = await trustdesk(['inspect', split.gun], cfg);
    expect(ours.code).toBe(0);
    const sortRows = (r: { SignedTags: { SignedTag: string; Digest: string }[] }[]) =>
      r.map((x) => ({ ...x, SignedTags: [...x.SignedTags].sort((a, b) => `${a.SignedTag}${a.Digest}`.localeCompare(`${b.SignedTag}${b.Digest}`)) }));
    expect(sortRows(JSON.parse(ours.stdout))).toEqual(sortRows(theirs));
  });

  it('status, verify, audit and the app take the digest docker pulls', async () => {
    const cfg = await freshConfig();
    const st = await trustdesk(['status', '--json', split.gun], cfg);
    expect(st.code).toBe(0);
    expect(verdicts(JSON.parse(st.stdout)[0].tags)).toEqual(expectedVerdicts(split));
    expect(expectedVerdicts(split)).toMatchObject({ v1: { verdict: 'signed' }, v2: { verdict: 'digest-mismatch' }, solo: { verdict: 'signed' } });

    const code = async (ref: string) => (await trustdesk(['verify', ref], cfg)).code;
    expect(await code(`${split.gun}:v1`)).toBe(0);
    expect(await code(`${split.gun}:v2`)).toBe(1);
    expect(await code(`${split.gun}:solo`)).toBe(0);
    // by digest: the releases digest is signed as the tag, the shadowed targets digest is not
    expect(await code(`${split.gun}:v1@${split.tags.v1!.signedDigest}`)).toBe(0);
    expect(await code(`${split.gun}:v1@${split.shadowed.v1}`)).toBe(1);
    expect(await code(`${split.gun}:v2@${split.tags.v2!.signedDigest}`)).toBe(0);
    expect(await code(`${split.gun}:v2@${split.shadowed.v2}`)).toBe(1);
    expect(await code(`${split.gun}@${split.shadowed.v1}`)).toBe(1);

    const audit = await trustdesk(
      ['audit', '--json', `${split.gun}:v1`, `${split.gun}:v2`, `${split.gun}:solo`, `${split.gun}@${split.shadowed.v1}`],
      cfg,
    );
    expect(audit.code).toBe(1);
    const reasons = Object.fromEntries(
      (JSON.parse(audit.stdout).images as { image: string; reason: string; signedDigest?: string }[]).map((i) => [
        i.image.slice(split.gun.length),
        { reason: i.reason, signedDigest: i.signedDigest },
      ]),
    );
    expect(reasons).toEqual({
      ':v1': { reason: 'ok', signedDigest: split.tags.v1!.signedDigest },
      ':v2': { reason: 'digest-mismatch', signedDigest: split.tags.v2!.signedDigest },
      ':solo': { reason: 'ok', signedDigest: split.tags.solo!.signedDigest },
      [`@${split.shadowed.v1}`]: { reason: 'digest-mismatch', signedDigest: undefined },
    });

    const app = await appOverview(split.gun, cfg);
    expect(app.ok).toBe(true);
    if (app.ok) expect(verdicts(app.value.tags)).toEqual(expectedVerdicts(split));
  });
});

describe('status and the app agree', () => {
  it('on every lab repository (online)', async () => {
    const cfg = await freshConfig();
    const all = [scenarios.empty, scenarios.app, scenarios.team, scenarios.teamBefore, scenarios.rotated, ...scenarios.fleet, split];
    for (const d of all) {
      const { cli, app } = await both(d.gun, cfg);
      expect(cli.verdicts, d.name).toEqual(expectedVerdicts(d));
      expect(app.verdicts, d.name).toEqual(cli.verdicts);
      expect(app.problems, d.name).toEqual(cli.problems);
      expect(cli.problems, d.name).toEqual([]);
      expect(cli.code, d.name).toBe(0);
    }
  });

  it('no trust data: every tag unsigned, not a problem', async () => {
    const { cli, app } = await both(scenarios.empty.gun, await freshConfig());
    expect(Object.values(cli.verdicts!).map((v) => v.verdict)).toEqual(['unsigned', 'unsigned']);
    expect(cli.code).toBe(0);
    expect(cli.problems).toEqual([]);
    expect(app.verdicts).toEqual(cli.verdicts);
    expect(app.problems).toEqual(cli.problems);
  });

  it('an unreachable registry with trust data: the verdicts of the trust data and the registry problem (status exits 1)', async () => {
    const cfg = await freshConfig();
    const { cli, app } = await both(ghost, cfg);
    expect(cli.code).toBe(1);
    expect(cli.problems).toEqual(['NETWORK_UNREACHABLE']);
    expect(cli.verdicts).toEqual({ v1: { verdict: 'signed-not-in-registry', signedDigest: expect.stringMatching(/^sha256:/) } });
    expect(app.problems).toEqual(cli.problems);
    expect(app.verdicts).toEqual(cli.verdicts);
    const text = await trustdesk(['status', ghost], cfg);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/signed-not-in-registry/);
    expect(text.stderr).toMatch(/^127\.0\.0\.1:9\/lab\/ghost: NETWORK_UNREACHABLE: /);
  });

  it('an unreachable registry without trust data: nothing is known, the registry error for both', async () => {
    const { cli, app } = await both('127.0.0.1:9/lab/app', await freshConfig());
    expect(cli.code).toBe(1);
    expect(cli.problems).toEqual(['NETWORK_UNREACHABLE']);
    expect(app.problems).toEqual(cli.problems);
    expect(cli.verdicts).toBeUndefined();
    expect(app.verdicts).toBeUndefined();
  });

  it('a stale cache (trust server down) and offline: the cached verdicts, the same for both', async () => {
    const cfg = await freshConfig();
    for (const d of [scenarios.app, scenarios.team, split]) {
      expect((await trustdesk(['status', d.gun], cfg)).code).toBe(0); // warms the cache
      const stale = await both(d.gun, cfg, { env: { DOCKER_CONTENT_TRUST_SERVER: DEAD } });
      expect(stale.cli.source, d.name).toBe('cache');
      expect(stale.app.source, d.name).toBe('cache');
      expect(stale.cli.verdicts, d.name).toEqual(expectedVerdicts(d));
      expect(stale.app.verdicts, d.name).toEqual(stale.cli.verdicts);
      expect(stale.app.problems, d.name).toEqual(stale.cli.problems);
      expect(stale.cli.problems).toEqual([]);
      const offline = await both(d.gun, cfg, { offline: true });
      expect(offline.cli.code, d.name).toBe(0);
      expect(offline.app.verdicts, d.name).toEqual(offline.cli.verdicts);
      expect(offline.app.problems, d.name).toEqual(offline.cli.problems);
      expect(
        Object.values(offline.cli.verdicts!).every((v) => v.verdict === 'signed-not-in-registry'),
        d.name,
      ).toBe(true);
    }
  });
});
