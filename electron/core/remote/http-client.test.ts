import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrustDeskError } from '../base/errors.js';
import { HttpClient, describeUrl, mapTransportError } from './http-client.js';
import { rejection } from '../../../tests/support/error-code.js';
import { closedPort, makeTestPki, startHttpServer, startHttpsServer, type TestPki, type TestServer } from '../../../tests/support/remote.js';

let pki: TestPki;
const servers: TestServer[] = [];
const clients: HttpClient[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(async () => {
  await pki.cleanup();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

function client(opts: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const c = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }), ...opts });
  clients.push(c);
  return c;
}

async function server(...args: Parameters<typeof startHttpsServer>): Promise<TestServer> {
  const s = await startHttpsServer(...args);
  servers.push(s);
  return s;
}

describe('HttpClient over TLS', () => {
  it('GETs over https with a CA from tlsFor, and returns status, headers, body and url', async () => {
    const s = await server(pki.server, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-test': 'yes' });
      res.end(`hello ${req.method} ${req.url}`);
    });
    const res = await client().request({ url: `${s.url}/v2/?q=1`, maxBytes: 1024 });
    expect(res.status).toBe(200);
    expect(res.headers['x-test']).toBe('yes');
    expect(res.body.toString()).toBe('hello GET /v2/?q=1');
    expect(res.url).toBe(`${s.url}/v2/?q=1`);
  });

  it('returns non-2xx statuses instead of throwing', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(404);
      res.end('nope');
    });
    const res = await client().request({ url: `${s.url}/x`, maxBytes: 1024 });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe('nope');
  });

  it('sends method, headers and body', async () => {
    let seen = '';
    const s = await server(pki.server, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = `${req.method} ${req.headers['content-type']} ${req.headers['content-length']} ${Buffer.concat(chunks).toString()}`;
        res.writeHead(201);
        res.end();
      });
    });
    const res = await client().request({
      method: 'PUT',
      url: `${s.url}/up`,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Buffer.from('payload'),
      maxBytes: 10,
    });
    expect(res.status).toBe(201);
    expect(seen).toBe('PUT application/octet-stream 7 payload');
  });

  it('fails with TLS_ERROR "certificate signed by unknown authority" without the CA', async () => {
    const s = await server(pki.server, (_req, res) => res.end('x'));
    const err = await rejection(client({ tlsFor: () => ({}) }).request({ url: `${s.url}/`, maxBytes: 10 }));
    expect(err.code).toBe('TLS_ERROR');
    expect(err.message).toContain('certificate signed by unknown authority');
    expect(err.message).toContain(s.url);
  });

  it('fails with TLS_ERROR when the server is signed by a different CA', async () => {
    const s = await server(pki.otherServer, (_req, res) => res.end('x'));
    const err = await rejection(client().request({ url: `${s.url}/`, maxBytes: 10 }));
    expect(err.code).toBe('TLS_ERROR');
    expect(err.message).toContain('certificate signed by unknown authority');
  });

  it('insecureSkipVerify accepts an unknown CA (explicit only)', async () => {
    const s = await server(pki.otherServer, (_req, res) => res.end('ok'));
    const res = await client({ tlsFor: () => ({ insecureSkipVerify: true }) }).request({ url: `${s.url}/`, maxBytes: 10 });
    expect(res.body.toString()).toBe('ok');
  });

  it('presents a client certificate for mutual TLS', async () => {
    const s = await server(
      pki.server,
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.end(peer.subject?.CN ?? 'none');
      },
      { ca: pki.ca, requestCert: true },
    );
    const withCert = client({ tlsFor: () => ({ ca: [pki.ca], cert: pki.client.cert, key: pki.client.key }) });
    const res = await withCert.request({ url: `${s.url}/`, maxBytes: 100 });
    expect(res.body.toString()).toBe('trustdesk-client');
    await expect(client().request({ url: `${s.url}/`, maxBytes: 100 })).rejects.toBeInstanceOf(TrustDeskError);
  });

  it('keeps one agent per distinct TLS material: a CA given for one host is not trusted for another', async () => {
    const a = await server(pki.server, (_req, res) => res.end('a'));
    const b = await server(pki.server, (_req, res) => res.end('b'));
    const c = client({ tlsFor: (hostPort) => (hostPort === a.hostPort ? { ca: [pki.ca] } : {}) });
    expect((await c.request({ url: `${a.url}/`, maxBytes: 10 })).body.toString()).toBe('a');
    const err = await rejection(c.request({ url: `${b.url}/`, maxBytes: 10 }));
    expect(err.code).toBe('TLS_ERROR');
    expect(c.agentCount).toBe(2);
    // Same material again: the existing agent is reused.
    await c.request({ url: `${a.url}/`, maxBytes: 10 });
    expect(c.agentCount).toBe(2);
  });

  it('reuses the same keep-alive socket for consecutive requests', async () => {
    const s = await server(pki.server, (_req, res) => res.end('x'));
    const c = client();
    await c.request({ url: `${s.url}/1`, maxBytes: 10 });
    await c.request({ url: `${s.url}/2`, maxBytes: 10 });
    await c.request({ method: 'HEAD', url: `${s.url}/3`, maxBytes: 10 });
    expect(s.socketIds).toEqual([1, 1, 1]);
  });

  it('opens at most maxSocketsPerHost connections for parallel requests', async () => {
    const s = await server(pki.server, (_req, res) => setTimeout(() => res.end('x'), 30));
    const c = client({ maxSocketsPerHost: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.request({ url: `${s.url}/${i}`, maxBytes: 10 })));
    expect(new Set(s.socketIds).size).toBe(3);
  });

  it('retries a GET once when a reused keep-alive socket turns out to be closed', async () => {
    // The server drops the connection, without answering, on the second request of each socket:
    // exactly what a client sees when an idle socket is closed by the server as it is reused.
    const perSocket = new WeakMap<object, number>();
    const s = await server(pki.server, (req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1) req.socket.destroy();
      else res.end('x');
    });
    const c = client();
    await c.request({ url: `${s.url}/1`, maxBytes: 10 });
    const res = await c.request({ url: `${s.url}/2`, maxBytes: 10 });
    expect(res.status).toBe(200);
    expect(s.socketIds).toEqual([1, 1, 2]);
    // Not for POST: the request may have had effects, so the error surfaces.
    await c.request({ url: `${s.url}/3`, maxBytes: 10 }).catch(() => undefined);
    const err = await rejection(c.request({ method: 'POST', url: `${s.url}/4`, body: Buffer.from('x'), maxBytes: 10 }));
    expect(err.code).toBe('NETWORK_UNREACHABLE');
  });

  it('reports a plain-HTTP server on an https URL as TLS_ERROR', async () => {
    const plain = await startHttpServer((_req, res) => res.end('x'));
    servers.push(plain);
    const err = await rejection(client().request({ url: `https://127.0.0.1:${plain.port}/`, maxBytes: 10 }));
    expect(err.code).toBe('TLS_ERROR');
  });
});

describe('HttpClient limits', () => {
  it('refuses http:// URLs unless allowHttp, naming the URL', async () => {
    const err = await rejection(client().request({ url: 'http://127.0.0.1:1/v2/', maxBytes: 10 }));
    expect(err.code).toBe('INSECURE_URL');
    expect(err.message).toContain('http://127.0.0.1:1/v2/');
    const plain = await startHttpServer((_req, res) => res.end('plain'));
    servers.push(plain);
    const res = await client({ allowHttp: true }).request({ url: `${plain.url}/`, maxBytes: 10 });
    expect(res.body.toString()).toBe('plain');
  });

  it('rejects malformed URLs with INVALID_ARGUMENT', async () => {
    expect((await rejection(client().request({ url: 'not a url', maxBytes: 1 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('aborts a streamed 50 MB body as soon as it passes maxBytes', async () => {
    let written = 0;
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked, no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const started = Date.now();
    const err = await rejection(client().request({ url: `${s.url}/big`, maxBytes: 1024 * 1024 }));
    expect(err.code).toBe('RESPONSE_TOO_LARGE');
    expect(err.message).toContain('1048576 bytes');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('rejects at once when Content-Length announces more than maxBytes', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
      // never finishes: the client must not wait for the body
    });
    const started = Date.now();
    const err = await rejection(client().request({ url: `${s.url}/big`, maxBytes: 4096 }));
    expect(err.code).toBe('RESPONSE_TOO_LARGE');
    expect(err.message).toContain('Content-Length 52428800');
    expect(err.message).toContain('4096 bytes');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not apply Content-Length to HEAD responses', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.end();
    });
    const res = await client().request({ method: 'HEAD', url: `${s.url}/`, maxBytes: 10 });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('52428800');
    expect(res.body.length).toBe(0);
  });

  it('times out with NETWORK_TIMEOUT when the server sends headers and then stalls the body', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
    });
    const started = Date.now();
    const err = await rejection(client({ timeoutMs: 300 }).request({ url: `${s.url}/stall`, maxBytes: 10_000 }));
    expect(err.code).toBe('NETWORK_TIMEOUT');
    expect(err.message).toContain('300 ms');
    expect(err.message).toContain('body');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out when the server never answers, honouring a per-request timeout', async () => {
    const s = await server(pki.server, () => {
      /* never respond */
    });
    const started = Date.now();
    const err = await rejection(client().request({ url: `${s.url}/`, maxBytes: 10, timeoutMs: 200 }));
    expect(err.code).toBe('NETWORK_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('maps a refused connection to NETWORK_UNREACHABLE', async () => {
    const port = await closedPort();
    const err = await rejection(client().request({ url: `https://127.0.0.1:${port}/v2/`, maxBytes: 10 }));
    expect(err.code).toBe('NETWORK_UNREACHABLE');
    expect(err.message).toContain('connection refused');
    expect(err.message).toContain(`https://127.0.0.1:${port}/v2/`);
  });

  it('reports a connection closed mid-body', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('short', () => res.socket?.destroy());
    });
    const err = await rejection(client().request({ url: `${s.url}/`, maxBytes: 1000 }));
    expect(err.code).toBe('NETWORK_UNREACHABLE');
  });

  it('refuses to be used after close()', async () => {
    const c = client();
    c.close();
    expect((await rejection(c.request({ url: 'https://127.0.0.1/', maxBytes: 1 }))).code).toBe('INTERNAL');
  });
});

describe('HttpClient redirects', () => {
  it('follows redirects for GET, keeping Authorization on the same host and dropping it on another', async () => {
    const target = await server(pki.server, (req, res) => res.end(`auth=${req.headers.authorization ?? 'none'}`));
    const s = await server(pki.server, (req, res) => {
      if (req.url === '/same') {
        res.writeHead(307, { location: '/final' });
        res.end();
      } else if (req.url === '/final') {
        res.end(`auth=${req.headers.authorization ?? 'none'}`);
      } else {
        res.writeHead(302, { location: `${target.url}/elsewhere?sig=secret` });
        res.end('moved');
      }
    });
    const c = client();
    const same = await c.request({ url: `${s.url}/same`, headers: { Authorization: 'Bearer t' }, maxBytes: 100 });
    expect(same.body.toString()).toBe('auth=Bearer t');
    expect(same.url).toBe(`${s.url}/final`);
    const other = await c.request({ url: `${s.url}/other`, headers: { Authorization: 'Bearer t' }, maxBytes: 100 });
    expect(other.body.toString()).toBe('auth=none');
    expect(other.url).toBe(`${target.url}/elsewhere?sig=secret`);
  });

  it('stops after 5 redirects with TOO_MANY_REDIRECTS', async () => {
    const s = await server(pki.server, (req, res) => {
      const n = Number((req.url ?? '/0').slice(1));
      res.writeHead(302, { location: `/${n + 1}` });
      res.end();
    });
    const err = await rejection(client().request({ url: `${s.url}/0`, maxBytes: 100 }));
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
    expect(s.requests).toHaveLength(6);
  });

  it('follows exactly 5 redirects', async () => {
    const s = await server(pki.server, (req, res) => {
      const n = Number((req.url ?? '/0').slice(1));
      if (n === 5) res.end('done');
      else {
        res.writeHead(301, { location: `/${n + 1}` });
        res.end();
      }
    });
    expect((await client().request({ url: `${s.url}/0`, maxBytes: 100 })).body.toString()).toBe('done');
  });

  it('does not follow redirects for PUT/POST', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    });
    const res = await client().request({ method: 'POST', url: `${s.url}/x`, body: Buffer.from('a'), maxBytes: 100 });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('/elsewhere');
  });

  it('refuses a redirect to http://', async () => {
    const s = await server(pki.server, (_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/plain' });
      res.end();
    });
    const err = await rejection(client().request({ url: `${s.url}/x`, maxBytes: 100 }));
    expect(err.code).toBe('INSECURE_URL');
  });
});

describe('error mapping', () => {
  it('maps common transport codes', () => {
    const m = (code: string, message = 'boom') => mapTransportError(Object.assign(new Error(message), { code }), 'https://h:1/p?x=secret');
    expect(m('ENOTFOUND').code).toBe('NETWORK_UNREACHABLE');
    expect(m('ENOTFOUND').message).toBe('cannot reach https://h:1/p: host not found (ENOTFOUND)');
    expect(m('ECONNRESET').code).toBe('NETWORK_UNREACHABLE');
    expect(m('ETIMEDOUT').code).toBe('NETWORK_TIMEOUT');
    expect(m('CERT_HAS_EXPIRED').code).toBe('TLS_ERROR');
    expect(m('ERR_TLS_CERT_ALTNAME_INVALID').message).toContain('not valid for this host');
    expect(m('SELF_SIGNED_CERT_IN_CHAIN').message).toContain('certificate signed by unknown authority');
    expect(m('HPE_INVALID_CONSTANT').code).toBe('HTTP_ERROR');
  });

  it('describes URLs without query strings or credentials', () => {
    expect(describeUrl('https://user:pw@h:5000/a/b?token=x#f')).toBe('https://h:5000/a/b');
  });
});
