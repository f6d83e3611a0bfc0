import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticatedClient, parseWwwAuthenticate } from './auth.js';
import type { Credentials } from './docker-config.js';
import { HttpClient } from './http-client.js';
import { json, makeTestPki, startHttpsServer, type TestPki, type TestServer } from '../../../tests/support/remote.js';
import { rejection } from '../../../tests/support/error-code.js';

describe('parseWwwAuthenticate', () => {
  it('parses a Bearer challenge with a comma inside a quoted scope', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' },
      },
    ]);
  });

  it('parses Basic, case-insensitive names, whitespace around "=", token values and escapes', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    expect(parseWwwAuthenticate('BEARER Realm = "https://a/t" ,  Service=notary')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a/t', service: 'notary' } },
    ]);
    expect(parseWwwAuthenticate('Bearer realm="a\\"b\\\\c",error="invalid_token"')).toEqual([
      { scheme: 'bearer', params: { realm: 'a"b\\c', error: 'invalid_token' } },
    ]);
  });

  it('splits several challenges in one header and across headers', () => {
    expect(parseWwwAuthenticate('Basic realm="a, b", Bearer realm="https://t/",service="s", Negotiate abc==')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'https://t/', service: 's' } },
      { scheme: 'negotiate', params: { token68: 'abc==' } },
    ]);
    expect(parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="y"'])).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'y' } },
    ]);
  });

  it('copes with empty, bare and malformed headers', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer')).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(parseWwwAuthenticate('Bearer realm="x",,, service="y"')).toEqual([{ scheme: 'bearer', params: { realm: 'x', service: 'y' } }]);
  });

  it('terminates on arbitrary input', () => {
    const alphabet = ['Bearer', 'Basic', ' ', ',', '=', '"', '\\', 'realm', 'a', '==', '\t', '/'];
    let seed = 7;
    for (let n = 0; n < 5000; n++) {
      let h = '';
      for (let k = 0; k < 12; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        h += alphabet[(seed >>> 8) % alphabet.length];
      }
      expect(Array.isArray(parseWwwAuthenticate(h))).toBe(true);
    }
  });
});

let pki: TestPki;
const servers: TestServer[] = [];
let http_: HttpClient;

beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(async () => {
  await pki.cleanup();
});
afterEach(async () => {
  http_?.close();
  for (const s of servers.splice(0)) await s.close();
});

interface TokenLog {
  method: string;
  service: string | null;
  scopes: string[];
  authorization: string | undefined;
  form: URLSearchParams | undefined;
}

/** A token server (tok-1, tok-2, …) plus a registry that accepts only tokens the token server issued for the scope. */
async function fakeRegistry(
  opts: {
    users?: Record<string, string>;
    anonymous?: boolean;
    tokenBody?: (n: number) => Record<string, unknown>;
    acceptTokens?: boolean;
    refreshTokens?: Record<string, string>;
  } = {},
): Promise<{ registry: TestServer; tokens: TestServer; log: TokenLog[]; granted: Map<string, string>; revoke(): void }> {
  const log: TokenLog[] = [];
  const granted = new Map<string, string>(); // token -> scope
  let n = 0;
  const tokens = await startHttpsServer(pki.server, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://x');
      const form = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : undefined;
      const entry: TokenLog = {
        method: req.method ?? '',
        service: form?.get('service') ?? url.searchParams.get('service'),
        scopes: form ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope'),
        authorization: req.headers.authorization,
        form,
      };
      log.push(entry);
      if (form !== undefined) {
        const user = opts.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (form.get('grant_type') !== 'refresh_token' || user === undefined) return json(res, 401, { error: 'bad refresh token' });
      } else if (req.headers.authorization !== undefined) {
        const [user, pass] = Buffer.from(req.headers.authorization.replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':');
        if (opts.users?.[user ?? ''] !== pass) return json(res, 401, { details: 'incorrect username or password' });
      } else if (opts.anonymous === false) {
        return json(res, 401, { details: 'login required' });
      }
      n++;
      const token = `tok-${n}`;
      granted.set(token, entry.scopes.join(' '));
      json(res, 200, opts.tokenBody ? opts.tokenBody(n) : { token });
    });
  });
  servers.push(tokens);
  const registry = await startHttpsServer(pki.server, (req: http.IncomingMessage, res: http.ServerResponse) => {
    const m = /^\/v2\/(.+)\/tags\/list$/.exec(req.url ?? '');
    const scope = m ? `repository:${m[1]}:pull` : '';
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (opts.acceptTokens !== false && granted.get(token)?.split(' ').includes(scope)) return json(res, 200, { ok: token });
    json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
      { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="test-registry",scope="${scope}"` },
    );
  });
  servers.push(registry);
  return { registry, tokens, log, granted, revoke: () => granted.clear() };
}

function client(credentials?: Credentials | (() => Promise<Credentials | undefined>), now?: () => number): AuthenticatedClient {
  http_ = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }) });
  const opts: ConstructorParameters<typeof AuthenticatedClient>[0] = { http: http_ };
  if (credentials !== undefined) opts.credentials = credentials;
  if (now !== undefined) opts.now = now;
  return new AuthenticatedClient(opts);
}

describe('AuthenticatedClient token flow', () => {
  it('answers a Bearer challenge: token with service, scope and Basic credentials, then retry', async () => {
    const f = await fakeRegistry({ users: { alice: 'pw' } });
    const c = client({ username: 'alice', password: 'pw' });
    const res = await c.request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ ok: 'tok-1' });
    expect(f.log).toEqual([
      {
        method: 'GET',
        service: 'test-registry',
        scopes: ['repository:lab/app:pull'],
        authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}`,
        form: undefined,
      },
    ]);
    expect(f.registry.requests.map((r) => r.headers.authorization)).toEqual([undefined, 'Bearer tok-1']);
  });

  it('caches the token per scope and sends it up front next time', async () => {
    const f = await fakeRegistry();
    const c = client();
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(f.log).toHaveLength(1);
    expect(f.registry.requests.map((r) => r.headers.authorization)).toEqual([undefined, 'Bearer tok-1', 'Bearer tok-1']);
    // Another scope needs another token, fetched before the request since the challenge is known.
    const other = await c.request({ url: `${f.registry.url}/v2/lab/other/tags/list`, maxBytes: 1000 }, 'repository:lab/other:pull');
    expect(other.status).toBe(200);
    expect(f.log.map((l) => l.scopes)).toEqual([['repository:lab/app:pull'], ['repository:lab/other:pull']]);
    expect(f.registry.requests).toHaveLength(4);
    expect(c.cachedTokenCount).toBe(2);
  });

  it('uses the challenge scope when the caller gives none, and anonymous tokens without credentials', async () => {
    const f = await fakeRegistry();
    const res = await client().request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 });
    expect(res.status).toBe(200);
    expect(f.log[0]?.scopes).toEqual(['repository:lab/app:pull']);
    expect(f.log[0]?.authorization).toBeUndefined();
  });

  it('accepts access_token, and expires tokens after expires_in (default 60 s)', async () => {
    let now = 1_000_000;
    const f = await fakeRegistry({ tokenBody: (n) => ({ access_token: `tok-${n}` }) });
    const c = client(undefined, () => now);
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    now += 50_000;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(f.log).toHaveLength(1);
    now += 10_000; // 60 s after issue: expired
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(f.log).toHaveLength(2);
  });

  it('honours a longer expires_in and never less than 60 s', async () => {
    let now = 0;
    const f = await fakeRegistry({ tokenBody: (n) => ({ token: `tok-${n}`, expires_in: n === 1 ? 300 : 1 }) });
    const c = client(undefined, () => now);
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    now = 290_000;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(f.log).toHaveLength(1);
    now = 300_000;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull'); // tok-2, expires_in 1 → 60
    now = 340_000;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(f.log).toHaveLength(2);
  });

  it('fetches a new token when the cached one is refused, then succeeds', async () => {
    const f = await fakeRegistry();
    const c = client();
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    f.revoke();
    const res = await c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ ok: 'tok-2' });
  });

  it('fails with AUTH_FAILED after one retry when the new token is refused too', async () => {
    const f = await fakeRegistry({ acceptTokens: false });
    const err = await rejection(client().request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 }, 'repository:lab/app:pull'));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('anonymously');
    expect(err.message).toContain('repository:lab/app:pull');
    expect(f.registry.requests).toHaveLength(2);
  });

  it('reports bad credentials as AUTH_FAILED and a refused anonymous token as AUTH_REQUIRED', async () => {
    const f = await fakeRegistry({ users: { alice: 'pw' }, anonymous: false });
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    const bad = await rejection(client({ username: 'alice', password: 'wrong' }).request({ url, maxBytes: 1000 }, 'repository:lab/app:pull'));
    expect(bad.code).toBe('AUTH_FAILED');
    expect(bad.message).toContain('rejected the credentials');
    const anon = await rejection(client().request({ url, maxBytes: 1000 }, 'repository:lab/app:pull'));
    expect(anon.code).toBe('AUTH_REQUIRED');
  });

  it('exchanges an identity token with the OAuth2 refresh-token form', async () => {
    const f = await fakeRegistry({ refreshTokens: { 'refresh-abc': 'alice' } });
    const c = client(async () => ({ identityToken: 'refresh-abc' }));
    const res = await c.request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 }, 'repository:lab/app:pull');
    expect(res.status).toBe(200);
    expect(f.log[0]?.method).toBe('POST');
    expect(f.log[0]?.form?.get('grant_type')).toBe('refresh_token');
    expect(f.log[0]?.form?.get('client_id')).toBe('trustdesk');
    expect(f.log[0]?.service).toBe('test-registry');
    expect(f.log[0]?.scopes).toEqual(['repository:lab/app:pull']);
  });

  it('shares one token fetch between parallel requests', async () => {
    const f = await fakeRegistry();
    const c = client();
    const url = `${f.registry.url}/v2/lab/app/tags/list`;
    const all = await Promise.all(Array.from({ length: 8 }, () => c.request({ url, maxBytes: 1000 }, 'repository:lab/app:pull')));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(f.log.length).toBeLessThanOrEqual(2);
  });

  it('sends several scopes as several scope parameters', async () => {
    const f = await fakeRegistry();
    await client()
      .request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 }, ['repository:lab/app:pull', 'repository:lab/base:pull'])
      .catch(() => undefined);
    expect(f.log[0]?.scopes).toEqual(['repository:lab/app:pull', 'repository:lab/base:pull']);
  });
});

describe('AuthenticatedClient Basic and odd servers', () => {
  async function basicServer(): Promise<TestServer> {
    const s = await startHttpsServer(pki.server, (req, res) => {
      if (req.headers.authorization === `Basic ${Buffer.from('bob:secret').toString('base64')}`) return json(res, 200, {});
      json(res, 401, {}, { 'www-authenticate': 'Basic realm="Registry Realm"' });
    });
    servers.push(s);
    return s;
  }

  it('answers a Basic challenge with the credentials, up front afterwards', async () => {
    const s = await basicServer();
    const c = client({ username: 'bob', password: 'secret' });
    expect((await c.request({ url: `${s.url}/v2/`, maxBytes: 100 })).status).toBe(200);
    expect((await c.request({ url: `${s.url}/v2/`, maxBytes: 100 })).status).toBe(200);
    expect(s.requests.map((r) => r.headers.authorization !== undefined)).toEqual([false, true, true]);
  });

  it('Basic without credentials is AUTH_REQUIRED; wrong ones AUTH_FAILED without a useless resend', async () => {
    const s = await basicServer();
    expect((await rejection(client().request({ url: `${s.url}/v2/`, maxBytes: 100 }))).code).toBe('AUTH_REQUIRED');
    const c = client({ username: 'bob', password: 'nope' });
    expect((await rejection(c.request({ url: `${s.url}/v2/`, maxBytes: 100 }))).code).toBe('AUTH_FAILED');
    const before = s.requests.length;
    expect((await rejection(c.request({ url: `${s.url}/v2/`, maxBytes: 100 }))).code).toBe('AUTH_FAILED');
    expect(s.requests.length - before).toBe(1);
  });

  it('a 401 without a challenge is AUTH_REQUIRED; other statuses pass through; own Authorization is left alone', async () => {
    const s = await startHttpsServer(pki.server, (req, res) => {
      if (req.url === '/forbidden') return json(res, 403, { errors: [{ code: 'DENIED' }] });
      if (req.headers.authorization === 'Bearer mine') return json(res, 200, {});
      json(res, 401, {});
    });
    servers.push(s);
    const c = client();
    expect((await rejection(c.request({ url: `${s.url}/x`, maxBytes: 100 }))).code).toBe('AUTH_REQUIRED');
    expect((await c.request({ url: `${s.url}/forbidden`, maxBytes: 100 })).status).toBe(403);
    expect((await c.request({ url: `${s.url}/y`, headers: { authorization: 'Bearer mine' }, maxBytes: 100 })).status).toBe(200);
  });

  it('a token response without a token is AUTH_FAILED', async () => {
    const f = await fakeRegistry({ tokenBody: () => ({ nothing: true }) });
    const err = await rejection(client().request({ url: `${f.registry.url}/v2/lab/app/tags/list`, maxBytes: 1000 }, 'repository:lab/app:pull'));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('returned no token');
  });
});
