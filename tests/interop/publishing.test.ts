/**
 * Publishing on the real lab: after each TrustDesk operation `docker trust inspect` and `notary
 * list` show exactly the expected state; after each notary/docker operation TrustDesk shows it.
 * Covers init, sign without an engine, signer add/remove, revoke, key rotation (root included, with
 * clients that cached the old root), two racing publishers, and bad inputs that must publish nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, dockerTrust, ensureSigner, httpsRequest, notary, pushTag, runCommand, writeDockerConfig, type Lab } from '../../lab/index.js';
import { signTags } from '../../electron/core/use-cases/publish/sign.js';
import { parseReference } from '../../electron/core/base/reference.js';
import { publishChanges, publishContextOf } from '../../electron/core/publishing/publisher.js';
import { TrustContext } from '../../electron/core/session/context.js';
import { TrustDeskError } from '../../electron/core/base/errors.js';

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
  const r = await notary(lab, ['-D', 'list', g], { trustDir: dir, check: false });
  if (r.code !== 0)
    throw new Error(
      `notary list ${g} failed: ${r.stdout}${r.stderr
        .split('\n')
        .filter((l) => /rror|fail|invalid|expire|level=warn/i.test(l))
        .join('\n')}`,
    );
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

  it('keys of new repositories: one root key reused (as docker), targets keys per repository, all encrypted 0600; notary key list agrees', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const dir = join(lab.trustDir, 'private');
    const files = readdirSync(dir).filter((f) => f.endsWith('.key'));
    const headers = files.map((f) => ({ f, text: readFileSync(join(dir, f), 'utf8'), mode: statSync(join(dir, f)).mode & 0o777 }));
    expect(headers.filter((h) => /\nrole: root\n/.test(h.text))).toHaveLength(1);
    const targets = headers.filter((h) => /\nrole: targets\n/.test(h.text));
    expect(targets.map((h) => /gun: (\S+)/.exec(h.text)![1]).sort()).toEqual([gun('pub-init'), gun('pub-sign')]);
    for (const h of headers) {
      expect(h.text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
      expect(h.mode).toBe(0o600);
    }
    const keys = await notary(lab, ['key', 'list']);
    for (const h of headers) expect(keys.stdout).toContain(h.f.replace(/\.key$/, ''));
  });
});

describe('signers, revoke and rotation', () => {
  it('signer add (docker key), delegate signs with trustdesk, revoke, signer remove really removes', async () => {
    const name = 'pub-team';
    const g = gun(name);
    const v1 = await push(name, 'v1');
    const d1 = await push(name, 'd1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const alice = await ensureSigner(lab, 'alice', true);
    const add = await trustdesk(['signer', 'add', '--key', alice.pubFile, 'alice', g]);
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe(`Adding signer "alice" to ${g}...\nSuccessfully added signer: alice to ${g}\n\n`);
    let seen = await dockerInspect(g);
    expect(seen.Signers.map((s) => s.Name)).toEqual(['alice']);
    const aliceKey = seen.Signers[0]!.Keys[0]!.ID;

    // the delegate, on her own machine (own trust dir), signs a new tag: releases + targets/alice
    const signed = await trustdesk(['sign', `${g}:d1`], alice.env);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    seen = await dockerInspect(g);
    expect(tags(seen)).toEqual({ d1: { digest: d1, signers: ['alice'] }, v1: { digest: v1, signers: ['Repo Admin'] } });
    const listed = (await notaryList(g)).map((x) => [x.name, x.digest]);
    expect(listed).toEqual([
      ['d1', d1],
      ['v1', v1],
    ]);

    // trustdesk reads what docker wrote: docker signs an existing tag as alice (no engine needed)
    const dsign = await dockerTrust(lab, ['sign', `${g}:v1`], { env: alice.env, check: false });
    expect(dsign.code, dsign.stderr).toBe(0);
    const ours = await trustdesk(['inspect', g]);
    expect(JSON.parse(ours.stdout)[0].SignedTags).toEqual((await dockerInspect(g)).SignedTags);
    expect(tags(await dockerInspect(g)).v1).toEqual({ digest: v1, signers: ['alice'] });

    // revoke d1 as the delegate
    const rev = await trustdesk(['revoke', `${g}:d1`], alice.env);
    expect(rev.stderr).toBe('');
    expect(rev.stdout).toBe(`Successfully deleted signature for ${g}:d1\n`);
    expect(Object.keys(tags(await dockerInspect(g)))).toEqual(['v1']);

    // removal impact: alice signed the last releases version, so confirmation is required
    const impact = await trustdesk(['signer', 'impact', '--json', 'alice', g]);
    const parsed = JSON.parse(impact.stdout)[0].impact;
    expect(parsed).toMatchObject({ keyIds: [aliceKey], lastSignerOfReleases: true, tagsLosingOnlySigner: ['v1'] });
    const refused = await trustdesk(['signer', 'remove', 'alice', g]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIRMATION_REQUIRED');
    expect((await dockerInspect(g)).Signers.map((s) => s.Name)).toEqual(['alice']);
    const removed = await trustdesk(['signer', 'remove', '--force', 'alice', g]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`Successfully removed alice from ${g}`);
    seen = await dockerInspect(g);
    expect(seen.Signers).toEqual([]);
    expect(tags(seen)).toEqual({ v1: { digest: v1, signers: ['Repo Admin'] } });
    // unknown signer: docker's message
    const unknown = await trustdesk(['signer', 'remove', 'alice', g]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no signer alice for repository ${g}`);

    // alice comes back with a new key (the server kept her old files): she signs again
    const alice2 = await ensureSigner(lab, 'alice2', true);
    expect((await trustdesk(['signer', 'add', '--key', alice2.pubFile, 'alice', g])).code).toBe(0);
    const again = await trustdesk(['sign', `${g}:d1`], alice2.env);
    expect(again.code, again.stderr).toBe(0);
    expect(tags(await dockerInspect(g)).d1).toEqual({ digest: d1, signers: ['alice'] });
  });

  it('signer add with paths and threshold; a second signer keeps releases signable', async () => {
    const name = 'pub-paths';
    const g = gun(name);
    await push(name, 'rel-1');
    const bob = await ensureSigner(lab, 'bob', true);
    const carol = await ensureSigner(lab, 'carol', true);
    expect((await trustdesk(['signer', 'add', '--key', bob.pubFile, '--path', 'rel-', 'bob', g])).code).toBe(0);
    const addCarol = await trustdesk(['signer', 'add', '--key', carol.pubFile, 'carol', g]);
    expect(addCarol.code, addCarol.stderr).toBe(0);
    expect((await trustdesk(['sign', `${g}:rel-1`], bob.env)).code).toBe(0);
    const out = await notary(lab, ['delegation', 'list', g], { trustDir: mkdtempSync(join(tmpdir(), 'n-')) });
    expect(out.stdout).toMatch(/targets\/bob\s+rel-\s/);
    // carol's key is also in releases: removing bob needs no confirmation once carol re-signs releases
    expect((await trustdesk(['sign', `${g}:rel-1`], carol.env)).code).toBe(0);
    const impact = JSON.parse((await trustdesk(['signer', 'impact', '--json', 'bob', g])).stdout)[0].impact;
    expect(impact.lastSignerOfReleases).toBe(false);
    expect(impact.tagsLosingOnlySigner).toEqual([]);
    expect((await trustdesk(['signer', 'remove', 'bob', g])).code).toBe(0);
    expect(tags(await dockerInspect(g))['rel-1']!.signers).toEqual(['carol']);
  });

  it('key rotate targets and snapshot --server-managed; docker and notary still read it', async () => {
    const name = 'pub-rotate';
    const g = gun(name);
    const v1 = await push(name, 'v1');
    expect((await trustdesk(['init', '--local-snapshot', g])).code).toBe(0);
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const before = await dockerInspect(g);
    const t = await trustdesk(['key', 'rotate', g, 'targets']);
    expect(t.code, t.stderr).toBe(0);
    const after = await dockerInspect(g);
    expect(after.AdministrativeKeys[1]!.Keys).not.toEqual(before.AdministrativeKeys[1]!.Keys);
    expect(tags(after)).toEqual({ v1: { digest: v1, signers: ['Repo Admin'] } });
    const s = await trustdesk(['key', 'rotate', g, 'snapshot', '--server-managed']);
    expect(s.code, s.stderr).toBe(0);
    const ts = await trustdesk(['key', 'rotate', g, 'timestamp']);
    expect(ts.code, ts.stderr).toBe(0);
    // with a server-managed snapshot, a tag can be signed without the snapshot key; notary agrees
    const v2 = await push(name, 'v2');
    expect((await trustdesk(['sign', `${g}:v2`])).code).toBe(0);
    expect((await notaryList(g)).map((x) => [x.name, x.digest])).toEqual([
      ['v1', v1],
      ['v2', v2],
    ]);
  });

  it('key rotate root: clients that cached the old root (ours and docker) accept the new one', async () => {
    const name = 'pub-root';
    const g = gun(name);
    const v1 = await push(name, 'v1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const dockerCfg = await freshConfig();
    const ourCfg = await freshConfig();
    const before = await dockerInspect(g, { DOCKER_CONFIG: dockerCfg }); // caches root v1
    expect((await trustdesk(['inspect', g], { DOCKER_CONFIG: ourCfg })).code).toBe(0);
    const r = await trustdesk(['key', 'rotate', g, 'root']);
    expect(r.code, r.stderr).toBe(0);
    const afterDocker = await dockerInspect(g, { DOCKER_CONFIG: dockerCfg });
    expect(afterDocker.AdministrativeKeys[0]!.Keys).not.toEqual(before.AdministrativeKeys[0]!.Keys);
    expect(tags(afterDocker)).toEqual({ v1: { digest: v1, signers: ['Repo Admin'] } });
    const ours = await trustdesk(['inspect', g], { DOCKER_CONFIG: ourCfg });
    expect(ours.code, ours.stderr).toBe(0);
    expect(JSON.parse(ours.stdout)[0].AdministrativeKeys).toEqual(afterDocker.AdministrativeKeys);
    // and the repository keeps working: sign after the rotation
    await push(name, 'v2');
    expect((await trustdesk(['sign', `${g}:v2`])).code).toBe(0);
    expect(Object.keys(tags(await dockerInspect(g, { DOCKER_CONFIG: dockerCfg })))).toEqual(['v1', 'v2']);
  });

  it('after notary operations trustdesk shows them, and publishes on top of them', async () => {
    const name = 'pub-notary';
    const g = gun(name);
    const m = await pushTag(lab, name, 'n1');
    await notary(lab, ['init', '-p', g]);
    await notary(lab, ['add', '-p', g, 'n1', m.file]);
    const t2 = await push(name, 't2');
    const s2 = await trustdesk(['sign', `${g}:t2`]); // local snapshot key from notary init
    expect(s2.code, s2.stderr + s2.stdout).toBe(0);
    expect((await notaryList(g)).map((x) => x.name)).toEqual(['n1', 't2']);
    const ours = JSON.parse((await trustdesk(['inspect', g])).stdout)[0];
    expect(ours.SignedTags.map((t: { SignedTag: string; Digest: string }) => [t.SignedTag, t.Digest])).toEqual([
      ['n1', m.digest.slice(7)],
      ['t2', t2],
    ]);

    // a delegate of a notary-made repository (snapshot key local to the admin) cannot publish: the
    // error says why and what fixes it; after the admin hands snapshot to the server, it can
    const gina = await ensureSigner(lab, 'gina', true);
    expect((await trustdesk(['signer', 'add', '--key', gina.pubFile, 'gina', g])).code).toBe(0);
    const g3 = await push(name, 'g3');
    const stuck = await trustdesk(['sign', `${g}:g3`], gina.env);
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('PUBLISH_REJECTED');
    expect(stuck.stderr).toContain(`trustdesk key rotate ${g} snapshot --server-managed`);
    expect((await trustdesk(['key', 'rotate', g, 'snapshot', '--server-managed'])).code).toBe(0);
    const unstuck = await trustdesk(['sign', `${g}:g3`], gina.env);
    expect(unstuck.code, unstuck.stderr).toBe(0);
    expect(tags(await dockerInspect(g)).g3).toEqual({ digest: g3, signers: ['gina'] });

    // the other way round: notary publishes with the keys trustdesk made (targets and local snapshot)
    const g2 = gun('pub-notary-2');
    const n2 = await pushTag(lab, 'pub-notary-2', 'n2');
    expect((await trustdesk(['init', '--local-snapshot', g2])).code).toBe(0);
    await notary(lab, ['add', '-p', g2, 'n2', n2.file]);
    const ours2 = JSON.parse((await trustdesk(['inspect', g2])).stdout)[0];
    expect(ours2.SignedTags).toEqual([{ SignedTag: 'n2', Digest: n2.digest.slice(7), Signers: ['Repo Admin'] }]);
    // and docker revokes what trustdesk signed
    await push('pub-notary-2', 't3');
    expect((await trustdesk(['sign', `${g2}:t3`])).code).toBe(0);
    const revoked = await dockerTrust(lab, ['revoke', '--yes', `${g2}:t3`], { check: false });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse((await trustdesk(['inspect', g2])).stdout)[0].SignedTags.map((t: { SignedTag: string }) => t.SignedTag)).toEqual(['n2']);
  });
});

function labContext(configDir = lab.dockerConfigDir): TrustContext {
  return new TrustContext({ env: { ...process.env, ...lab.env, DOCKER_CONFIG: configDir }, configDir });
}

async function serverSnapshot(g: string): Promise<string> {
  const res = await httpsRequest({ url: `${lab.notaryUrl}/v2/${g}/_trust/tuf/snapshot.json`, ca: lab.caFile });
  return `${res.status} ${res.body.toString('utf8')}`;
}

describe('thresholds', () => {
  it('signer add --threshold 2 with two keys: signed with both on the delegate machine, docker reads it; one key is not enough', async () => {
    const name = 'pub-threshold';
    const g = gun(name);
    await push(name, 'v1');
    const t1 = await push(name, 't1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const cfg = await freshConfig();
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-pair-'));
    for (const k of ['pair-a', 'pair-b'])
      expect((await trustdesk(['signer', 'key', k, '--dir', dir, '--no-qr'], { DOCKER_CONFIG: cfg })).code).toBe(0);
    const add = await trustdesk(['signer', 'add', '--key', join(dir, 'pair-a.pub'), '--key', join(dir, 'pair-b.pub'), '--threshold', '2', 'pair', g]);
    expect(add.code, add.stderr).toBe(0);
    const signed = await trustdesk(['sign', `${g}:t1`], { DOCKER_CONFIG: cfg });
    expect(signed.code, signed.stderr).toBe(0);
    const seen = await dockerInspect(g);
    expect(tags(seen).t1).toEqual({ digest: t1, signers: ['pair'] });
    expect(seen.Signers[0]!.Keys).toHaveLength(2);
    // a machine with only one of the two keys
    const half = await freshConfig();
    const { cpSync: cp, readdirSync } = await import('node:fs');
    const first = readdirSync(join(cfg, 'trust', 'private')).sort()[0]!;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(half, 'trust', 'private'), { recursive: true, mode: 0o700 });
    cp(join(cfg, 'trust', 'private', first), join(half, 'trust', 'private', first));
    await push(name, 't2');
    const short = await trustdesk(['sign', `${g}:t2`], { DOCKER_CONFIG: half });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/NO_SIGNING_KEY: no key on this machine can sign targets\/pair: it needs 2 of the key/);
  });
});

describe('races and bad input', () => {
  it('two publishers racing on one repository lose nothing', async () => {
    const name = 'pub-race';
    const g = gun(name);
    const tagsToSign = ['r1', 'r2', 'r3', 'r4'];
    for (const t of tagsToSign) await push(name, t);
    expect((await trustdesk(['init', g])).code).toBe(0);
    const contexts = tagsToSign.map(() => labContext());
    try {
      const results = await Promise.all(tagsToSign.map((t, i) => signTags(contexts[i]!, { references: [`${g}:${t}`] })));
      expect(results.every((r) => r.published)).toBe(true);
      expect(results.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThan(tagsToSign.length); // someone had to re-apply
    } finally {
      for (const c of contexts) c.close();
    }
    expect(Object.keys(tags(await dockerInspect(g))).sort()).toEqual(tagsToSign);
    expect((await notaryList(g)).map((x) => x.name)).toEqual(tagsToSign);
  });

  it('bad input: clear codes, nothing published', async () => {
    const name = 'pub-bad';
    const g = gun(name);
    await push(name, 'v1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const before = await serverSnapshot(g);
    const expectRefused = async (args: string[], code: string, env: Record<string, string> = {}) => {
      const r = await trustdesk(args, env);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toContain(code);
      expect(await serverSnapshot(g)).toBe(before);
      return r;
    };
    // unknown tag
    const unknown = await expectRefused(['revoke', `${g}:nosuch`], 'TARGET_NOT_FOUND');
    expect(unknown.stderr).toContain('No valid trust data for nosuch');
    // tag not in the registry
    const missing = await expectRefused(['sign', `${g}:v1`, `${g}:not-pushed`], 'TARGET_NOT_FOUND');
    expect(missing.stderr).toContain('not-pushed is not in the registry');
    // no key on this machine
    const cfg = await freshConfig();
    await expectRefused(['sign', `${g}:v1`], 'NO_SIGNING_KEY', { DOCKER_CONFIG: cfg });
    // wrong passphrase
    const wrong = 'not-the-passphrase';
    await expectRefused(['sign', `${g}:v1`], 'PASSPHRASE_WRONG', {
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: wrong,
      NOTARY_TARGETS_PASSPHRASE: wrong,
      NOTARY_SNAPSHOT_PASSPHRASE: wrong,
      DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: wrong,
      NOTARY_ROOT_PASSPHRASE: wrong,
      NOTARY_DELEGATION_PASSPHRASE: wrong,
    });
    // server unreachable
    await expectRefused(['sign', `${g}:v1`], 'NETWORK_UNREACHABLE', { DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:1' });
    // bad signer input
    await expectRefused(['signer', 'add', 'releases', g, '--key', '/nonexistent.pub'], 'releases is a reserved keyword');
    const noKey = await trustdesk(['signer', 'add', 'zed', g]);
    expect(noKey.stderr).toContain('path to a public key must be provided using the `--key` flag');
    expect(await serverSnapshot(g)).toBe(before);
  });

  it('server down mid-publish: the update fails as a whole, nothing is published', async () => {
    const name = 'pub-down';
    const g = gun(name);
    await push(name, 'v1');
    await push(name, 'v2');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const before = await serverSnapshot(g);
    const ctx = labContext();
    const session = ctx.session;
    // reads work, the POST of the update dies with the connection
    const real = session.notaryPublisher.bind(session);
    session.notaryPublisher = async (ref) => {
      const p = await real(ref);
      p.publish = async () => {
        throw new TrustDeskError('NETWORK_UNREACHABLE', 'connection reset by the trust server while sending the update');
      };
      return p;
    };
    try {
      const digest = digests.get(`${name}:v2`)!;
      await expect(
        publishChanges(publishContextOf(ctx), {
          ref: parseReference(g),
          changes: [{ kind: 'add-target', name: 'v2', target: { sha256Hex: digest, length: 423 } }],
        }),
      ).rejects.toMatchObject({ code: 'NETWORK_UNREACHABLE' });
    } finally {
      ctx.close();
    }
    expect(await serverSnapshot(g)).toBe(before);
    expect(Object.keys(tags(await dockerInspect(g)))).toEqual(['v1']);
  });
});

/**
 * A TCP proxy in front of notary-server that passes TLS through and cuts both sides as soon as the
 * client sends a burst larger than any GET (the multipart update): the server goes away mid-publish.
 */
async function cuttingProxy(): Promise<{ url: string; cuts: () => number; close: () => Promise<void> }> {
  const net = await import('node:net');
  const target = new URL(lab.notaryUrl);
  let cuts = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (chunk.length > 2000) {
        cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    cuts: () => cuts,
    close: () => new Promise<void>((r) => (sockets.forEach((x) => x.destroy()), server.close(() => r()))),
  };
}

describe('the trust server going away mid-publish', () => {
  it('a real connection cut while the update is sent: clear error, nothing published', async () => {
    const name = 'pub-cut';
    const g = gun(name);
    await push(name, 'v0');
    expect((await trustdesk(['sign', `${g}:v0`])).code).toBe(0);
    const many = Array.from({ length: 40 }, (_, i) => `c${i}`);
    for (const t of many) await push(name, t);
    const before = await serverSnapshot(g);
    const proxy = await cuttingProxy();
    try {
      const r = await trustdesk(['sign', '--tlscacert', lab.caFile, ...many.map((t) => `${g}:${t}`)], { DOCKER_CONTENT_TRUST_SERVER: proxy.url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/NETWORK_UNREACHABLE|NETWORK_TIMEOUT|HTTP_ERROR/);
      expect(r.stderr).toContain('nothing was published (the server state is unchanged)');
      expect(proxy.cuts()).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
    expect(await serverSnapshot(g)).toBe(before);
    expect(Object.keys(tags(await dockerInspect(g)))).toEqual(['v0']);
  });
});

describe('delegate onboarding and offboarding', () => {
  it('delegate makes a key (public part + QR), admin adds it with paths, delegate test-signs, both see it; offboarding shows the cost first', async () => {
    const name = 'pub-onboard';
    const g = gun(name);
    await push(name, 'v1');
    const rc1 = await push(name, 'rc-1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    // the delegate's machine: its own docker config
    const dana = await freshConfig();
    const danaEnv = { DOCKER_CONFIG: dana };
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-dana-'));
    const made = await trustdesk(['signer', 'key', 'dana', '--dir', dir, '--json'], danaEnv);
    expect(made.code, made.stderr).toBe(0);
    const key = JSON.parse(made.stdout);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: dana\n\n/);
    expect(key.publicKeyPem).not.toMatch(/PRIVATE/);
    expect(key.qrSvg).toMatch(/^<svg/);
    // the admin's machine: add with a path prefix
    expect((await trustdesk(['signer', 'add', '--key', key.publicKeyPath, '--path', 'rc-', 'dana', g])).code).toBe(0);
    // test signature from the delegate; a tag outside the paths is refused
    expect((await trustdesk(['sign', `${g}:rc-1`], danaEnv)).code).toBe(0);
    const outside = await trustdesk(['sign', `${g}:v1`], danaEnv);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('NO_SIGNING_KEY');
    // both sides see the result (the admin with the key file it was sent)
    for (const env of [danaEnv, {}]) {
      const st = await trustdesk(['signer', 'status', '--json', '--key', key.publicKeyPath, 'dana', g], env);
      expect(st.code, st.stderr).toBe(0);
      expect(JSON.parse(st.stdout)[0]).toMatchObject({
        signer: true,
        hasKey: true,
        paths: ['rc-'],
        inReleases: true,
        signedTags: [{ tag: 'rc-1', digest: `sha256:${rc1}` }],
      });
    }
    expect(tags(await dockerInspect(g))['rc-1']).toEqual({ digest: rc1, signers: ['dana'] });
    // offboarding: the impact first, then removal
    const impact = JSON.parse((await trustdesk(['signer', 'impact', '--json', 'dana', g])).stdout)[0].impact;
    expect(impact.tagsLosingOnlySigner).toEqual(['rc-1']);
    expect(impact.tagsBecomingUnpullable).toEqual(['rc-1']);
    expect((await trustdesk(['signer', 'remove', '--force', 'dana', g])).code).toBe(0);
    expect(Object.keys(tags(await dockerInspect(g)))).toEqual(['v1']);
  });
});

describe('staged change lists from the CLI', () => {
  it('--dry-run shows the exact change and publishes nothing; a change list file goes out in one update', async () => {
    const name = 'pub-staged';
    const g = gun(name);
    const v1 = await push(name, 'v1');
    const v2 = await push(name, 'v2');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const before = await serverSnapshot(g);
    const dry = await trustdesk(['sign', '--dry-run', `${g}:v2`]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Update ${g}:`);
    expect(dry.stdout).toMatch(/targets: version 1 -> 2, signed by [0-9a-f]{12}/);
    expect(dry.stdout).toContain(`+ v2 sha256:${v2} (423 bytes)`);
    expect(dry.stdout).toContain('snapshot: version 1 -> 2, signed by the server');
    expect(await serverSnapshot(g)).toBe(before);

    const frank = await ensureSigner(lab, 'frank', true);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { publicKeyFromPem } = await import('../../electron/core/use-cases/signers/signers.js');
    const key = publicKeyFromPem(readFileSync(frank.pubFile, 'utf8'));
    const file = join(mkdtempSync(join(tmpdir(), 'trustdesk-changes-')), 'changes.json');
    writeFileSync(
      file,
      JSON.stringify([
        { kind: 'add-target', name: 'v2', target: { sha256Hex: v2, length: 423 }, roles: ['targets'] },
        { kind: 'remove-target', name: 'v1', roles: ['targets'] },
        { kind: 'add-delegation', role: 'targets/frank', keys: [key] },
        { kind: 'add-delegation', role: 'targets/releases', keys: [key] },
      ]),
    );
    const preview = await trustdesk(['publish', '--dry-run', g, file]);
    expect(preview.stdout).toContain(`- v1 sha256:${v1}`);
    expect(preview.stdout).toContain('+ delegation targets/frank');
    expect(await serverSnapshot(g)).toBe(before);
    const published = await trustdesk(['publish', g, file]);
    expect(published.code, published.stderr).toBe(0);
    const seen = await dockerInspect(g);
    expect(tags(seen)).toEqual({ v2: { digest: v2, signers: ['Repo Admin'] } });
    expect(seen.Signers.map((s) => s.Name)).toEqual(['frank']);

    // signer add to several repositories: one fails (no keys for it here), the other is done
    const other = gun('pub-staged-other');
    await push('pub-staged-other', 'x');
    const cfg = await freshConfig();
    expect((await trustdesk(['sign', `${other}:x`], { DOCKER_CONFIG: cfg })).code).toBe(0); // someone else's repository
    const both = await trustdesk(['signer', 'add', '--key', frank.pubFile, 'frank2', g, other]);
    expect(both.code).toBe(1);
    expect(both.stdout).toContain(`Successfully added signer: frank2 to ${g}`);
    expect(both.stderr).toContain('NO_SIGNING_KEY');
    expect(both.stderr).toContain(`failed to add signer to: ${other}`);
    expect((await dockerInspect(other)).Signers).toEqual([]);

    // revoke without a tag: every released tag, after --yes (no terminal: refused, nothing removed)
    const noTty = await trustdesk(['revoke', g]);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain('CONFIRMATION_REQUIRED');
    const all = await trustdesk(['revoke', '--yes', '--admin', g]);
    expect(all.code, all.stderr).toBe(0);
    expect((await dockerInspect(g)).SignedTags).toEqual([]);
  });
});
