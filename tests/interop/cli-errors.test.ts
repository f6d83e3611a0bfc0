/**
 * Bad input anywhere gets a clear error and a non-zero exit, never a stack trace or a hang: invalid
 * names, unreachable or stalling servers, garbage and oversized responses from a server (a tampering
 * proxy in front of the real notary-server), unknown commands and options.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, buildApp, runCommand, writeDockerConfig, type Lab, type ScenarioDescriptor } from '../../lab/index.js';
import { startTamperProxy, tufPath, paddedStream, type TamperProxy } from '../attacks/tamper-proxy.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

let lab: Lab;
let proxy: TamperProxy;
let app: ScenarioDescriptor;
let cfg: string;

async function trustdesk(args: string[], env: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = await runCommand(lab, process.execPath, [BIN, ...args], {
    env: { DOCKER_CONFIG: cfg, DOCKER_CONTENT_TRUST_SERVER: proxy.url, ...env },
    check: false,
    timeoutMs: 30_000,
  });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr).not.toMatch(/internal error/);
  return { ...r, ms: Date.now() - t0 };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  app = await buildApp(lab);
  proxy = await startTamperProxy({ upstream: lab.notaryUrl, caFile: lab.caFile, certFile: lab.tls.serverChain, keyFile: lab.tls.serverKey });
  cfg = mkdtempSync(join(tmpdir(), 'trustdesk-cli-errors-'));
  await writeDockerConfig(cfg, lab.caFile, [new URL(proxy.url).host, lab.notaryHost, lab.registryHost]);
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await lab?.stop();
});

describe('the CLI on bad input', () => {
  it('a name that is not a reference: usage error, exit 2', async () => {
    const r = await trustdesk(['inspect', 'Not A Reference!']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid reference "Not A Reference!"/);
  });

  it('unknown command and unknown option: exit 2 with a hint', async () => {
    expect((await trustdesk(['frobnicate'])).code).toBe(2);
    const r = await trustdesk(['inspect', '--frob', app.gun]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frob'/);
    expect(r.stderr).toMatch(/trustdesk --help/);
  });

  it('an unreachable trust server: exit 1, says so', async () => {
    const r = await trustdesk(['inspect', `${app.gun}:v1`], { DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('[]\n');
    expect(r.stderr).toMatch(/^no signatures or cannot access .*:v1\n  cause: NETWORK_UNREACHABLE: /);
  });

  it('garbage JSON for root.json: METADATA_MALFORMED', async () => {
    proxy.reset();
    proxy.serve((p) => p === tufPath(app.gun, 'root.json'), { body: '{"signed": nope' });
    const r = await trustdesk(['inspect', '--pretty', app.gun], { DOCKER_CONFIG: mkdtempCfg() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cause: METADATA_MALFORMED: root metadata is not valid JSON/);
  });

  it('a 50 MB response: RESPONSE_TOO_LARGE within seconds', async () => {
    proxy.reset();
    proxy.serve((p) => p === tufPath(app.gun, 'root.json'), { stream: () => paddedStream(50 * 1024 * 1024, '{"signed":"').stream });
    const r = await trustdesk(['inspect', app.gun], { DOCKER_CONFIG: mkdtempCfg() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cause: RESPONSE_TOO_LARGE: /);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a server that stalls: NETWORK_TIMEOUT after --timeout, no hang', async () => {
    proxy.reset();
    proxy.serve((p) => p.endsWith('/root.json'), { stall: true });
    const r = await trustdesk(['inspect', '--timeout', '1', app.gun], { DOCKER_CONFIG: mkdtempCfg() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cause: NETWORK_TIMEOUT: /);
    expect(r.ms).toBeLessThan(8_000);
  });

  it('status with an unreachable registry: exit 1 and a clear error, not a partial table', async () => {
    proxy.reset();
    const r = await trustdesk(['status', '127.0.0.1:9/lab/app'], { DOCKER_CONTENT_TRUST_SERVER: lab.notaryUrl });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^127\.0\.0\.1:9\/lab\/app: NETWORK_UNREACHABLE: /);
  });

  it('a bad --timeout value is a usage error', async () => {
    const r = await trustdesk(['inspect', '--timeout', 'soon', app.gun]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout takes a number of seconds/);
  });
});

function mkdtempCfg(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-cli-errors-'));
  execFileSync('cp', ['-r', join(cfg, 'tls'), join(cfg, 'config.json'), dir]);
  return dir;
}
