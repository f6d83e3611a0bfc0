/**
 * Corporate proxies on the real lab: a real tinyproxy in front of the real notary-server and
 * docker-registry. docker's rules never proxy localhost or a loopback IP, so the servers are reached by
 * names (`notary.trustdesk.test`, `registry.trustdesk.test`) that resolve to 127.0.0.1 only inside
 * this test: every process that must resolve them (the trustdesk CLI, tinyproxy, docker) runs under
 * `unshare -m` with a private /etc/hosts bind-mounted over the real one. The server certificate carries
 * those names (lab/tls.ts extraNames), issued by the lab CA. Nothing listens on or connects to a
 * non-loopback address.
 *
 * With HTTPS_PROXY set: sign, inspect, status and audit work and tinyproxy's log shows a CONNECT to
 * each server they use; NO_PROXY for the trust server sends it direct; a proxy that refuses CONNECT
 * (tinyproxy ConnectPort), wants other credentials (BasicAuth) or is stopped gives a clear
 * NETWORK_UNREACHABLE naming the proxy (verify exits 4), never the proxy's password.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  labEnv,
  makeTlsMaterial,
  pushImage,
  runCommand,
  startNotaryServer,
  startRegistry,
  writeDockerConfig,
  type CliTarget,
  type RunningServer,
} from '../../lab/index.js';
import { freePort, spawnServer, waitReady, type ManagedProcess } from '../../lab/process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const NOTARY_NAME = 'notary.trustdesk.test';
const REGISTRY_NAME = 'registry.trustdesk.test';
/** Runs "$@" with the test's hosts file over /etc/hosts, in a mount namespace of its own. */
const IN_NAMESPACE = 'mount --bind "$0" /etc/hosts && exec "$@"';

let dir: string;
let hostsFile: string;
let notary: RunningServer;
let registry: RunningServer;
let target: CliTarget;
let notaryHost: string;
let registryHost: string;
let cfg: string;
let repo: string;
const proxies: Tinyproxy[] = [];

interface Tinyproxy {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  proc: ManagedProcess;
  /** The log's CONNECT request lines written since `mark` (a previous length). */
  connectsSince(mark: number): string[];
  logLength(): number;
  stop(): Promise<void>;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** Starts tinyproxy on a free loopback port, in a private mount namespace with the test's hosts file. */
async function startTinyproxy(name: string, extra: string[] = []): Promise<Tinyproxy> {
  const pdir = join(dir, name);
  execFileSync('mkdir', ['-p', pdir]);
  chmodSync(pdir, 0o755);
  const logFile = join(pdir, 'tinyproxy.log');
  writeFileSync(logFile, '');
  chmodSync(logFile, 0o666); // tinyproxy drops root for nobody
  const port = await freePort();
  const conf = join(pdir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      'User nobody',
      'Group nogroup',
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logFile}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
      ...extra,
      '',
    ].join('\n'),
  );
  const proc = spawnServer(
    `tinyproxy-${name}`,
    'unshare',
    ['-m', 'sh', '-c', IN_NAMESPACE, hostsFile, 'tinyproxy', '-d', '-c', conf],
    join(pdir, 'stdout.log'),
    pdir,
  );
  await waitReady(proc, () => tcpOpen(port), 15_000);
  const log = (): string => readFileSync(logFile, 'utf8');
  const p: Tinyproxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    logFile,
    proc,
    logLength: () => log().length,
    connectsSince: (mark) =>
      log()
        .slice(mark)
        .split('\n')
        .flatMap((l) => {
          const m = /Request \(file descriptor \d+\): CONNECT (\S+) HTTP/.exec(l);
          return m ? [m[1]!] : [];
        }),
    stop: () => proc.stop(),
  };
  proxies.push(p);
  return p;
}

/** `trustdesk ARGS` in a private mount namespace where the lab names resolve to 127.0.0.1. */
function trustdesk(args: string[], env: Record<string, string>) {
  return runCommand(target, 'unshare', ['-m', 'sh', '-c', IN_NAMESPACE, hostsFile, process.execPath, BIN, ...args], {
    env: { DOCKER_CONFIG: cfg, HTTP_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '', ...env },
    check: false,
    timeoutMs: 60_000,
  });
}

/** Runs a command, returning its result and the CONNECTs tinyproxy logged meanwhile. */
async function throughProxy(proxy: Tinyproxy, args: string[], env: Record<string, string> = {}) {
  const mark = proxy.logLength();
  const r = await trustdesk(args, { HTTPS_PROXY: proxy.url, ...env });
  // tinyproxy writes its log line when it reads the request; give the file a moment.
  await new Promise((res) => setTimeout(res, 100));
  return { ...r, connects: proxy.connectsSince(mark) };
}

/**
 * Needs root for `unshare -m` + `mount --bind` (a private /etc/hosts) and the tinyproxy package
 * (scripts/setup.sh); without them the suite is skipped, and says so.
 */
const NAMESPACES_OK = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /etc/hosts /etc/hosts'], { stdio: 'ignore' }).status === 0;
const TINYPROXY_OK = spawnSync('tinyproxy', ['-v'], { stdio: 'ignore' }).status === 0;
if (!NAMESPACES_OK || !TINYPROXY_OK) {
  console.warn(
    `proxy.test.ts skipped: ${!NAMESPACES_OK ? 'unshare -m / mount --bind not permitted (needs root)' : 'tinyproxy is not installed (scripts/setup.sh)'}`,
  );
}

describe.skipIf(!NAMESPACES_OK || !TINYPROXY_OK)('proxies on the real lab', () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'trustdesk-proxy-'));
    chmodSync(dir, 0o755);
    const tls = await makeTlsMaterial(join(dir, 'tls'), { extraNames: [NOTARY_NAME, REGISTRY_NAME] });
    [notary, registry] = await Promise.all([
      startNotaryServer({ dir: join(dir, 'notary-server'), tls }),
      startRegistry({ dir: join(dir, 'registry'), tls }),
    ]);
    hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, `127.0.0.1 localhost ${NOTARY_NAME} ${REGISTRY_NAME}\n::1 localhost\n`);
    chmodSync(hostsFile, 0o644);
    notaryHost = `${NOTARY_NAME}:${notary.port}`;
    registryHost = `${REGISTRY_NAME}:${registry.port}`;
    cfg = join(dir, 'docker');
    const trustDir = await writeDockerConfig(cfg, tls.caCert, [notaryHost, registryHost]);
    const notaryUrl = `https://${notaryHost}`;
    target = { notaryUrl, trustDir, caFile: tls.caCert, env: labEnv(cfg, notaryUrl) };
    // The image goes in by the loopback address (no proxy involved); its name in the registry is the same.
    await pushImage({ registryUrl: registry.url, caFile: tls.caCert }, 'lab/app', 'v1');
    repo = `${registryHost}/lab/app`;
  }, 120_000);

  afterAll(async () => {
    for (const p of proxies) await p.stop();
    await Promise.all([notary?.stop(), registry?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('through a real HTTPS_PROXY (tinyproxy)', () => {
    let proxy: Tinyproxy;
    beforeAll(async () => {
      proxy = await startTinyproxy('open');
    });

    it('the lab names resolve to 127.0.0.1 inside the namespace only', async () => {
      const inside = await runCommand(target, 'unshare', ['-m', 'sh', '-c', IN_NAMESPACE, hostsFile, 'getent', 'hosts', NOTARY_NAME], {
        check: false,
      });
      expect(inside.stdout).toMatch(/^127\.0\.0\.1\s.*\bnotary\.trustdesk\.test\b/);
      const outside = await runCommand(target, 'getent', ['hosts', NOTARY_NAME], { check: false });
      expect(outside.code).not.toBe(0);
    });

    it('sign: publishes through the proxy (trust server and registry both tunnelled)', async () => {
      const r = await throughProxy(proxy, ['sign', `${repo}:v1`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Successfully signed/);
      expect(new Set(r.connects)).toEqual(new Set([notaryHost, registryHost]));
    });

    it('inspect: reads the trust data through the proxy', async () => {
      const r = await throughProxy(proxy, ['inspect', repo], { DOCKER_CONFIG: await freshConfig() });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { SignedTags: { SignedTag: string }[] }[];
      expect(out[0]!.SignedTags.map((t) => t.SignedTag)).toEqual(['v1']);
      expect(r.connects.length).toBeGreaterThan(0);
      expect(new Set(r.connects)).toEqual(new Set([notaryHost]));
    });

    it('status: joins registry and trust server, both through the proxy', async () => {
      const r = await throughProxy(proxy, ['status', '--json', repo], { DOCKER_CONFIG: await freshConfig() });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { tags: { tag: string; verdict: string }[] }[];
      expect(out[0]!.tags.map((t) => [t.tag, t.verdict])).toEqual([['v1', 'signed']]);
      expect(new Set(r.connects)).toEqual(new Set([notaryHost, registryHost]));
    });

    it('audit: judges the image through the proxy', async () => {
      const r = await throughProxy(proxy, ['audit', '--json', `${repo}:v1`], { DOCKER_CONFIG: await freshConfig() });
      expect(r.stderr).not.toMatch(/NETWORK|proxy/);
      expect(r.code).toBe(0);
      expect(r.connects).toContain(notaryHost);
      expect(r.connects.every((c) => c === notaryHost || c === registryHost)).toBe(true);
    });

    it('verify: exit 0 through the proxy', async () => {
      const r = await throughProxy(proxy, ['verify', `${repo}:v1`], { DOCKER_CONFIG: await freshConfig() });
      expect(r.code).toBe(0);
      expect(r.connects).toContain(notaryHost);
    });

    it('NO_PROXY naming the trust server sends it direct; the registry still goes through the proxy', async () => {
      for (const noProxy of [NOTARY_NAME, `.trustdesk.test:${notary.port}`]) {
        const r = await throughProxy(proxy, ['status', '--json', repo], { DOCKER_CONFIG: await freshConfig(), NO_PROXY: noProxy });
        expect(r.code, noProxy).toBe(0);
        expect(new Set(r.connects), noProxy).toEqual(new Set([registryHost]));
      }
      const all = await throughProxy(proxy, ['status', '--json', repo], { DOCKER_CONFIG: await freshConfig(), no_proxy: '*' });
      expect(all.code).toBe(0);
      expect(all.connects).toEqual([]);
    });

    it('lower-case https_proxy is honoured too, and HTTPS_PROXY wins over it', async () => {
      const lower = await throughProxy(proxy, ['inspect', repo], { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: '', https_proxy: proxy.url });
      expect(lower.code).toBe(0);
      expect(lower.connects).toContain(notaryHost);
      const dead = `http://127.0.0.1:${await freePort()}`;
      const upper = await throughProxy(proxy, ['inspect', repo], { DOCKER_CONFIG: await freshConfig(), https_proxy: dead });
      expect(upper.code).toBe(0);
      expect(upper.connects).toContain(notaryHost);
    });

    it('the loopback address is never proxied, even with HTTPS_PROXY set', async () => {
      const r = await throughProxy(proxy, ['inspect', `127.0.0.1:${registry.port}/lab/app`], {
        DOCKER_CONFIG: await freshConfig([`127.0.0.1:${notary.port}`]),
        DOCKER_CONTENT_TRUST_SERVER: notary.url,
      });
      expect(r.code).toBe(1); // no trust data under the loopback name: the server was reached directly
      expect(r.stderr).not.toMatch(/proxy|NETWORK/);
      expect(r.connects).toEqual([]);
    });

    it('docker itself uses the same proxy for the trust server (the behaviour we follow)', async () => {
      const mark = proxy.logLength();
      const d = await runCommand(target, 'unshare', ['-m', 'sh', '-c', IN_NAMESPACE, hostsFile, 'docker', 'trust', 'inspect', repo], {
        env: { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: proxy.url, NO_PROXY: '' },
        check: false,
      });
      await new Promise((res) => setTimeout(res, 100));
      expect(d.code).toBe(0);
      expect(proxy.connectsSince(mark)).toContain(notaryHost);
    });
  });

  describe('a proxy that refuses or is down', () => {
    it('CONNECT refused (tinyproxy ConnectPort): NETWORK_UNREACHABLE naming the proxy; verify exits 4', async () => {
      const strict = await startTinyproxy('strict', ['ConnectPort 443']);
      const r = await throughProxy(strict, ['inspect', `${repo}:v1`], { DOCKER_CONFIG: await freshConfig() });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`NETWORK_UNREACHABLE: proxy ${strict.url} refused CONNECT to ${notaryHost} (403 Access violation)`);
      // only the trust server was tried (a first use asks for its top-level files together, so
      // each of those requests may have tried its own tunnel)
      expect(r.connects.length).toBeGreaterThan(0);
      expect(new Set(r.connects)).toEqual(new Set([notaryHost]));
      const v = await throughProxy(strict, ['verify', `${repo}:v1`], { DOCKER_CONFIG: await freshConfig() });
      expect(v.code).toBe(4);
      expect(v.stdout + v.stderr).toContain(`proxy ${strict.url} refused CONNECT to ${notaryHost}`);
    });

    it('wrong or missing proxy credentials (tinyproxy BasicAuth): named, the password never printed', async () => {
      const authed = await startTinyproxy('auth', ['BasicAuth alice s3cret-pw']);
      const port = authed.port;
      const ok = await trustdesk(['inspect', repo], { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: `http://alice:s3cret-pw@127.0.0.1:${port}` });
      expect(ok.code).toBe(0);
      const bad = await trustdesk(['verify', `${repo}:v1`], {
        DOCKER_CONFIG: await freshConfig(),
        HTTPS_PROXY: `http://alice:not-the-pw@127.0.0.1:${port}`,
      });
      expect(bad.code).toBe(4);
      // tinyproxy answers wrong credentials with 401, missing ones with 407.
      expect(bad.stdout + bad.stderr).toContain(
        `proxy http://***@127.0.0.1:${port} refused CONNECT to ${notaryHost} (401 Unauthorized); the proxy wants credentials`,
      );
      expect(bad.stdout + bad.stderr).not.toMatch(/not-the-pw|alice/);
      const none = await trustdesk(['inspect', repo], { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: authed.url });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(
        `proxy ${authed.url} refused CONNECT to ${notaryHost} (407 Proxy Authentication Required); the proxy wants credentials`,
      );
    });

    it('a stopped proxy: NETWORK_UNREACHABLE naming the proxy, credentials redacted, no hang; verify exits 4', async () => {
      const gone = await startTinyproxy('stopped');
      await gone.stop();
      const t0 = Date.now();
      const env = { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: `http://bob:hunter2@127.0.0.1:${gone.port}` };
      const r = await trustdesk(['inspect', `${repo}:v1`], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `NETWORK_UNREACHABLE: cannot reach proxy http://***@127.0.0.1:${gone.port} (for ${notaryHost}): connection refused (ECONNREFUSED)`,
      );
      const v = await trustdesk(['verify', `${repo}:v1`], env);
      expect(v.code).toBe(4);
      expect(r.stdout + r.stderr + v.stdout + v.stderr).not.toMatch(/hunter2|bob/);
      expect(Date.now() - t0).toBeLessThan(20_000);
    });

    it('with a cache, a proxy that goes down: inspect falls back to it; verify refuses and says why (the proxy)', async () => {
      const up = await startTinyproxy('flaky');
      // The registry direct, the trust server through the proxy: what fails is the trust server's proxy.
      const env = { DOCKER_CONFIG: await freshConfig(), HTTPS_PROXY: up.url, NO_PROXY: REGISTRY_NAME };
      expect((await trustdesk(['inspect', repo], env)).code).toBe(0);
      await up.stop();
      const r = await trustdesk(['inspect', repo], env);
      expect(r.code).toBe(0); // as docker: the cached timestamp is used when the server cannot be reached
      const v = await trustdesk(['verify', `${repo}:v1`], env);
      expect(v.code).toBe(4);
      expect(v.stdout + v.stderr).toMatch(/only cached trust data was available \(Error while downloading remote metadata, using cached timestamp/);
      expect(v.stdout + v.stderr).toContain(`cannot reach proxy ${up.url} (for ${notaryHost}): connection refused (ECONNREFUSED)`);
    });
  });
});

/** A docker config dir of its own (empty trust cache) with the lab CA for the named servers. */
async function freshConfig(extraHosts: string[] = []): Promise<string> {
  const d = mkdtempSync(join(dir, 'cfg-'));
  await writeDockerConfig(d, target.caFile, [notaryHost, registryHost, ...extraHosts]);
  return d;
}
