/**
 * Lab integration test: real notary-server, registry and CLIs. Builds the
 * scenarios and checks them with `notary list`, `docker trust inspect` and the
 * registry API (never with TrustDesk's own client).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerTrust, notary } from './cli.js';
import { httpsRequest } from './https.js';
import { buildImage } from './image.js';
import { livePids, pidExists } from './process.js';
import { pushImage } from './push-image.js';
import { fetchManifest, listTags } from './registry-read.js';
import { mapPool, type ScenarioDescriptor } from './scenario-kit.js';
import { buildApp, buildEmpty, buildFleet, buildRotated, buildTeam, buildTeamBefore } from './scenarios.js';
import { startLab, type Lab } from './servers.js';

const execFileP = promisify(execFile);

interface InspectRepo {
  Name: string;
  SignedTags: Array<{ SignedTag: string; Digest: string; Signers: string[] }>;
  Signers: Array<{ Name: string; Keys: Array<{ ID: string }> }>;
  AdministrativeKeys: Array<{ Name: string; Keys: Array<{ ID: string }> }>;
}

/** Rows of `notary list`: tag -> { digest (hex), size, role }. */
function parseNotaryList(stdout: string): Record<string, { digest: string; size: number; role: string }> {
  const rows: Record<string, { digest: string; size: number; role: string }> = {};
  for (const line of stdout.split('\n').slice(2)) {
    const [name, digest, size, role] = line.trim().split(/\s+/);
    if (name && digest && size && role) rows[name] = { digest, size: Number(size), role };
  }
  return rows;
}

async function inspect(lab: Lab, gun: string): Promise<InspectRepo> {
  const { stdout } = await dockerTrust(lab, ['inspect', gun]);
  const parsed = JSON.parse(stdout) as InspectRepo[];
  expect(parsed).toHaveLength(1);
  return parsed[0]!;
}

const SAMPLES = resolve(import.meta.dirname, '../tests/fixtures/samples');

/** An inspect result without names, digests and key IDs (which differ per run). */
function shape(r: InspectRepo): unknown {
  return {
    SignedTags: r.SignedTags.map((t) => ({ tag: t.SignedTag, signers: t.Signers })),
    Signers: r.Signers.map((s) => ({ name: s.Name, keys: s.Keys.length })),
    AdministrativeKeys: r.AdministrativeKeys.map((s) => ({ name: s.Name, keys: s.Keys.length })),
  };
}

const hex = (d: string | undefined): string | undefined => d?.replace(/^sha256:/, '');

/** The released rows `docker trust inspect` should show for a descriptor. */
function expectedSignedTags(d: ScenarioDescriptor): Array<{ SignedTag: string; Digest: string; Signers: string[] }> {
  return Object.entries(d.tags)
    .filter(([, t]) => t.signedDigest)
    .map(([tag, t]) => ({ SignedTag: tag, Digest: hex(t.signedDigest)!, Signers: t.signers }))
    .sort((a, b) => (a.SignedTag < b.SignedTag ? -1 : 1));
}

/** Checks a descriptor against the real registry and `docker trust inspect`. */
async function checkDescriptor(lab: Lab, d: ScenarioDescriptor): Promise<InspectRepo> {
  const inRegistry = Object.entries(d.tags).filter(([, t]) => t.registryDigest);
  expect(await listTags(lab, d.repo)).toEqual(inRegistry.map(([tag]) => tag).sort());
  for (const [tag, t] of inRegistry) expect((await fetchManifest(lab, d.repo, tag))?.digest, tag).toBe(t.registryDigest);
  const repo = await inspect(lab, d.gun);
  const actual = repo.SignedTags.map((r) => ({ ...r, Signers: [...r.Signers].sort() })).sort((a, b) => (a.SignedTag < b.SignedTag ? -1 : 1));
  expect(actual).toEqual(expectedSignedTags(d));
  return repo;
}

const timings: Record<string, number> = {};
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - t;
  }
}

afterAll(() => {
  console.log('lab timings (ms):', JSON.stringify(timings));
});

describe('lab with local trust service', () => {
  let lab: Lab;
  let app: ScenarioDescriptor;
  let team: ScenarioDescriptor;
  let teamBefore: ScenarioDescriptor;
  let rotated: ScenarioDescriptor;
  let empty: ScenarioDescriptor;
  let fleet: ScenarioDescriptor[];

  beforeAll(async () => {
    lab = await timed('startLab', () => startLab());
    empty = await timed('empty', () => buildEmpty(lab));
    app = await timed('app', () => buildApp(lab));
    team = await timed('team', () => buildTeam(lab));
    teamBefore = await timed('team-before', () => buildTeamBefore(lab));
    rotated = await timed('rotated', () => buildRotated(lab));
    fleet = await timed('fleet (20x10)', () => buildFleet(lab));
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('serves health and the client config it promised', async () => {
    expect(lab.registryHost).toBe(`127.0.0.1:${lab.servers.registry.port}`);
    for (const url of [`${lab.notaryUrl}/_notary_server/health`, `${lab.registryUrl}/v2/`]) {
      expect((await httpsRequest({ url, ca: lab.caFile })).status).toBe(200);
    }
    expect(lab.env).toMatchObject({
      DOCKER_CONFIG: lab.dockerConfigDir,
      DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl,
      DOCKER_HOST: 'unix:///nonexistent',
    });
    expect(lab.trustDir).toBe(join(lab.dockerConfigDir, 'trust'));
  });

  it('app: notary list shows v1, latest and unpushed (not revoked) with the signed digests', async () => {
    const rows = parseNotaryList((await notary(lab, ['list', app.gun])).stdout);
    expect(Object.keys(rows).sort()).toEqual(['latest', 'unpushed', 'v1']);
    for (const [tag, row] of Object.entries(rows)) {
      expect(row.digest).toBe(hex(app.tags[tag]!.signedDigest));
      expect(row.role).toBe('targets');
      expect(row.size).toBe(buildImage(`app:${tag}`).size);
    }
  });

  it('app: verdicts, and latest signed digest differs from the registry digest', async () => {
    expect(Object.fromEntries(Object.entries(app.tags).map(([k, t]) => [k, t.verdict]))).toEqual({
      latest: 'digest-mismatch',
      revoked: 'unsigned',
      unpushed: 'signed-not-in-registry',
      v1: 'signed',
      v2: 'unsigned',
    });
    const latest = app.tags.latest!;
    expect(latest.signedDigest).not.toBe(latest.registryDigest);
    expect((await fetchManifest(lab, app.repo, 'latest'))?.digest).toBe(latest.registryDigest);
    const repo = await checkDescriptor(lab, app);
    expect(repo.Signers).toEqual([]);
    expect(repo.SignedTags.find((r) => r.SignedTag === 'latest')?.Digest).toBe(hex(latest.signedDigest));
  });

  it('team: docker trust inspect shows alice, not bob, after the removal', async () => {
    const repo = await checkDescriptor(lab, team);
    expect(repo.Signers.map((s) => s.Name)).toEqual(['alice']);
    expect(repo.SignedTags.find((r) => r.SignedTag === 'v1')?.Signers).toEqual(['alice']);
    expect(repo.SignedTags.find((r) => r.SignedTag === 'bob-only')?.Signers).toEqual(['Repo Admin']);
    expect(repo.SignedTags.map((r) => r.SignedTag)).not.toContain('revoked');
    expect(team.signers).toEqual({ alice: repo.Signers[0]!.Keys.map((k) => k.ID) });
    const rows = parseNotaryList((await notary(lab, ['list', team.gun])).stdout);
    expect(Object.keys(rows).sort()).toEqual(['bob-only', 'v1', 'v2']);
    expect(rows['bob-only']!.role).toBe('targets/releases');
    const delegations = (await notary(lab, ['delegation', 'list', team.gun])).stdout;
    expect(delegations).toContain('targets/alice');
    expect(delegations).not.toContain('targets/bob');
  });

  it('team-before: two signers, v1 co-signed by alice and bob, bob-only by bob', async () => {
    const repo = await checkDescriptor(lab, teamBefore);
    expect(repo.Signers.map((s) => s.Name).sort()).toEqual(['alice', 'bob']);
    expect(teamBefore.tags.v1!.signers).toEqual(['alice', 'bob']);
    expect(teamBefore.tags['bob-only']!.signers).toEqual(['bob']);
    // Same signer keys in both repositories.
    expect(teamBefore.signers?.alice).toEqual(team.signers?.alice);
  });

  it('rotated: root versions 1..5 on the server, both tags signed', async () => {
    await checkDescriptor(lab, rotated);
    const status: number[] = [];
    for (let v = 1; v <= 6; v++) {
      const res = await httpsRequest({ url: `${lab.notaryUrl}/v2/${rotated.gun}/_trust/tuf/${v}.root.json`, ca: lab.caFile });
      status.push(res.status);
    }
    expect(status).toEqual([200, 200, 200, 200, 200, 404]);
    const rows = parseNotaryList((await notary(lab, ['list', rotated.gun])).stdout);
    expect(Object.keys(rows).sort()).toEqual(['v1', 'v2']);
  });

  it('empty: images in the registry, no trust data', async () => {
    expect(await listTags(lab, empty.repo)).toEqual(['latest', 'v1']);
    const res = await dockerTrust(lab, ['inspect', empty.gun], { check: false });
    expect(res.code).toBe(1);
    expect(res.stdout.trim()).toBe('[]');
    expect(res.stderr).toContain(`no signatures or cannot access ${empty.gun}`);
  });

  it('fleet: 20 repositories of 10 signed tags', async () => {
    expect(fleet).toHaveLength(20);
    const lists = await mapPool(fleet, 4, async (d) => parseNotaryList((await notary(lab, ['list', d.gun])).stdout));
    lists.forEach((rows, i) => {
      const d = fleet[i]!;
      expect(Object.keys(d.tags)).toHaveLength(10);
      for (const [tag, t] of Object.entries(d.tags)) {
        expect(t.verdict).toBe('signed');
        expect(rows[tag]?.digest).toBe(hex(t.signedDigest));
      }
    });
    await checkDescriptor(lab, fleet[7]!);
  });

  it('pushes OCI manifests, OCI indexes and docker manifest lists byte-exactly', async () => {
    for (const format of ['oci', 'oci-index', 'docker-list'] as const) {
      const pushed = await pushImage(lab, 'lab/formats', format, { seed: 'formats', format });
      const got = await fetchManifest(lab, 'lab/formats', format);
      expect(got?.digest).toBe(pushed.digest);
      expect(got?.bytes.equals(pushed.manifestBytes)).toBe(true);
      expect(got?.mediaType).toBe(pushed.mediaType);
      for (const child of pushed.children) expect((await fetchManifest(lab, 'lab/formats', child.digest))?.digest).toBe(child.digest);
      expect(pushed.children).toHaveLength(format === 'oci' ? 0 : 2);
    }
  });

  it.skipIf(!existsSync(SAMPLES))('docker trust inspect has the same shape as the reference samples', async () => {
    const cases: Array<[ScenarioDescriptor, string, string[]]> = [
      [app, 'app', ['unpushed']],
      [team, 'team', []],
      [teamBefore, 'team-before-bob-removal', []],
      [rotated, 'rotated', []],
    ];
    for (const [d, sample, extraTags] of cases) {
      const mine = await inspect(lab, d.gun);
      mine.SignedTags = mine.SignedTags.filter((t) => !extraTags.includes(t.SignedTag));
      const ref = (JSON.parse(await readFile(join(SAMPLES, sample, 'docker-trust-inspect.json'), 'utf8')) as InspectRepo[])[0]!;
      expect(shape(mine), sample).toEqual(shape(ref));
    }
  });

  it('stop() kills every server by PID and is safe to call twice', async () => {
    const pids = [...lab.pids];
    expect(pids.every(pidExists)).toBe(true);
    await Promise.all([lab.stop(), lab.stop()]);
    await lab.stop();
    expect(pids.filter(pidExists)).toEqual([]);
    expect(livePids().filter((p) => pids.includes(p))).toEqual([]);
  });
});

describe('lab with a remote notary-signer', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('builds app, team and rotated with ECDSA server keys', async () => {
    lab = await timed('startLab remote', () => startLab({ remoteSigner: true }));
    expect(lab.pids).toHaveLength(3);
    const app = await timed('app remote', () => buildApp(lab, { name: 'app-remote-signer' }));
    await checkDescriptor(lab, app);
    const key = await httpsRequest({ url: `${lab.notaryUrl}/v2/${app.gun}/_trust/tuf/timestamp.key`, ca: lab.caFile });
    expect(JSON.parse(key.body.toString('utf8'))).toMatchObject({ keytype: 'ecdsa' });
    const team = await timed('team remote', () => buildTeam(lab));
    expect((await checkDescriptor(lab, team)).Signers.map((s) => s.Name)).toEqual(['alice']);
    await checkDescriptor(lab, await timed('rotated remote', () => buildRotated(lab)));
    const pids = [...lab.pids];
    await lab.stop();
    expect(pids.filter(pidExists)).toEqual([]);
  });
});

describe('process exit hook', () => {
  it('kills the servers when the owning process exits or is terminated without stop()', async () => {
    const out = await mkdtemp(join(tmpdir(), 'trustdesk-lab-hook-'));
    try {
      // Compile the lab alone (not the whole project) and run processes that end mid-lab.
      const tsc = resolve('node_modules/typescript/bin/tsc');
      await execFileP(process.execPath, [
        tsc,
        '--outDir',
        out,
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--skipLibCheck',
        resolve('lab/servers.ts'),
      ]);
      const script = join(out, 'run.mjs');
      await writeFile(
        script,
        `import { startLab } from './servers.js';\n` +
          `const lab = await startLab({ dir: process.argv[2] });\nconsole.log(JSON.stringify(lab.pids));\n` +
          `if (process.argv[3] === 'exit') process.exit(0); else process.kill(process.pid, 'SIGTERM');\n` +
          `setInterval(() => {}, 1000);\n`,
      );
      for (const mode of ['exit', 'SIGTERM']) {
        const stdout = await new Promise<string>((res) =>
          execFile(process.execPath, [script, join(out, `lab-${mode}`), mode], (_err, so) => res(String(so))),
        );
        const pids = JSON.parse(stdout.trim()) as number[];
        expect(pids, mode).toHaveLength(2);
        const deadline = Date.now() + 3000;
        while (pids.some(pidExists) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(pids.filter(pidExists), mode).toEqual([]);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
