/**
 * Issue 10 on the real lab: the engine's daemon.json content-trust policy evaluated for real
 * repositories (globs, the longest match, canonical vs certificate root key IDs, the modes, expired
 * cached metadata with the trust server down), `trustdesk audit` of a Compose file (verdicts and exit
 * codes), and the CI signer set-up (a delegation key that signs with notary and with trustdesk sign,
 * and that docker trust inspect shows).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startLab,
  buildApp,
  dockerTrust,
  gunFor,
  notary,
  pushTag,
  runCommand,
  writeDockerConfig,
  LAB_PASSPHRASE,
  type Lab,
  type ScenarioDescriptor,
} from '../../lab/index.js';
import { auditImages, sessionAuditDeps, type AuditReport, type ImageAudit } from '../../electron/core/enforcement/audit.js';
import { parseDaemonPolicy, type DaemonPolicy } from '../../electron/core/enforcement/daemon-policy.js';
import type { SessionOptions } from '../../electron/core/session/trust-session.js';
import { setUpCiSigner, type CiSignerResult } from '../../electron/core/use-cases/signers/ci-signer.js';
import { TrustContext } from '../../electron/core/session/context.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { SettingsStore } from '../../electron/app/settings-store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;
const DAY = 24 * 3600 * 1000;
const DEAD_SERVER = 'https://127.0.0.1:9';

let lab: Lab;
let app: ScenarioDescriptor;
let other: string; // a second signed repository (own root key)
let plain: string; // pushed, never signed
let work: string;
let otherTrustDir: string;
let appRoot: { canonicalId: string; certificateId: string };
let otherRoot: { canonicalId: string; certificateId: string };

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-enf-cfg-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

async function trustdesk(args: string[], cfg: string, env: Record<string, string> = {}) {
  const r = await runCommand(lab, process.execPath, [BIN, ...args], {
    env: { DOCKER_CONFIG: cfg, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl, ...env },
    check: false,
    timeoutMs: 30_000,
  });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return r;
}

function policy(section: unknown): DaemonPolicy {
  const p = parseDaemonPolicy({ 'content-trust': section });
  expect(p.problems).toEqual([]);
  return p.policy;
}

async function audit(images: string[], pol: DaemonPolicy, cfg: string, opts: Partial<SessionOptions> = {}): Promise<AuditReport> {
  const { deps, close } = sessionAuditDeps({ configDir: cfg, env: { DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl }, ...opts });
  try {
    return await auditImages(
      images.map((image) => ({ image, location: 'test', kind: 'argument' as const })),
      pol,
      deps,
    );
  } finally {
    close();
  }
}

function row(r: AuditReport, image: string): ImageAudit {
  const i = r.images.find((x) => x.image === image);
  if (!i) throw new Error(`no row for ${image}`);
  return i;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  work = mkdtempSync(join(tmpdir(), 'trustdesk-issue10-'));
  app = await buildApp(lab);
  other = gunFor(lab, 'other');
  const o1 = await pushTag(lab, 'other', 'v1');
  // its own trust dir: its own root key (the lab's default trust dir reuses one root key everywhere)
  otherTrustDir = mkdtempSync(join(tmpdir(), 'trustdesk-enf-other-td-'));
  await notary(lab, ['init', '-p', other], { trustDir: otherTrustDir });
  await notary(lab, ['add', '-p', other, 'v1', o1.file], { trustDir: otherTrustDir });
  plain = gunFor(lab, 'plain');
  await pushTag(lab, 'plain', 'v1');
  // Both IDs of each root key, as the audit reports them (no policy: trust on first use).
  const first = await trustdesk(['audit', '--json', `${app.gun}:v1`, `${other}:v1`], await freshConfig());
  expect(first.code).toBe(0);
  const rep = JSON.parse(first.stdout) as AuditReport;
  appRoot = row(rep, `${app.gun}:v1`).rootKeys![0]!;
  otherRoot = row(rep, `${other}:v1`).rootKeys![0]!;
}, 180_000);

afterAll(async () => {
  await lab?.stop();
});

describe('policy evaluation on the real lab', () => {
  it('canonical root key IDs are notary key list IDs, not the certificate IDs docker trust inspect shows', async () => {
    expect(appRoot.canonicalId).not.toBe(appRoot.certificateId);
    const keys = await notary(lab, ['key', 'list']);
    expect(keys.stdout).toContain(appRoot.canonicalId);
    expect(keys.stdout).not.toContain(otherRoot.canonicalId);
    expect((await notary(lab, ['key', 'list'], { trustDir: otherTrustDir })).stdout).toContain(otherRoot.canonicalId);
    const inspect = await trustdesk(['inspect', app.gun], await freshConfig());
    expect(JSON.parse(inspect.stdout)[0].AdministrativeKeys[0].Keys.map((k: { ID: string }) => k.ID)).toEqual([appRoot.certificateId]);
  });

  it('globs: the longest match wins; canonical IDs pass, certificate IDs and other keys do not; unmatched names are not pinned', async () => {
    const reg = lab.registryHost;
    const cfg = await freshConfig();
    const pol = policy({
      mode: 'enforced',
      'trust-pinning': {
        'root-keys': {
          [`${reg}/lab/*`]: [otherRoot.canonicalId], // other passes; app would fail here…
          [`${reg}/lab/app`]: [appRoot.canonicalId], // …but the longer glob decides app
          [`${reg}/lab/oth?r-cert`]: [otherRoot.certificateId],
        },
      },
    });
    const r = await audit([`${app.gun}:v1`, `${other}:v1`, `127.0.0.1:1/elsewhere/x:v1`], pol, cfg);
    expect(row(r, `${app.gun}:v1`)).toMatchObject({ verdict: 'pass', reason: 'ok', pulls: true, pin: { kind: 'root-keys', glob: `${reg}/lab/app` } });
    expect(row(r, `${other}:v1`)).toMatchObject({ verdict: 'pass', reason: 'ok', pin: { glob: `${reg}/lab/*` } });
    expect(row(r, `127.0.0.1:1/elsewhere/x:v1`)).toMatchObject({ verdict: 'fail', pulls: false });

    // the shorter glob alone pins app to another root: refused
    const wrong = await audit(
      [`${app.gun}:v1`],
      policy({ mode: 'enforced', 'trust-pinning': { 'root-keys': { [`${reg}/lab/*`]: [otherRoot.canonicalId] } } }),
      cfg,
    );
    expect(row(wrong, `${app.gun}:v1`)).toMatchObject({ verdict: 'fail', reason: 'pinned-key-mismatch' });
    expect(row(wrong, `${app.gun}:v1`).detail).toContain(appRoot.canonicalId);
    // the certificate ID (what docker trust inspect shows) is not what the engine compares
    const cert = await audit(
      [`${app.gun}:v1`],
      policy({ mode: 'enforced', 'trust-pinning': { 'root-keys': { [app.gun]: [appRoot.certificateId] } } }),
      cfg,
    );
    expect(row(cert, `${app.gun}:v1`)).toMatchObject({ verdict: 'fail', reason: 'pinned-key-mismatch' });
    expect(row(cert, `${app.gun}:v1`).detail).toMatch(new RegExp(`root certificate's ID .*use ${appRoot.canonicalId}`));
    // no glob matches: not pinned (the root key is named so it can be pinned)
    const none = await audit(
      [`${app.gun}:v1`],
      policy({ mode: 'enforced', 'trust-pinning': { 'root-keys': { 'reg.example.com/*': [appRoot.canonicalId] } } }),
      cfg,
    );
    expect(row(none, `${app.gun}:v1`)).toMatchObject({ verdict: 'fail', reason: 'not-pinned' });
    expect(row(none, `${app.gun}:v1`).detail).toContain(appRoot.canonicalId);
  });

  it('modes: enforced refuses, permissive reports and pulls, disabled ignores the rest', async () => {
    const cfg = await freshConfig();
    const pins = { 'root-keys': { [`${lab.registryHost}/lab/*`]: [appRoot.canonicalId, otherRoot.canonicalId] } };
    const images = [`${app.gun}:v1`, `${app.gun}:v2`, `${plain}:v1`];
    const enforced = await audit(images, policy({ mode: 'enforced', 'trust-pinning': pins }), cfg);
    expect(enforced.images.map((i) => [i.verdict, i.reason])).toEqual([
      ['pass', 'ok'],
      ['fail', 'tag-not-signed'],
      ['fail', 'unsigned'],
    ]);
    expect(enforced.exitCode).toBe(1);
    const permissive = await audit(images, policy({ mode: 'permissive', 'trust-pinning': pins }), cfg);
    expect(permissive.images.map((i) => [i.verdict, i.reason, i.pulls])).toEqual([
      ['pass', 'ok', true],
      ['warn', 'tag-not-signed', true],
      ['warn', 'unsigned', true],
    ]);
    expect(permissive.exitCode).toBe(0);
    // disabled: even a nonsense pin and a dead server do not matter; nothing is contacted
    const disabled = await audit(images, policy({ mode: 'disabled', 'trust-pinning': { 'root-keys': { '*': ['0'.repeat(64)] } } }), cfg, {
      server: DEAD_SERVER,
    });
    expect(disabled.images.every((i) => i.verdict === 'off' && i.reason === 'trust-disabled' && i.pulls)).toBe(true);
    expect(disabled.exitCode).toBe(0);
  });

  it('expired metadata: accepted from the cache only with allow-expired-trust-cache and the server down', async () => {
    const cfg = await freshConfig();
    const pins = { 'root-keys': { [app.gun]: [appRoot.canonicalId] } };
    const img = `${app.gun}:v1`;
    // warm the cache (as the engine's would be)
    expect(row(await audit([img], policy({ mode: 'enforced', 'trust-pinning': pins }), cfg), img).reason).toBe('ok');
    const later = new Date(Date.now() + 30 * DAY); // past the timestamp's 14 days
    const down = { server: DEAD_SERVER };
    // server down, cache still valid: used
    expect(row(await audit([img], policy({ mode: 'enforced', 'trust-pinning': pins }), cfg, down), img)).toMatchObject({
      reason: 'ok',
      trustSource: 'cache',
      verdict: 'pass',
    });
    // server down, cache expired: refused unless allow-expired-trust-cache
    const refused = row(await audit([img], policy({ mode: 'enforced', 'trust-pinning': pins }), cfg, { ...down, now: later }), img);
    expect(refused).toMatchObject({ reason: 'expired', verdict: 'fail' });
    expect(refused.detail).toMatch(/unreachable and the cached trust data has expired since .*allow-expired-trust-cache is not set/);
    const allowed = row(
      await audit([img], policy({ mode: 'enforced', 'allow-expired-trust-cache': true, 'trust-pinning': pins }), cfg, { ...down, now: later }),
      img,
    );
    expect(allowed).toMatchObject({ reason: 'expired-cache-allowed', verdict: 'pass', pulls: true });
    expect(allowed.expiredSince!.map((e) => e.role)).toContain('timestamp');
    // server up but its data expired (the clock moved): allow-expired-trust-cache does not help
    const upExpired = row(
      await audit([img], policy({ mode: 'enforced', 'allow-expired-trust-cache': true, 'trust-pinning': pins }), cfg, { now: later }),
      img,
    );
    expect(upExpired).toMatchObject({ reason: 'expired', verdict: 'fail' });
    // server down and nothing cached: no trust server
    const cold = row(
      await audit([img], policy({ mode: 'enforced', 'allow-expired-trust-cache': true, 'trust-pinning': pins }), await freshConfig(), down),
      img,
    );
    expect(cold).toMatchObject({ reason: 'no-trust-server', verdict: 'fail' });
  });
});

describe('trustdesk audit of a Compose file', () => {
  it('signed, unsigned, mismatched and pinned-wrong images: the right verdicts and exit codes', async () => {
    const cfg = await freshConfig();
    const v1 = app.tags.v1!;
    const latest = app.tags.latest!;
    const compose = join(work, 'compose.yaml');
    writeFileSync(
      compose,
      `services:
  web:
    image: ${app.gun}:v1
  web-by-digest:
    image: ${app.gun}@${v1.signedDigest}
  web-repushed-digest:
    image: ${app.gun}@${latest.registryDigest}
  cache:
    image: ${app.gun}:latest
  api:
    image: ${app.gun}:\${API_TAG:-v2}
  worker:
    image: ${plain}:v1
  other:
    image: ${other}:v1
  local:
    build: .
`,
    );
    const daemon = join(work, 'daemon.json');
    const section = (mode: string) => ({
      'content-trust': {
        mode,
        'trust-pinning': {
          'root-keys': {
            [`${lab.registryHost}/lab/*`]: [appRoot.canonicalId],
            [other]: [otherRoot.certificateId], // the ID docker trust inspect shows: wrong
          },
        },
      },
    });
    writeFileSync(daemon, JSON.stringify({ debug: false, ...section('enforced') }));
    const r = await trustdesk(['audit', '--policy', daemon, '--json', compose], cfg);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as AuditReport & { ok: boolean };
    const verdicts = Object.fromEntries(rep.images.map((i) => [i.locations[0]!.replace(/^.* services\./, ''), `${i.verdict} ${i.reason}`]));
    expect(verdicts).toEqual({
      web: 'pass ok',
      'web-by-digest': 'pass ok',
      'web-repushed-digest': 'fail digest-mismatch',
      cache: 'fail digest-mismatch',
      api: 'fail tag-not-signed',
      worker: 'fail unsigned',
      other: 'fail pinned-key-mismatch',
    });
    expect(rep).toMatchObject({ ok: false, exitCode: 1, mode: 'enforced', summary: { images: 7, pass: 2, fail: 5 } });
    // the text report: a table and a summary
    const text = await trustdesk(['audit', '--policy', daemon, compose], cfg);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/REFUSED +\S+other:v1 +pinned-key-mismatch/);
    expect(text.stdout).toMatch(/7 images \(policy .*, mode enforced\): 2 pull, 5 refused/);
    // API_TAG set: the signed tag
    const withVar = await trustdesk(['audit', '--policy', daemon, '--json', compose], cfg, { API_TAG: 'v1' });
    expect(JSON.parse(withVar.stdout).images.filter((i: ImageAudit) => i.image === `${app.gun}:v1`)[0].locations).toHaveLength(2);

    // permissive: the same findings, exit 0
    writeFileSync(daemon, JSON.stringify(section('permissive')));
    const p = await trustdesk(['audit', '--policy', daemon, '--json', compose], cfg);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).summary).toMatchObject({ pass: 2, warn: 5, fail: 0 });
    // disabled: exit 0, nothing checked
    writeFileSync(daemon, JSON.stringify(section('disabled')));
    expect((await trustdesk(['audit', '--policy', daemon, compose], cfg)).code).toBe(0);
    // an invalid policy: exit 2, every problem named
    writeFileSync(daemon, JSON.stringify({ 'content-trust': { mode: 'strict', 'trust-pinning': { 'root-keys': { 'x/Y': ['abc'] } } } }));
    const bad = await trustdesk(['audit', '--policy', daemon, compose], cfg);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mode must be one of/);
    expect(bad.stderr).toMatch(/bad glob "x\/Y"/);
    // usage
    expect((await trustdesk(['audit'], cfg)).code).toBe(2);
    // --offline: the warm cache alone, the registry not read (a mismatch cannot be seen, a missing signature can)
    const offline = await trustdesk(
      ['audit', '--offline', '--policy', daemon.replace(/daemon.json$/, 'daemon-enforced.json'), '--json', compose],
      cfg,
    );
    expect(offline.code).toBe(2); // that file does not exist: usage
    writeFileSync(join(work, 'daemon-enforced.json'), JSON.stringify(section('enforced')));
    const off = await trustdesk(['audit', '--offline', '--policy', join(work, 'daemon-enforced.json'), '--json', compose], cfg);
    const offVerdicts = Object.fromEntries(
      (JSON.parse(off.stdout) as AuditReport).images.map((i) => [i.locations[0]!.replace(/^.* services\./, ''), i.reason]),
    );
    expect(offVerdicts).toMatchObject({ web: 'ok', cache: 'ok', api: 'tag-not-signed', worker: 'unsigned', other: 'pinned-key-mismatch' });
    // no policy: trust on first use, as DOCKER_CONTENT_TRUST=1; a plain argument
    const tofu = await trustdesk(['audit', `${app.gun}:v1`], cfg);
    expect(tofu.code).toBe(0);
    expect(tofu.stdout).toMatch(/PULLS +\S+app:v1 +ok/);
  });
});

describe('CI signer set-up', () => {
  it('the wizard makes a CI key and signer; it signs with notary and with trustdesk sign; docker trust inspect shows it; no root key in the bundle', async () => {
    const outDir = join(work, 'ci-bundle');
    // a repository the wizard initialises (docker-style: the server keeps the snapshot key, so a
    // delegate can publish alone)
    const repo = gunFor(lab, 'cirepo');
    await pushTag(lab, 'cirepo', 'v1');
    const ctx = new TrustContext({ env: { ...process.env, ...lab.env }, configDir: lab.dockerConfigDir });
    let r: CiSignerResult;
    try {
      r = await setUpCiSigner(ctx, { name: 'ci', repositories: [repo], outDir, trustServer: lab.notaryUrl });
    } finally {
      ctx.close();
    }
    expect(r.repositories).toEqual([expect.objectContaining({ repository: repo, result: expect.objectContaining({ published: true }) })]);
    expect(r.warnings).toEqual([]);
    expect(readdirSync(outDir).sort()).toEqual(['README.txt', 'ci.key', 'ci.pub', 'github-actions.yml', 'gitlab-ci.yml']);
    const keyText = readFileSync(r.files.key, 'utf8');
    expect(keyText).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(keyText).toContain(`path: ${r.keyId}`);
    expect(keyText).not.toMatch(/role: root/);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.key'))).toEqual(['ci.key']); // one private key: the CI's
    // the CI key did not stay in the admin's trust dir
    expect(existsSync(join(lab.trustDir, 'private', `${r.keyId}.key`))).toBe(false);
    const gha = readFileSync(r.files.githubActions, 'utf8');
    expect(gha).toContain('${{ secrets.TRUSTDESK_CI_SIGNER_PASSPHRASE }}');
    expect(gha).toContain('DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE');
    expect(gha).toMatch(/trustdesk sign "\$IMAGE:\$TAG"/);
    expect(readFileSync(r.files.gitlabCi, 'utf8')).toMatch(/trustdesk key load "\$TRUSTDESK_CI_SIGNER_KEY" --name ci/);
    expect(readFileSync(r.files.readme, 'utf8')).toContain(`trustdesk signer remove ci ${repo}`);
    expect(JSON.stringify(r)).not.toMatch(/PRIVATE KEY|passphrase-/i);

    // CI with notary: import the bundle's key into an empty trust dir and sign a new tag
    const ci1 = await pushTag(lab, 'cirepo', 'ci1');
    const notaryDir = mkdtempSync(join(tmpdir(), 'trustdesk-ci-notary-'));
    await notary(lab, ['key', 'import', r.files.key], { trustDir: notaryDir });
    await notary(lab, ['add', '-p', repo, 'ci1', ci1.file, '--roles', 'targets/releases', '--roles', 'targets/ci'], {
      trustDir: notaryDir,
      env: { NOTARY_DELEGATION_PASSPHRASE: LAB_PASSPHRASE },
    });

    // CI with trustdesk: as the snippet does it (key load, then sign), in a fresh docker config
    await pushTag(lab, 'cirepo', 'ci2');
    const ciCfg = await freshConfig();
    const env = { DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: LAB_PASSPHRASE };
    expect((await trustdesk(['key', 'load', r.files.key, '--name', 'ci'], ciCfg, env)).code).toBe(0);
    const signed = await trustdesk(['sign', `${repo}:ci2`], ciCfg, env);
    expect(signed.code, signed.stderr).toBe(0);

    // docker sees the CI signer and its signatures
    const inspect = await dockerTrust(lab, ['inspect', repo], { env: { DOCKER_CONFIG: await freshConfig() } });
    const info = JSON.parse(inspect.stdout)[0];
    expect(info.Signers.map((s: { Name: string }) => s.Name)).toContain('ci');
    const byTag = Object.fromEntries(info.SignedTags.map((t: { SignedTag: string; Signers: string[] }) => [t.SignedTag, t.Signers]));
    expect(byTag.ci1).toEqual(['ci']);
    expect(byTag.ci2).toEqual(['ci']);
    expect(byTag.v1).toBeUndefined(); // nothing else was signed
  });

  it('a repository whose snapshot key stays on the admin machine (notary init): the wizard warns the CI could not publish alone', async () => {
    const ctx = new TrustContext({ env: { ...process.env, ...lab.env }, configDir: lab.dockerConfigDir });
    try {
      const r = await setUpCiSigner(ctx, { name: 'cilocal', repositories: [app.gun], outDir: join(work, 'ci-bundle-local') });
      expect(r.warnings).toEqual([expect.stringContaining(`trustdesk key rotate ${app.gun} snapshot --server-managed`)]);
    } finally {
      ctx.close();
    }
  });
});

describe('the app channels on the lab (handler registry)', () => {
  it('audit:run, audit:pin-root and ci:setup with the dialog passphrases: nothing secret comes back', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/PASSPHRASE|DOCKER_CONTENT_TRUST/.test(k))) as Record<string, string>;
    const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-enf-settings-')));
    await settings.update({
      dockerConfigDir: lab.dockerConfigDir,
      trustServers: { [lab.registryHost]: lab.notaryUrl },
      caFiles: { [lab.registryHost]: lab.caFile },
    });
    const handlers = createHandlers({ settings, version: '0.0.0-test', openExternal: async () => undefined, env });
    const CI_PASS = 'ci-dialog-passphrase-7';
    const invoke = async <T>(channel: string, payload: unknown): Promise<T> => {
      const r = (await handlers.invoke(channel, payload)) as { ok: boolean; value?: T; error?: { code: string; message: string } };
      if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
      const text = JSON.stringify(r.value);
      expect(text).not.toMatch(/PRIVATE KEY/);
      expect(text).not.toContain(CI_PASS);
      expect(text).not.toContain(LAB_PASSPHRASE);
      return r.value as T;
    };
    const sources = [{ name: 'images.txt', text: `${app.gun}:v1\n${app.gun}:v2\n` }];
    const policyText = JSON.stringify({ 'content-trust': { mode: 'enforced' } });
    const run = await invoke<{ report: AuditReport }>('audit:run', { sources, policy: policyText });
    expect(run.report.images.map((i) => i.reason)).toEqual(['not-pinned', 'not-pinned']);
    const pinned = await invoke<{ policyText: string; changes: { image: string; from: string; to: string }[] }>('audit:pin-root', {
      sources,
      policy: policyText,
      gun: app.gun,
      keyIds: [appRoot.canonicalId],
    });
    expect(JSON.parse(pinned.policyText)['content-trust']['trust-pinning']['root-keys']).toEqual({ [app.gun]: [appRoot.canonicalId] });
    expect(pinned.changes).toEqual([
      { image: `${app.gun}:v1`, from: 'fail not-pinned', to: 'pass ok' },
      { image: `${app.gun}:v2`, from: 'fail not-pinned', to: 'fail tag-not-signed' },
    ]);

    // the CI set-up: the admin's key opened with the dialog's passphrase, the CI key made with another
    const repo = gunFor(lab, 'cirepo');
    const outDir = join(work, 'ci-bundle-app');
    const r = await invoke<{
      keyId: string;
      repositories: { repository: string; added: boolean }[];
      files: { key: string };
      ciVariables: { name: string }[];
      revoke: string[];
      githubActions: string;
    }>('ci:setup', { signer: 'appci', repositories: [repo], outDir, passphrases: { unlock: LAB_PASSPHRASE, new: CI_PASS } });
    expect(r.repositories).toEqual([{ repository: repo, added: true }]);
    expect(r.ciVariables.map((v) => v.name)).toEqual(['TRUSTDESK_CI_SIGNER_KEY', 'TRUSTDESK_CI_SIGNER_PASSPHRASE']);
    expect(r.revoke[0]).toBe(`trustdesk signer remove appci ${repo}`);
    expect(r.githubActions).toContain(lab.notaryUrl);
    // the bundle's key opens with the passphrase typed for it, and signs
    const ci3 = await pushTag(lab, 'cirepo', 'ci3');
    const notaryDir = mkdtempSync(join(tmpdir(), 'trustdesk-ci-notary-app-'));
    await notary(lab, ['key', 'import', r.files.key], { trustDir: notaryDir, env: { NOTARY_DELEGATION_PASSPHRASE: CI_PASS } });
    await notary(lab, ['add', '-p', repo, 'ci3', ci3.file, '--roles', 'targets/releases', '--roles', 'targets/appci'], {
      trustDir: notaryDir,
      env: { NOTARY_DELEGATION_PASSPHRASE: CI_PASS },
    });
    const info = JSON.parse((await dockerTrust(lab, ['inspect', repo], { env: { DOCKER_CONFIG: await freshConfig() } })).stdout)[0];
    expect(info.SignedTags.find((t: { SignedTag: string }) => t.SignedTag === 'ci3').Signers).toEqual(['appci']);
  });
});

describe('trustdesk ci-signer', () => {
  it('makes the CI signer with paths from the command line; usage errors exit 2', async () => {
    const repo = gunFor(lab, 'cirepo');
    const out = join(work, 'ci-bundle-cli');
    const r = await trustdesk(['ci-signer', 'clici', '--repo', repo, '--path', 'release-', '--out', out, '--json'], lab.dockerConfigDir, lab.env);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as CiSignerResult;
    expect(res.repositories[0]).toMatchObject({ repository: repo });
    expect(readFileSync(res.files.readme, 'utf8')).toContain('Only tags starting with: release-');
    expect(r.stdout).not.toMatch(/PRIVATE KEY/);
    const status = await trustdesk(['signer', 'status', 'clici', repo, '--json'], await freshConfig());
    expect(status.stdout).toContain('release-');
    expect((await trustdesk(['ci-signer', 'x', '--out', out], lab.dockerConfigDir)).code).toBe(2);
    expect((await trustdesk(['ci-signer', 'x', '--repo', repo], lab.dockerConfigDir)).code).toBe(2);
  });
});
