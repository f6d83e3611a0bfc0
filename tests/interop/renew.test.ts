/**
 * Renewal on the real lab: a repository with targets and a delegation made to expire in seconds
 * (`renew --expires`) is refused by `docker trust inspect` and `notary list` once expired;
 * `trustdesk renew` by the admin re-signs targets and names the delegations whose key is elsewhere
 * (left byte-identical); the delegate renews hers; docker (fresh and with the old cache) and notary
 * accept the repository again. Also: dry run, status --expiring, root renewal with the same keys.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, dockerTrust, ensureSigner, httpsRequest, notary, pushTag, runCommand, writeDockerConfig, type Lab } from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');

let lab: Lab;

function trustdesk(args: string[], env: Record<string, string> = {}) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false });
}

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-renew-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

async function dockerInspect(g: string, cfg?: string) {
  return dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: cfg ?? (await freshConfig()) }, check: false });
}

async function notaryList(g: string) {
  return notary(lab, ['list', g], { trustDir: mkdtempSync(join(tmpdir(), 'trustdesk-renew-notary-')), check: false });
}

async function serverFile(g: string, role: string): Promise<string> {
  const res = await httpsRequest({ url: `${lab.notaryUrl}/v2/${g}/_trust/tuf/${role}.json`, ca: lab.caFile });
  expect(res.status).toBe(200);
  return res.body.toString('utf8');
}

const version = (raw: string) => (JSON.parse(raw) as { signed: { version: number } }).signed.version;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe('trustdesk renew on the lab', () => {
  it('expired targets and delegations: docker refuses, renew by each key holder makes docker and notary accept again', async () => {
    const name = 'renew-expiry';
    const g = `${lab.registryHost}/lab/${name}`;
    const v1 = (await pushTag(lab, name, 'v1')).digest.slice(7);
    const a1 = (await pushTag(lab, name, 'a1')).digest.slice(7);
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const alice = await ensureSigner(lab, 'renew-alice', true);
    expect((await trustdesk(['signer', 'add', '--key', alice.pubFile, 'alice', g])).code).toBe(0);
    const signed = await trustdesk(['sign', `${g}:a1`], alice.env);
    expect(signed.code, signed.stderr).toBe(0);
    const oldCache = await freshConfig();
    expect((await dockerInspect(g, oldCache)).code).toBe(0); // a client that cached the fresh data

    // each key holder makes their roles expire in a few seconds
    const admin = await trustdesk(['renew', g, '--role', 'targets', '--expires', '6s', '--json']);
    expect(admin.code, admin.stderr).toBe(0);
    const adminR = JSON.parse(admin.stdout);
    expect(adminR.renewed.map((r: { role: string }) => r.role)).toEqual(['targets']);
    const mine = await trustdesk(['renew', g, '--role', 'targets/alice', '--role', 'targets/releases', '--expires', '6s', '--json'], alice.env);
    expect(mine.code, mine.stderr).toBe(0);
    const mineR = JSON.parse(mine.stdout);
    expect(mineR.renewed.map((r: { role: string }) => r.role).sort()).toEqual(['targets/alice', 'targets/releases']);
    const latest = Math.max(...[...adminR.renewed, ...mineR.renewed].map((r: { expires: string }) => Date.parse(r.expires)));
    await sleep(Math.max(0, latest - Date.now()) + 1500);

    // expired: docker and notary refuse
    const refused = await dockerInspect(g, oldCache);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/expired/i);
    expect((await notaryList(g)).code).not.toBe(0);

    // fleet status names every expired role this side can see, exit 1
    const st = await trustdesk(['status', '--expiring', '30d', '--json', g]);
    expect(st.code).toBe(1);
    const stR = JSON.parse(st.stdout);
    expect(stR.repositories[0].expiring.map((r: { role: string }) => r.role).sort()).toEqual(['targets', 'targets/alice', 'targets/releases']);
    expect(stR.repositories[0].expiring.every((r: { expired: boolean }) => r.expired)).toBe(true);

    // dry run: the diff, nothing changes
    const targetsBefore = await serverFile(g, 'targets');
    const aliceBefore = await serverFile(g, 'targets/alice');
    const releasesBefore = await serverFile(g, 'targets/releases');
    const dry = await trustdesk(['renew', g, '--dry-run']);
    expect(dry.code).toBe(1); // the delegations cannot be renewed here
    expect(dry.stdout).toContain(`targets: version ${version(targetsBefore)} -> ${version(targetsBefore) + 1}`);
    expect(dry.stdout).toMatch(/Would renew targets: version \d+ -> \d+, expires .* -> 20\d\d-/);
    expect(await serverFile(g, 'targets')).toBe(targetsBefore);

    // the admin renews what it can: targets; the delegations are named and untouched
    const r1 = await trustdesk(['renew', g]);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toMatch(/Renewed targets: version \d+ -> \d+/);
    expect(r1.stderr).toMatch(
      /Not renewed: targets\/alice \(expired .*\): its key is not on this machine: signer alice \(key [0-9a-f]{12}\) must renew it/,
    );
    expect(r1.stderr).toMatch(/Not renewed: targets\/releases/);
    expect(version(await serverFile(g, 'targets'))).toBe(version(targetsBefore) + 1);
    expect(await serverFile(g, 'targets/alice')).toBe(aliceBefore);
    expect(await serverFile(g, 'targets/releases')).toBe(releasesBefore);

    // alice renews hers (default: everything expiring within 90 days she holds a key of)
    const r2 = await trustdesk(['renew', g], alice.env);
    expect(r2.stderr).toMatch(/Not renewed: targets\b|^$/);
    expect(r2.stdout).toMatch(/Renewed targets\/alice/);
    expect(r2.stdout).toMatch(/Renewed targets\/releases/);

    // docker (old cache and fresh) and notary accept the repository again, with every tag
    for (const cfg of [oldCache, undefined]) {
      const ok = await dockerInspect(g, cfg);
      expect(ok.code, ok.stderr).toBe(0);
      const signedTags = Object.fromEntries(
        (JSON.parse(ok.stdout)[0].SignedTags as { SignedTag: string; Digest: string }[]).map((t) => [t.SignedTag, t.Digest]),
      );
      expect(signedTags).toEqual({ a1: a1, v1: v1 });
    }
    const listed = await notaryList(g);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(a1);
    expect(listed.stdout).toContain(v1);
    const after = await trustdesk(['status', '--expiring', '90d', g]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  }, 240_000);

  it('root renewal keeps the root keys: clients with the old root follow it', async () => {
    const name = 'renew-root';
    const g = `${lab.registryHost}/lab/${name}`;
    const v1 = (await pushTag(lab, name, 'v1')).digest.slice(7);
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const oldCache = await freshConfig();
    expect((await dockerInspect(g, oldCache)).code).toBe(0);
    const rootBefore = JSON.parse(await serverFile(g, 'root'));
    const r = await trustdesk(['renew', g, '--role', 'root', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rootAfter = JSON.parse(await serverFile(g, 'root'));
    expect(rootAfter.signed.version).toBe(rootBefore.signed.version + 1);
    expect(rootAfter.signed.roles).toEqual(rootBefore.signed.roles);
    expect(rootAfter.signed.expires).not.toBe(rootBefore.signed.expires);
    expect(rootAfter.signatures.map((s: { keyid: string }) => s.keyid)).toEqual(rootBefore.signed.roles.root.keyids);
    const ok = await dockerInspect(g, oldCache);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)[0].SignedTags[0].Digest).toBe(v1);
    expect((await notaryList(g)).code).toBe(0);
  }, 120_000);
});
