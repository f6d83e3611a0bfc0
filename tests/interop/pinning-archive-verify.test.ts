/**
 * Issue 9 on the real lab (notary-server + registry, trust data made by the real notary and docker
 * CLIs): trust pinning (certs pin, root rotation without updating the pin, CA pin, disable_tofu),
 * the CI gate's exit codes, and trust archives verified after the servers are stopped.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startLab,
  buildApp,
  gunFor,
  notary,
  pushTag,
  runCommand,
  writeDockerConfig,
  LAB_PASSPHRASE,
  type Lab,
  type ScenarioDescriptor,
} from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

let lab: Lab;
let app: ScenarioDescriptor;
let pinrot: string; // GUN whose root is rotated after pinning
let pinca: string; // GUN whose root certificate is issued by a CA
let pincaCodeSigning: string; // same CA, leaf restricted to code signing (as notary makes them)
let caDir: string;
let work: string;

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-pin-cfg-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

async function trustdesk(args: string[], cfg: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
  const r = await runCommand(lab, process.execPath, [...nodeArgs, BIN, ...args], {
    env: { DOCKER_CONFIG: cfg, DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl, TRUSTDESK_PINS: join(cfg, 'pins.json'), ...env },
    check: false,
    timeoutMs: 30_000,
  });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).not.toMatch(/internal error/);
  return r;
}

function json(stdout: string) {
  return JSON.parse(stdout) as {
    ok: boolean;
    exitCode: number;
    results: {
      outcome: string;
      error?: { code: string; message: string };
      tags: { tag: string; ok: boolean; verdict: string; problem?: string }[];
      pin?: { kind: string };
      source?: string;
      verifiedAt?: string;
    }[];
  };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: caDir, stdio: 'pipe' });
}

/** The CA (and an unrelated one) for the CA pin tests. */
function makeCas(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-subj',
    '/CN=TrustDesk Lab Pin CA',
    '-days',
    '400',
    '-out',
    'ca.crt',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'other.key',
    '-subj',
    '/CN=Some Other CA',
    '-days',
    '400',
    '-out',
    'other.crt',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
}

/** A root key and certificate for `gun` issued by the CA, for `notary init --rootkey --rootcert`. */
function makeCaRoot(gun: string, name: string, eku?: string): { key: string; cert: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-new', ...ec, '-keyout', `${name}.key`, '-subj', `/CN=${gun.replaceAll('/', '\\/')}`, '-out', `${name}.csr`]);
  writeFileSync(
    join(caDir, `${name}.ext`),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n${eku ? `extendedKeyUsage=${eku}\n` : ''}`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-set_serial',
    `0x5eed${Date.now().toString(16)}`,
    '-days',
    '365',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
  // notary imports only encrypted root keys (PKCS#8, PBES2 with PBKDF2-HMAC-SHA1, AES-256-CBC)
  openssl([
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-v2prf',
    'hmacWithSHA1',
    '-in',
    `${name}.key`,
    '-out',
    `${name}.enc.key`,
    '-passout',
    `pass:${LAB_PASSPHRASE}`,
  ]);
  return { key: join(caDir, `${name}.enc.key`), cert: join(caDir, `${name}.crt`) };
}

async function initCaRepository(name: string, eku?: string): Promise<string> {
  const gun = gunFor(lab, name);
  const root = makeCaRoot(gun, name, eku);
  const img = await pushTag(lab, name, 'v1');
  await notary(lab, ['init', '-p', gun, '--rootkey', root.key, '--rootcert', root.cert]);
  await notary(lab, ['add', '-p', gun, 'v1', img.file]);
  return gun;
}

function notaryConfig(name: string, trustPinning: unknown): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify({ trust_dir: '~/.notary', trust_pinning: trustPinning }, null, 2));
  return file;
}

/** The real notary client's first-use decision under a pin config: true if it trusts the root. */
async function notaryTrusts(config: string, gun: string): Promise<boolean> {
  const r = await notary(lab, ['-c', config, 'list', gun], { trustDir: mkdtempSync(join(tmpdir(), 'trustdesk-notary-td-')), check: false });
  if (r.code !== 0) expect(r.stdout + r.stderr).toMatch(/could not validate the path to a trusted root/);
  return r.code === 0;
}

async function rootKeyIds(gun: string): Promise<string[]> {
  const r = await trustdesk(['inspect', gun], await freshConfig());
  return JSON.parse(r.stdout)[0].AdministrativeKeys[0].Keys.map((k: { ID: string }) => k.ID);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  work = mkdtempSync(join(tmpdir(), 'trustdesk-issue9-'));
  caDir = mkdtempSync(join(tmpdir(), 'trustdesk-pinca-'));
  app = await buildApp(lab);
  pinrot = gunFor(lab, 'pinrot');
  const v1 = await pushTag(lab, 'pinrot', 'v1');
  await notary(lab, ['init', '-p', pinrot]);
  await notary(lab, ['add', '-p', pinrot, 'v1', v1.file]);
  makeCas();
  // No extended key usage: notary checks CA pins with Go's x509.Verify (server auth), which refuses
  // a codeSigning-only leaf such as notary itself makes; the second repository shows that.
  pinca = await initCaRepository('pinca');
  pincaCodeSigning = await initCaRepository('pinca-codesigning', 'codeSigning');
}, 180_000);

afterAll(async () => {
  await lab?.stop();
});

describe('CI gate: trustdesk verify exit codes on the real lab', () => {
  it('signed: 0; unsigned: 1; digest mismatch: 1; not signed by --signer: 1', async () => {
    const cfg = await freshConfig();
    const ok = await trustdesk(['verify', '--json', `${app.gun}:v1`], cfg);
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({
      ok: true,
      exitCode: 0,
      results: [{ outcome: 'ok', tags: [{ tag: 'v1', ok: true, verdict: 'signed' }] }],
    });

    const unsigned = await trustdesk(['verify', `${app.gun}:v2`], cfg);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toMatch(/FAILED .*:v2\n {2}FAIL {2}v2 .*not signed/);

    const mismatch = await trustdesk(['verify', '--json', `${app.gun}:latest`], cfg);
    expect(mismatch.code).toBe(1);
    expect(json(mismatch.stdout).results[0]!.tags[0]).toMatchObject({ verdict: 'digest-mismatch', ok: false });
    expect(json(mismatch.stdout).results[0]!.tags[0]!.problem).toMatch(/the registry serves sha256:[0-9a-f]{64}, the signature is for sha256:/);

    const signer = await trustdesk(['verify', '--signer', 'alice', `${app.gun}:v1`], cfg);
    expect(signer.code).toBe(1);
    expect(signer.stdout).toMatch(/not signed by alice \(signed by Repo Admin\)/);

    // several names: the highest code; the whole repository: latest mismatches (unpushed, signed but
    // not in the registry, is reported, not failed)
    expect((await trustdesk(['verify', `${app.gun}:v1`, `${app.gun}:v2`], cfg)).code).toBe(1);
    const whole = await trustdesk(['verify', '--json', app.gun], cfg);
    expect(whole.code).toBe(1);
    expect(
      json(whole.stdout)
        .results[0]!.tags.filter((t) => !t.ok)
        .map((t) => t.tag)
        .sort(),
    ).toEqual(['latest']);
    expect((await trustdesk(['verify', `${app.gun}:unpushed`], cfg)).code).toBe(1);
    // by digest: the digest itself must be signed (the registry is not consulted)
    const latest = app.tags.latest!;
    expect((await trustdesk(['verify', `${app.gun}@${app.tags.v1!.signedDigest}`], cfg)).code).toBe(0);
    expect((await trustdesk(['verify', `${app.gun}:latest@${latest.signedDigest}`], cfg)).code).toBe(0);
    const repushed = await trustdesk(['verify', `${app.gun}:latest@${latest.registryDigest}`], cfg);
    expect(repushed.code).toBe(1);
    expect(repushed.stdout).toContain(`${latest.registryDigest} is not signed as latest`);
    expect((await trustdesk(['verify', `${app.gun}:v1@${latest.signedDigest}`], cfg)).code).toBe(1);
    const required = await trustdesk(['verify', '--json', '--require-signed', app.gun], cfg);
    expect(
      json(required.stdout)
        .results[0]!.tags.filter((t) => !t.ok)
        .map((t) => t.tag)
        .sort(),
    ).toEqual(['latest', 'revoked', 'v2']);
  });

  it('unreachable trust server: 4; unreachable registry: 4; usage: 2', async () => {
    const cfg = await freshConfig();
    const r = await trustdesk(['verify', '--json', `${app.gun}:v1`], cfg, { DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:9' });
    expect(r.code).toBe(4);
    expect(json(r.stdout).results[0]).toMatchObject({ outcome: 'unreachable', error: { code: 'NETWORK_UNREACHABLE' } });
    const reg = await trustdesk(['verify', '127.0.0.1:9/lab/app:v1'], cfg);
    expect(reg.code).toBe(4);
    expect(reg.stderr).toMatch(/NETWORK_UNREACHABLE/);
    expect((await trustdesk(['verify'], cfg)).code).toBe(2);
    expect((await trustdesk(['verify', '--frob', app.gun], cfg)).code).toBe(2);
  });
});

describe('trust pinning on the real lab', () => {
  let cfg: string;
  let oldIds: string[];

  it('pin the current root, verify pinned; a pin naming another key is refused on first use (exit 3, both IDs named)', async () => {
    cfg = await freshConfig();
    const add = await trustdesk(['pin', 'add', pinrot], cfg);
    expect(add.code).toBe(0);
    oldIds = await rootKeyIds(pinrot);
    expect(add.stdout).toContain(`pinned ${pinrot} to root v1 key ${oldIds.join(', ')}`);
    const pins = JSON.parse(readFileSync(join(cfg, 'pins.json'), 'utf8'));
    expect(pins.trust_pinning.certs[pinrot]).toEqual(oldIds);
    const ok = await trustdesk(['verify', '--json', `${pinrot}:v1`], cfg);
    expect(ok.code).toBe(0);
    expect(json(ok.stdout).results[0]!.pin).toMatchObject({ kind: 'certs' });
    const list = await trustdesk(['pin', 'list', '--json'], cfg);
    expect(JSON.parse(list.stdout).repositories).toEqual(
      expect.arrayContaining([expect.objectContaining({ gun: pinrot, kind: 'certs', certIds: oldIds })]),
    );

    const wrongId = 'ab'.repeat(32);
    const conf = notaryConfig('wrong-pin.json', { certs: { [pinrot]: [wrongId] } });
    const refused = await trustdesk(['verify', '--trust-pinning', conf, `${pinrot}:v1`], await freshConfig());
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('TRUST_PIN_MISMATCH');
    expect(refused.stderr).toContain(`expected root key ID ${wrongId}, found ${oldIds.join(', ')}`);
    // notary agrees on first use: refuses the wrong ID, trusts the pinned one
    expect(await notaryTrusts(conf, pinrot)).toBe(false);
    expect(await notaryTrusts(notaryConfig('right-pin.json', { certs: { [pinrot]: oldIds } }), pinrot)).toBe(true);
  });

  it('rotate the root with notary, keep the old pin: refused (cached and first use), also by inspect; re-pinning accepts it', async () => {
    const rot = await notary(lab, ['key', 'rotate', pinrot, 'root'], { stdin: 'yes\n' });
    expect(rot.stdout + rot.stderr).toMatch(/Successfully rotated root key/);
    const newIds = await rootKeyIds(pinrot);
    expect(newIds).not.toEqual(oldIds);
    // the cached root v1 matched the pin; the rotation to v2 is refused (notary would accept it)
    const cached = await trustdesk(['verify', `${pinrot}:v1`], cfg);
    expect(cached.code).toBe(3);
    expect(cached.stderr).toContain('TRUST_PIN_MISMATCH');
    expect(cached.stderr).toContain(`root version 2 of ${pinrot} does not match its pin`);
    expect(cached.stderr).toContain(`expected root key ID ${oldIds.join(' or ')}, found ${newIds.join(', ')}`);
    const first = await freshConfig();
    writeFileSync(join(first, 'pins.json'), readFileSync(join(cfg, 'pins.json')));
    expect((await trustdesk(['verify', `${pinrot}:v1`], first)).code).toBe(3);
    const inspect = await trustdesk(['inspect', pinrot], cfg);
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/cause: TRUST_PIN_MISMATCH/);
    // pin add applies the existing pin, so it refuses too; remove then add re-pins deliberately
    expect((await trustdesk(['pin', 'add', pinrot], cfg)).code).toBe(3);
    expect((await trustdesk(['pin', 'remove', pinrot], cfg)).code).toBe(0);
    expect((await trustdesk(['pin', 'add', pinrot], cfg)).stdout).toContain(`to root v2 key ${newIds.join(', ')}`);
    expect((await trustdesk(['verify', `${pinrot}:v1`], cfg)).code).toBe(0);
  });

  it('a CA pin: the CA-issued root verifies; pinned to another CA it is refused naming the CA', async () => {
    const good = notaryConfig('ca-pin.json', { ca: { [`${lab.registryHost}/lab/`]: join(caDir, 'ca.crt') } });
    const ok = await trustdesk(['verify', '--json', '--trust-pinning', good, `${pinca}:v1`], await freshConfig());
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok.stdout).results[0]!.pin).toMatchObject({ kind: 'ca' });
    const bad = notaryConfig('other-ca-pin.json', { ca: { [`${lab.registryHost}/lab/pinca`]: join(caDir, 'other.crt') } });
    const refused = await trustdesk(['verify', '--trust-pinning', bad, `${pinca}:v1`], await freshConfig());
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/TRUST_PIN_MISMATCH: .*does not chain to the CA pinned .*expected a certificate issued by CN=Some Other CA/);
    expect(refused.stderr).toMatch(/issuer CN=TrustDesk Lab Pin CA/);
    // the real notary client decides the same on first use
    expect(await notaryTrusts(good, pinca)).toBe(true);
    expect(await notaryTrusts(bad, pinca)).toBe(false);
    // a leaf restricted to code signing: refused by notary's CA pin, and so by TrustDesk's
    expect(await notaryTrusts(good, pincaCodeSigning)).toBe(false);
    const cs = await trustdesk(['verify', '--trust-pinning', good, `${pincaCodeSigning}:v1`], await freshConfig());
    expect(cs.code).toBe(3);
    expect(cs.stderr).toMatch(/TRUST_PIN_MISMATCH: .*extended key usage excludes server auth/);
    // the app repository (self-signed notary root) under the same CA prefix is refused too
    expect((await trustdesk(['verify', '--trust-pinning', good, `${app.gun}:v1`], await freshConfig())).code).toBe(3);
  });

  it('disable_tofu refuses an unpinned repository with ROOT_NOT_PINNED (exit 3)', async () => {
    const conf = notaryConfig('no-tofu.json', { disable_tofu: true });
    const r = await trustdesk(['verify', '--trust-pinning', conf, `${app.gun}:v1`], await freshConfig());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ROOT_NOT_PINNED');
    expect(await notaryTrusts(conf, app.gun)).toBe(false);
    // pinned beforehand with the ID the owner gave (no network), the same repository is trusted
    const cfg = await freshConfig();
    const ids = await rootKeyIds(app.gun);
    expect((await trustdesk(['pin', 'add', app.gun, '--id', 'not-an-id'], cfg)).code).toBe(2);
    expect((await trustdesk(['pin', 'add', app.gun, '--id', ids[0]!.toUpperCase()], cfg)).stdout).toContain(
      `pinned ${app.gun} to root key ${ids[0]}`,
    );
    const ok = await trustdesk(['verify', '--json', '--trust-pinning', conf, `${app.gun}:v1`], cfg);
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok.stdout).results[0]!.pin).toMatchObject({ kind: 'certs' });
  });
});

describe('trust archive: archive, stop the servers, verify with no server', () => {
  let archive: string;
  let cfg: string;
  let onlineInspect: { stdout: string; pretty: string };

  it('archives two repositories with the whole root chain and registry digests', async () => {
    cfg = await freshConfig();
    writeFileSync(join(cfg, 'pins.json'), '{}');
    archive = join(work, 'trust.tdarchive');
    const r = await trustdesk(['archive', app.gun, pinrot, '-o', archive], cfg);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`archived ${pinrot}: root v1..v2`);
    const list = JSON.parse((await trustdesk(['archive', '--list', archive, '--json'], cfg)).stdout);
    expect(list.repositories.map((x: { gun: string; rootVersion: number }) => [x.gun, x.rootVersion])).toEqual([
      [app.gun, 1],
      [pinrot, 2],
    ]);
    expect(list.repositories[0].registryTags).toBe(4); // v1, latest, revoked, v2 (unpushed was never pushed)
    const sigOnly = await trustdesk(['archive', '--skip-registry', app.gun, '-o', join(work, 'signatures-only.tdarchive')], cfg);
    expect(sigOnly.stdout).toContain('no registry digests');
    expect((await trustdesk(['archive', app.gun, '-o', work], cfg)).code).toBe(2); // a directory: cannot write
    expect((await trustdesk(['archive', `${app.gun}:v1`, '-o', archive], cfg)).code).toBe(2);
    onlineInspect = {
      stdout: (await trustdesk(['inspect', app.gun, pinrot], cfg)).stdout,
      pretty: (await trustdesk(['inspect', '--pretty', app.gun], cfg)).stdout,
    };
  });

  it('with the servers stopped: the archive verifies as online would, the online gate says unreachable (4)', async () => {
    await lab.stop();
    const ok = await trustdesk(['verify', '--archive', archive, `${app.gun}:v1`, `${pinrot}:v1`], cfg);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK {2}.*:v1 {2}\(from the archive\)\n {2}ok {4}v1 {2}[0-9a-f]{12} {2}signed by Repo Admin\n {2}valid as of \d{4}-/);
    const mismatch = await trustdesk(['verify', '--json', '--archive', archive, `${app.gun}:latest`], cfg);
    expect(mismatch.code).toBe(1);
    expect(json(mismatch.stdout).results[0]).toMatchObject({ source: 'archive', tags: [{ verdict: 'digest-mismatch' }] });
    expect((await trustdesk(['verify', '--archive', archive], cfg)).code).toBe(1); // app has a mismatch
    expect((await trustdesk(['verify', '--archive', archive, 'r.example/none:v1'], cfg)).code).toBe(3);
    // signatures only: digests are not compared, so the re-pushed latest passes on its signature
    const sigOnly = await trustdesk(['verify', '--archive', join(work, 'signatures-only.tdarchive'), `${app.gun}:latest`], cfg);
    expect(sigOnly.code).toBe(0);
    expect(sigOnly.stdout).toContain('warning: the archive holds no registry digests: signatures only');
    // the offline inspector over the archive: inspect prints what it printed online, status the verdicts
    const nowhere = { DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:9' };
    expect((await trustdesk(['inspect', '--archive', archive, app.gun, pinrot], cfg, nowhere)).stdout).toBe(onlineInspect.stdout);
    expect((await trustdesk(['inspect', '--pretty', '--archive', archive, app.gun], cfg, nowhere)).stdout).toBe(onlineInspect.pretty);
    const st = await trustdesk(['status', '--json', '--archive', archive, app.gun], cfg, nowhere);
    expect(st.code).toBe(0);
    const [appStatus] = JSON.parse(st.stdout);
    expect(appStatus.counts).toEqual({ signed: 1, unsigned: 2, 'digest-mismatch': 1, 'signed-not-in-registry': 1 });
    expect(appStatus.archive.archivedAt).toBe(appStatus.verifiedAt);
    expect(appStatus.expiredSince).toEqual([]);
    const stText = await trustdesk(['status', '--archive', archive], cfg, nowhere);
    expect(stText.stdout).toMatch(/trust data from the archive .*, archived at \S+\n {2}valid as of /);
    // online: the server is gone, only the cache is left: not a pass
    const online = await trustdesk(['verify', `${app.gun}:v1`], cfg);
    expect(online.code).toBe(4);
    // offline inspector: the trust cache, as of when it was written
    const offline = await trustdesk(['verify', '--offline', `${app.gun}:v1`], cfg);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/\(from the trust cache\)[\s\S]*valid as of /);
    const status = await trustdesk(['status', '--offline', app.gun], cfg);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/cached as of .*\n {2}valid as of /);
    // a trust directory given directly (as if copied from another machine)
    const copied = await trustdesk(
      ['verify', '--offline', '--trust-dir', join(cfg, 'trust'), `${app.gun}:v1`],
      mkdtempSync(join(tmpdir(), 'trustdesk-empty-')),
    );
    expect(copied.code).toBe(0);
  });

  it('verified in 2030 (the CLI process clock moved): valid as of the archive time, and what has expired since', async () => {
    const clock = join(work, 'clock-2030.mjs');
    writeFileSync(
      clock,
      `const Real = Date; const offset = Real.parse('2030-06-01T00:00:00Z') - Real.now();
class FakeDate extends Real { constructor(...a) { if (a.length === 0) super(Real.now() + offset); else super(...a); } static now() { return Real.now() + offset; } }
globalThis.Date = FakeDate;\n`,
    );
    const later = ['--import', `file://${clock}`];
    const r = await trustdesk(['verify', '--json', '--archive', archive, `${app.gun}:v1`], cfg, {}, later);
    expect(r.code, r.stderr).toBe(0);
    const res = json(r.stdout).results[0]! as unknown as { verifiedAt: string; expiredSince: { role: string; expires: string }[] };
    expect(new Date(res.verifiedAt).getFullYear()).toBe(new Date().getFullYear());
    expect(res.expiredSince.map((e) => e.role).sort()).toEqual(['snapshot', 'targets', 'timestamp']); // root: 10 years
    const text = await trustdesk(['verify', '--archive', archive, `${app.gun}:v1`], cfg, {}, later);
    expect(text.stdout).toMatch(new RegExp(`valid as of ${res.verifiedAt.replace(/[.]/g, '\\.')}\n {2}expired since: timestamp on \\d{4}-`));
    // the cache, offline, in 2030: as of when it was written, also with what expired since
    const offline = await trustdesk(['status', '--offline', app.gun], cfg, {}, later);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/valid as of [\s\S]*expired since: timestamp on /);
    expect(offline.stdout).toMatch(/EXPIRED \d+d ago/);
  });

  it('one corrupted byte anywhere: refused with ARCHIVE_INVALID (exit 3)', async () => {
    const bytes = readFileSync(archive);
    for (const pos of [10, Math.floor(bytes.length / 2), bytes.length - 3]) {
      const bad = Buffer.from(bytes);
      bad[pos] = bad[pos]! ^ 0x01;
      const file = join(work, `bad-${pos}.tdarchive`);
      writeFileSync(file, bad);
      const r = await trustdesk(['verify', '--json', '--archive', file, `${app.gun}:v1`], cfg);
      expect(r.code, `byte ${pos}`).toBe(3);
      expect(r.stderr).toMatch(/ARCHIVE_INVALID: trust archive .* is corrupt or altered/);
    }
  });

  it('pins apply to archives too: the archived rotated root against the old pin is refused', async () => {
    const conf = notaryConfig('old-pin.json', { certs: { [pinrot]: ['cd'.repeat(32)] } });
    const r = await trustdesk(['verify', '--trust-pinning', conf, '--archive', archive, `${pinrot}:v1`], cfg);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('TRUST_PIN_MISMATCH');
  });
});
