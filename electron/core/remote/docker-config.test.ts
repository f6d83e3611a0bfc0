import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustDeskError } from '../base/errors.js';
import { parseReference } from '../base/reference.js';
import {
  authConfigKey,
  convertToHostname,
  dockerConfigDir,
  isLoopbackRegistry,
  loadDockerConfig,
  tlsMaterialFor,
  trustDir,
  trustServerFor,
} from './docker-config.js';
import { makeTestPki, type TestPki } from '../../../tests/support/remote.js';

let root: string;
let pki: TestPki;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trustdesk-dockercfg-'));
  pki = await makeTestPki();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await pki.cleanup();
});

async function configDir(name: string, config: unknown): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp | string): Promise<void> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TrustDeskError);
  expect((caught as TrustDeskError).code).toBe(code);
  if (message !== undefined) {
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  }
}

describe('directories', () => {
  it('uses DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/cfg' })).toBe('/cfg');
    expect(dockerConfigDir({ HOME: '/home/u' })).toBe('/home/u/.docker');
    expect(dockerConfigDir({ DOCKER_CONFIG: '', HOME: '/home/u' })).toBe('/home/u/.docker');
    expect(trustDir({ DOCKER_CONFIG: '/cfg' })).toBe('/cfg/trust');
    expect(trustDir({ HOME: '/home/u' })).toBe('/home/u/.docker/trust');
  });
});

describe('credentials from config.json', () => {
  it('decodes auth (split at the first colon), identitytoken, and the Docker Hub key', async () => {
    const dir = await configDir('basic', {
      auths: {
        '127.0.0.1:5000': { auth: b64('user:pa:ss') },
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass'), identitytoken: 'refresh-me' },
        'https://registry.example.test': { auth: b64('ex:pw') },
        'http://old.example.test/v1/': { auth: b64('old:pw') },
        'plain.example.test': { username: 'u', password: 'p' },
        'empty.example.test': {},
      },
    });
    const cfg = await loadDockerConfig(dir);
    expect(await cfg.credentialsFor('127.0.0.1:5000')).toEqual({ username: 'user', password: 'pa:ss' });
    expect(await cfg.credentialsFor('docker.io')).toEqual({ username: 'hubuser', password: 'hubpass', identityToken: 'refresh-me' });
    expect(await cfg.credentialsFor('registry.example.test')).toEqual({ username: 'ex', password: 'pw' });
    expect(await cfg.credentialsFor('old.example.test')).toEqual({ username: 'old', password: 'pw' });
    expect(await cfg.credentialsFor('plain.example.test')).toEqual({ username: 'u', password: 'p' });
    expect(await cfg.credentialsFor('empty.example.test')).toBeUndefined();
    expect(await cfg.credentialsFor('unknown.example.test')).toBeUndefined();
    expect(cfg.warnings).toEqual([]);
  });

  it('finds Docker Hub credentials under a hostname-style key too', async () => {
    const cfg = await loadDockerConfig(await configDir('hub-alias', { auths: { 'index.docker.io': { auth: b64('a:b') } } }));
    expect(await cfg.credentialsFor('docker.io')).toEqual({ username: 'a', password: 'b' });
  });

  it('treats a missing config.json as empty, and rejects malformed ones', async () => {
    const missing = join(root, 'nothing-here');
    const cfg = await loadDockerConfig(missing);
    expect(await cfg.credentialsFor('docker.io')).toBeUndefined();
    await expectCode(loadDockerConfig(await configDir('broken', '{"auths": ')), 'CONFIG_INVALID', /not valid JSON/);
    await expectCode(loadDockerConfig(await configDir('array', '[]')), 'CONFIG_INVALID', /expected a JSON object/);
    await expectCode(loadDockerConfig(await configDir('badauths', { auths: [] })), 'CONFIG_INVALID', /"auths" must be an object/);
    await expectCode(loadDockerConfig(await configDir('badstore', { credsStore: 3 })), 'CONFIG_INVALID', /credsStore/);
    expect((await loadDockerConfig(await configDir('emptyfile', ''))).auths.size).toBe(0);
  });

  it('reports a malformed auths entry only for its own registry', async () => {
    const cfg = await loadDockerConfig(
      await configDir('bad-entry', { auths: { 'bad.example.test': { auth: b64('nocolon') }, 'good.example.test': { auth: b64('g:p') } } }),
    );
    expect(await cfg.credentialsFor('good.example.test')).toEqual({ username: 'g', password: 'p' });
    await expectCode(cfg.credentialsFor('bad.example.test'), 'CONFIG_INVALID', /auths\["bad.example.test"\].auth is not base64/);
  });

  it('helper keys and docker auth keys', () => {
    expect(authConfigKey('docker.io')).toBe('https://index.docker.io/v1/');
    expect(authConfigKey('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(convertToHostname('https://a.b:5000/v2/')).toBe('a.b:5000');
    expect(convertToHostname('a.b')).toBe('a.b');
  });
});

describe('credential helpers', () => {
  let bin: string;
  beforeAll(async () => {
    bin = join(root, 'bin');
    await mkdir(bin, { recursive: true });
    const script = (body: string): string => `#!/bin/sh\n${body}\n`;
    const helpers: Record<string, string> = {
      // Echoes the server URL it was asked for into the user name so the test can check stdin.
      'docker-credential-fake': script(
        '[ "$1" = get ] || exit 3\nread -r url || true\nprintf \'{"ServerURL":"%s","Username":"user-for-%s","Secret":"s3cret"}\' "$url" "$url"',
      ),
      'docker-credential-token': script('cat >/dev/null\nprintf \'{"ServerURL":"x","Username":"<token>","Secret":"idtok"}\''),
      'docker-credential-none': script('cat >/dev/null\necho "credentials not found in native keychain"\nexit 1'),
      'docker-credential-broken': script('cat >/dev/null\necho "boom: keychain locked" >&2\nexit 2'),
      'docker-credential-garbage': script('cat >/dev/null\necho "not json"'),
      'docker-credential-slow': script('exec sleep 5'),
    };
    for (const [name, body] of Object.entries(helpers)) {
      await writeFile(join(bin, name), body);
      await chmod(join(bin, name), 0o755);
    }
  });
  const env = (): Record<string, string> => ({ PATH: `${bin}:/usr/bin:/bin` });

  it('asks credsStore with the registry key on stdin', async () => {
    const cfg = await loadDockerConfig(await configDir('store', { auths: { 'r.example.test': {} }, credsStore: 'fake' }), { env: env() });
    expect(await cfg.credentialsFor('r.example.test')).toEqual({ username: 'user-for-r.example.test', password: 's3cret' });
    expect(await cfg.credentialsFor('docker.io')).toEqual({
      username: 'user-for-https://index.docker.io/v1/',
      password: 's3cret',
    });
  });

  it('prefers credHelpers for a registry over credsStore, and maps <token> to an identity token', async () => {
    const cfg = await loadDockerConfig(await configDir('helpers', { credsStore: 'fake', credHelpers: { 'ecr.example.test': 'token' } }), {
      env: env(),
    });
    expect(await cfg.credentialsFor('ecr.example.test')).toEqual({ identityToken: 'idtok' });
    expect((await cfg.credentialsFor('other.example.test'))?.password).toBe('s3cret');
  });

  it('"credentials not found" means anonymous, without a warning', async () => {
    const cfg = await loadDockerConfig(await configDir('none', { credsStore: 'none' }), { env: env() });
    expect(await cfg.credentialsFor('r.example.test')).toBeUndefined();
    expect(cfg.warnings).toEqual([]);
  });

  it('a missing helper gives a warning and no credentials, never a crash', async () => {
    const seen: string[] = [];
    const cfg = await loadDockerConfig(await configDir('missing', { credsStore: 'desktop' }), {
      env: env(),
      onWarning: (m) => seen.push(m),
    });
    expect(await cfg.credentialsFor('r.example.test')).toBeUndefined();
    expect(cfg.warnings).toHaveLength(1);
    expect(cfg.warnings[0]).toMatch(/docker-credential-desktop not found in PATH/);
    expect(seen).toEqual(cfg.warnings);
  });

  it('falls back to the auths entry when the helper fails', async () => {
    const cfg = await loadDockerConfig(await configDir('fallback', { credsStore: 'broken', auths: { 'r.example.test': { auth: b64('file:pw') } } }), {
      env: env(),
    });
    expect(await cfg.credentialsFor('r.example.test')).toEqual({ username: 'file', password: 'pw' });
    expect(cfg.warnings[0]).toMatch(/docker-credential-broken failed for r.example.test: .*keychain locked/s);
  });

  it('warns on helper output that is not JSON', async () => {
    const cfg = await loadDockerConfig(await configDir('garbage', { credsStore: 'garbage' }), { env: env() });
    expect(await cfg.credentialsFor('r.example.test')).toBeUndefined();
    expect(cfg.warnings[0]).toMatch(/not JSON/);
  });

  it('kills a helper that does not answer in time', async () => {
    const cfg = await loadDockerConfig(await configDir('slow', { credsStore: 'slow' }), { env: env(), helperTimeoutMs: 200 });
    const started = Date.now();
    expect(await cfg.credentialsFor('r.example.test')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(cfg.warnings[0]).toMatch(/did not answer within 200 ms/);
  });

  it('ignores helper names that could escape the docker-credential- prefix', async () => {
    const cfg = await loadDockerConfig(await configDir('evil', { credsStore: '../../bin/sh' }), { env: env() });
    expect(await cfg.credentialsFor('r.example.test')).toBeUndefined();
    expect(cfg.warnings[0]).toMatch(/not a valid helper name/);
  });
});

describe('tlsMaterialFor', () => {
  it('reads every *.crt as a CA and a .cert/.key pair as the client certificate, plus --tlscacert', async () => {
    const dir = join(root, 'tlscfg');
    const hostDir = join(dir, 'tls', 'notary.example.test:4443');
    await mkdir(hostDir, { recursive: true });
    await copyFile(pki.caFile, join(hostDir, 'a.crt'));
    await copyFile(pki.otherCaFile, join(hostDir, 'b.crt'));
    await copyFile(pki.client.certFile, join(hostDir, 'client.cert'));
    await copyFile(pki.client.keyFile, join(hostDir, 'client.key'));
    await writeFile(join(hostDir, 'README'), 'ignored');
    const m = await tlsMaterialFor(dir, 'notary.example.test:4443', { caFile: pki.server.certFile });
    expect(m.ca).toEqual([pki.ca, pki.otherCa, pki.server.cert]);
    expect(m.cert).toEqual(pki.client.cert);
    expect(m.key).toEqual(pki.client.key);
    expect(m.insecureSkipVerify).toBeUndefined();
  });

  it('returns nothing for a host without a directory', async () => {
    expect(await tlsMaterialFor(join(root, 'tlscfg'), 'other.example.test')).toEqual({});
    expect(await tlsMaterialFor(join(root, 'tlscfg'), 'other.example.test', { caFile: pki.caFile })).toEqual({ ca: [pki.ca] });
  });

  it('rejects a lone .cert or .key, non-PEM files, and path-like hosts', async () => {
    const dir = join(root, 'tlsbad');
    await mkdir(join(dir, 'tls', 'lonecert'), { recursive: true });
    await copyFile(pki.client.certFile, join(dir, 'tls', 'lonecert', 'client.cert'));
    await expectCode(
      tlsMaterialFor(dir, 'lonecert'),
      'CONFIG_INVALID',
      /missing key client.key for client certificate .*should use the extension .crt/,
    );
    await mkdir(join(dir, 'tls', 'lonekey'), { recursive: true });
    await copyFile(pki.client.keyFile, join(dir, 'tls', 'lonekey', 'client.key'));
    await expectCode(tlsMaterialFor(dir, 'lonekey'), 'CONFIG_INVALID', /missing client certificate client.cert for key/);
    await mkdir(join(dir, 'tls', 'notpem'), { recursive: true });
    await writeFile(join(dir, 'tls', 'notpem', 'ca.crt'), 'hello');
    await expectCode(tlsMaterialFor(dir, 'notpem'), 'CONFIG_INVALID', /is not a PEM file/);
    await expectCode(tlsMaterialFor(dir, 'x', { caFile: join(dir, 'nope.pem') }), 'CONFIG_INVALID', /cannot read CA certificate/);
    await expectCode(tlsMaterialFor(dir, '../etc'), 'INVALID_ARGUMENT');
  });
});

describe('trustServerFor', () => {
  const hub = parseReference('alpine');
  const local = parseReference('127.0.0.1:5000/lab/app:v1');

  it('prefers the flag, then DOCKER_CONTENT_TRUST_SERVER, then the defaults', () => {
    expect(trustServerFor(hub, {})).toBe('https://notary.docker.io');
    expect(trustServerFor(local, {})).toBe('https://127.0.0.1:5000');
    expect(trustServerFor('registry.example.test/a/b', {})).toBe('https://registry.example.test');
    expect(trustServerFor(local, { DOCKER_CONTENT_TRUST_SERVER: 'https://127.0.0.1:4443' })).toBe('https://127.0.0.1:4443');
    expect(trustServerFor(local, { DOCKER_CONTENT_TRUST_SERVER: 'https://env:1' }, 'https://flag:2')).toBe('https://flag:2');
    expect(trustServerFor(local, { DOCKER_CONTENT_TRUST_SERVER: '' })).toBe('https://127.0.0.1:5000');
  });

  it("rejects a non-https server with docker's exact message", async () => {
    await expectCode(
      () => trustServerFor(local, { DOCKER_CONTENT_TRUST_SERVER: 'http://127.0.0.1:4443' }),
      'INSECURE_URL',
      'valid https URL required for trust server, got http://127.0.0.1:4443',
    );
    await expectCode(
      () => trustServerFor(local, {}, 'notary.example.test'),
      'INSECURE_URL',
      'valid https URL required for trust server, got notary.example.test',
    );
    await expectCode(() => trustServerFor(local, {}, 'https://'), 'INSECURE_URL');
  });
});

describe('isLoopbackRegistry', () => {
  it('recognises loopback names, literals and names resolving to loopback', async () => {
    const resolver = async (host: string): Promise<string[]> => {
      if (host === 'dev.test') return ['127.0.1.1'];
      if (host === 'remote.test') return ['192.0.2.10'];
      throw new Error('ENOTFOUND');
    };
    expect(await isLoopbackRegistry('localhost', resolver)).toBe(true);
    expect(await isLoopbackRegistry('localhost:5000', resolver)).toBe(true);
    expect(await isLoopbackRegistry('127.0.0.1:5000', resolver)).toBe(true);
    expect(await isLoopbackRegistry('[::1]:5000', resolver)).toBe(true);
    expect(await isLoopbackRegistry('dev.test:5000', resolver)).toBe(true);
    expect(await isLoopbackRegistry('remote.test', resolver)).toBe(false);
    expect(await isLoopbackRegistry('gone.test', resolver)).toBe(false);
    expect(await isLoopbackRegistry('10.0.0.1:5000', resolver)).toBe(false);
    expect(await isLoopbackRegistry('docker.io', resolver)).toBe(false);
  });
});
