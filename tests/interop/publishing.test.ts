/**
 * Publishing on the real lab: after each TrustDesk operation `docker trust inspect` and `notary
 * list` show exactly the expected state; after each notary/docker operation TrustDesk shows it.
 * Covers init, sign without an engine, signer add/remove, revoke, key rotation (root included, with
 * clients that cached the old root), two racing publishers, and bad inputs that must publish nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, dockerTrust, ensureSigner, notary, pushTag, runCommand, writeDockerConfig, LAB_PASSPHRASE, type Lab } from '../../lab/index.js';
import { TrustSession } from '../../electron/core/use-cases/trust-session.js';
import { signTags } from '../../electron/core/use-cases/sign.js';
import { parseReference } from '../../electron/core/reference.js';
import { publishChanges, publishContext } from '../../electron/core/publishing/publisher.js';
import { TrustDeskError } from '../../electron/core/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');

let lab: Lab;
const digests = new Map<string, string>();

function gun(name: string): string {
  return `${lab.registryHost}/lab/${name}`;
}

function trustdesk(args: string[], env: Record<string, string> = {}) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false });
}

async function push(name: string, tag: string): Promise<string> {
  const m = await pushTag(lab, name, tag);
  digests.set(`${name}:${tag}`, m.digest.slice(7));
  return m.digest.slice(7);
}

interface Inspected {
  SignedTags: { SignedTag: string; Digest: string; Signers: string[] }[];
  Signers: { Name: string; Keys: { ID: string }[] }[];
  AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[];
}

/** docker trust inspect from a fresh config (no cache): what any new client sees. */
async function dockerInspect(g: string, env: Record<string, string> = {}): Promise<Inspected> {
  const cfg = env.DOCKER_CONFIG ?? (await freshConfig());
  const r = await dockerTrust(lab, ['inspect', g], { env: { ...env, DOCKER_CONFIG: cfg }, check: false });
  if (r.code !== 0) throw new Error(`docker trust inspect ${g} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Inspected[])[0]!;
}

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-pub-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

/** `notary list` rows as {name, digest, size, role}, from a trust dir of its own (no keys needed). */
async function notaryList(g: string): Promise<{ name: string; digest: string; size: number; role: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-notary-'));
  const r = await notary(lab, ['list', g], { trustDir: dir, check: false });
  if (r.code !== 0) throw new Error(`notary list ${g} failed: ${r.stdout}${r.stderr}`);
  if (/No targets present/.test(r.stdout)) return [];
  return r.stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const [name, digest, size, role] = l.trim().split(/\s+/);
      return { name: name!, digest: digest!, size: Number(size), role: role! };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function tags(i: Inspected): Record<string, { digest: string; signers: string[] }> {
  return Object.fromEntries(i.SignedTags.map((t) => [t.SignedTag, { digest: t.Digest, signers: t.Signers }]));
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe('publishing with trustdesk, read by docker and notary', () => {
  it('init: notary list and docker trust inspect read the new repository', async () => {
    const g = gun('pub-init');
    const r = await trustdesk(['init', g]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Successfully initialized "${g}"`);
    expect(await notaryList(g)).toEqual([]);
    const i = await dockerInspect(g);
    expect(i.SignedTags).toEqual([]);
    expect(i.AdministrativeKeys.map((k) => k.Name)).toEqual(['Root', 'Repository']);
    // a second init is refused, nothing changes
    const again = await trustdesk(['init', g]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('REPOSITORY_EXISTS');
  });

  it('sign new tags without an engine: docker and notary show the registry digests', async () => {
    const g = gun('pub-sign');
    const v1 = await push('pub-sign', 'v1');
    const v2 = await push('pub-sign', 'v2');
    const r = await trustdesk(['sign', `${g}:v1`, `${g}:v2`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Successfully signed ${g}:v1`);
    expect(tags(await dockerInspect(g))).toEqual({ v1: { digest: v1, signers: ['Repo Admin'] }, v2: { digest: v2, signers: ['Repo Admin'] } });
    const listed = await notaryList(g);
    expect(listed.map((x) => [x.name, x.digest, x.role])).toEqual([
      ['v1', v1, 'targets'],
      ['v2', v2, 'targets'],
    ]);
  });
});
