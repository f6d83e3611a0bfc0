/**
 * HttpClient through a proxy: a small CONNECT proxy on 127.0.0.1 (test fixture only) that sends every
 * tunnel to the local test server, so the client can use names that resolve nowhere (`*.proxy.test`:
 * the proxy, not the client, resolves them; loopback names would never be proxied).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';
import type { ProxySettings } from './proxy-rules.js';
import { closedPort, makeTestPki, startHttpsServer, type KeyPair, type TestPki, type TestServer } from '../../../tests/support/remote.js';
import { rejection } from '../../../tests/support/error-code.js';

const run = promisify(execFile);
const NAME = 'notary.proxy.test';

let pki: TestPki;
let named: KeyPair;
const servers: TestServer[] = [];
const clients: HttpClient[] = [];
const proxies: TestProxy[] = [];

interface TestProxy {
  url: string;
  connects: { target: string; auth?: string }[];
  close(): Promise<void>;
}

/** A CONNECT proxy: `answer` gives a refusal status, 'hang', or undefined to tunnel to 127.0.0.1:`port`. */
async function startProxy(port: number, answer: (auth?: string) => number | 'hang' | undefined = () => undefined): Promise<TestProxy> {
  const connects: TestProxy['connects'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization'];
    connects.push({ target: req.url ?? '', ...(auth ? { auth } : {}) });
    const a = answer(auth);
    if (a === 'hang') return;
    if (a !== undefined) {
      client.end(`HTTP/1.1 ${a} ${http.STATUS_CODES[a]}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const p: TestProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  proxies.push(p);
  return p;
}

beforeAll(async () => {
  pki = await makeTestPki();
  // A server certificate for a name only the proxy "resolves", from the test CA.
  const d = pki.dir;
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'named.key'], { cwd: d });
  await run('openssl', ['req', '-new', '-key', 'named.key', '-subj', `/CN=${NAME}`, '-out', 'named.csr'], { cwd: d });
  await writeFile(join(d, 'named.ext'), `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${NAME}\n`);
  await run(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'named.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '0x4242',
      '-days',
      '2',
      '-extfile',
      'named.ext',
      '-out',
      'named.crt',
    ],
    { cwd: d },
  );
  named = {
    cert: await readFile(join(d, 'named.crt')),
    key: await readFile(join(d, 'named.key')),
    certFile: join(d, 'named.crt'),
    keyFile: join(d, 'named.key'),
  };
});
afterAll(async () => {
  await pki.cleanup();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
  for (const s of servers.splice(0)) await s.close();
});

function client(proxy: ProxySettings, opts: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const c = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }), proxy, ...opts });
  clients.push(c);
  return c;
}

async function server(pair: { cert: Buffer; key: Buffer } = named): Promise<TestServer> {
  const s = await startHttpsServer(pair, (req, res) => res.end(`ok ${req.url}`));
  servers.push(s);
  return s;
}

describe('HttpClient through an HTTPS_PROXY', () => {
  it('tunnels with CONNECT, verifies the server with its own CA and name, and keeps the tunnel alive', async () => {
    const s = await server();
    const proxy = await startProxy(s.port);
    const c = client({ httpsProxy: proxy.url });
    const url = `https://${NAME}:${s.port}`;
    expect(c.proxyFor(url)).toBe(proxy.url);
    const a = await c.request({ url: `${url}/v2/a`, maxBytes: 1024 });
    const b = await c.request({ url: `${url}/v2/b`, maxBytes: 1024 });
    expect([a.status, a.body.toString(), b.body.toString()]).toEqual([200, 'ok /v2/a', 'ok /v2/b']);
    expect(proxy.connects).toEqual([{ target: `${NAME}:${s.port}` }]);
    expect(s.socketIds).toEqual([1, 1]);
  });

  it('TLS through the tunnel is unchanged: a certificate for another name or from another CA is refused', async () => {
    const wrongName = await server(pki.server); // valid for localhost only
    const proxy = await startProxy(wrongName.port);
    const err = await rejection(client({ httpsProxy: proxy.url }).request({ url: `https://${NAME}:${wrongName.port}/`, maxBytes: 1024 }));
    expect(err.code).toBe('TLS_ERROR');
    expect(err.message).toMatch(/not valid for this host/);

    const other = await server();
    const proxy2 = await startProxy(other.port);
    const c = new HttpClient({ tlsFor: () => ({ ca: [pki.otherCa] }), proxy: { httpsProxy: proxy2.url } });
    clients.push(c);
    expect((await rejection(c.request({ url: `https://${NAME}:${other.port}/`, maxBytes: 1024 }))).code).toBe('TLS_ERROR');
  });

  it('presents the client certificate of the TLS material through the tunnel (mutual TLS)', async () => {
    const s = await startHttpsServer(named, (_q, r) => r.end('mtls'), { ca: pki.ca, requestCert: true });
    servers.push(s);
    const proxy = await startProxy(s.port);
    const url = `https://${NAME}:${s.port}/`;
    const withCert = client({ httpsProxy: proxy.url }, { tlsFor: () => ({ ca: [pki.ca], cert: pki.client.cert, key: pki.client.key }) });
    expect((await withCert.request({ url, maxBytes: 100 })).body.toString()).toBe('mtls');
    const without = client({ httpsProxy: proxy.url });
    expect(['TLS_ERROR', 'NETWORK_UNREACHABLE']).toContain((await rejection(without.request({ url, maxBytes: 100 }))).code);
  });

  it('sends the proxy credentials as Proxy-Authorization and never prints them', async () => {
    const s = await server();
    const good = `Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`;
    const proxy = await startProxy(s.port, (auth) => (auth === good ? undefined : 407));
    const port = new URL(proxy.url).port;
    const ok = await client({ httpsProxy: `http://alice:s3cr%40t@127.0.0.1:${port}` }).request({ url: `https://${NAME}:${s.port}/`, maxBytes: 1024 });
    expect(ok.status).toBe(200);
    expect(proxy.connects[0]?.auth).toBe(good);

    const err = await rejection(
      client({ httpsProxy: `http://alice:wr0ngpass@127.0.0.1:${port}` }).request({ url: `https://${NAME}:${s.port}/`, maxBytes: 1024 }),
    );
    expect(err.code).toBe('NETWORK_UNREACHABLE');
    expect(err.message).toBe(
      `proxy http://***@127.0.0.1:${port} refused CONNECT to ${NAME}:${s.port} (407 Proxy Authentication Required); the proxy wants credentials (user:password@ in the proxy URL)`,
    );
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toMatch(/wr0ngpass/);
  });

  it('a proxy that refuses CONNECT (403, 502) is NETWORK_UNREACHABLE naming the proxy', async () => {
    for (const status of [403, 502]) {
      const proxy = await startProxy(1, () => status);
      const err = await rejection(client({ httpsProxy: proxy.url }).request({ url: `https://${NAME}:4443/v2/`, maxBytes: 1024 }));
      expect(err.code).toBe('NETWORK_UNREACHABLE');
      expect(err.message).toBe(`proxy ${proxy.url} refused CONNECT to ${NAME}:4443 (${status} ${http.STATUS_CODES[status]})`);
    }
  });

  it('a proxy that is down is NETWORK_UNREACHABLE naming the proxy, credentials redacted', async () => {
    const port = await closedPort();
    const err = await rejection(
      client({ httpsProxy: `http://bob:hunter2@127.0.0.1:${port}` }).request({ url: `https://${NAME}/v2/`, maxBytes: 1024 }),
    );
    expect(err.code).toBe('NETWORK_UNREACHABLE');
    expect(err.message).toBe(`cannot reach proxy http://***@127.0.0.1:${port} (for ${NAME}:443): connection refused (ECONNREFUSED)`);
    expect(err.message).not.toMatch(/hunter2/);
  });

  it('a proxy that never answers CONNECT: NETWORK_TIMEOUT within the deadline, and close() lets go', async () => {
    const proxy = await startProxy(1, () => 'hang');
    const c = client({ httpsProxy: proxy.url }, { timeoutMs: 400 });
    const t0 = Date.now();
    const err = await rejection(c.request({ url: `https://${NAME}/v2/`, maxBytes: 1024 }));
    expect(err.code).toBe('NETWORK_TIMEOUT');
    expect(err.message).toMatch(new RegExp(`timed out after 400 ms \\(waiting for proxy ${proxy.url.replace(/[.]/g, '\\.')}\\)`));
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('localhost, loopback IPs and NO_PROXY matches go direct', async () => {
    const s = await startHttpsServer(pki.server, (_q, r) => r.end('direct'));
    servers.push(s);
    const proxy = await startProxy(s.port, () => 403);
    const c = client({ httpsProxy: proxy.url, noProxy: '.proxy.test' });
    expect((await c.request({ url: `https://localhost:${s.port}/`, maxBytes: 100 })).body.toString()).toBe('direct');
    expect((await c.request({ url: `https://127.0.0.1:${s.port}/`, maxBytes: 100 })).body.toString()).toBe('direct');
    expect(c.proxyFor(`https://${NAME}:${s.port}`)).toBeUndefined();
    // Direct means the client resolves the name itself: *.test names do not resolve.
    const err = await rejection(c.request({ url: `https://${NAME}:${s.port}/`, maxBytes: 100 }));
    expect(err.code).toBe('NETWORK_UNREACHABLE');
    expect(err.message).toMatch(new RegExp(`cannot reach https://${NAME.replace(/[.]/g, '\\.')}:${s.port}/`));
    expect(proxy.connects).toEqual([]);
  });

  it('an unsupported proxy scheme fails the request with INVALID_ARGUMENT, not the constructor', async () => {
    const c = client({ httpsProxy: 'socks5://carol:pw123@10.0.0.1:1080' });
    const err = await rejection(c.request({ url: `https://${NAME}/`, maxBytes: 10 }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).not.toMatch(/pw123/);
  });
});
