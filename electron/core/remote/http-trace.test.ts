import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';
import { formatTrace, summarizeTrace, type HttpTraceEvent } from './http-trace.js';
import { closedPort, makeTestPki, startHttpsServer, type TestPki, type TestServer } from '../../../tests/support/remote.js';

let pki: TestPki;
let s: TestServer;
const clients: HttpClient[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  s = await startHttpsServer(pki.server, (req, res) => {
    if (req.url?.startsWith('/missing')) {
      res.writeHead(404);
      res.end('no');
      return;
    }
    res.writeHead(200);
    res.end('x'.repeat(100));
  });
});
afterAll(async () => {
  await s.close();
  await pki.cleanup();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function tracedClient(events: HttpTraceEvent[], maxSocketsPerHost = 2): HttpClient {
  const c = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }), maxSocketsPerHost, trace: (e) => events.push(e) });
  clients.push(c);
  return c;
}

describe('HTTP trace hook', () => {
  it('records every exchange over a real TLS server: connection, TLS, first byte, status, size; the path without its query', async () => {
    const events: HttpTraceEvent[] = [];
    const c = tracedClient(events);
    await Promise.all([1, 2, 3, 4, 5].map((i) => c.request({ url: `${s.url}/v2/r${i}.json?token=secret`, maxBytes: 1024 })));
    await c.request({ url: `${s.url}/missing`, maxBytes: 1024 });
    expect(events).toHaveLength(6);
    const fresh = events.filter((e) => !e.reused);
    // at most two connections per host: the other requests waited for one and reused it
    expect(fresh).toHaveLength(2);
    for (const e of fresh) {
      expect(e.start).toBeLessThanOrEqual(e.socket!);
      expect(e.socket!).toBeLessThanOrEqual(e.connect!);
      expect(e.connect!).toBeLessThanOrEqual(e.tls!);
      expect(e.tls!).toBeLessThanOrEqual(e.firstByte!);
    }
    for (const e of events) {
      expect(e.host).toBe(new URL(s.url).host);
      expect(e.path).not.toContain('secret');
      expect(e.firstByte!).toBeLessThanOrEqual(e.end);
      expect(e.end).toBeLessThan(performance.now());
    }
    expect(events.filter((e) => e.status === 200).map((e) => e.bytes)).toEqual([100, 100, 100, 100, 100]);
    expect(events.find((e) => e.path === '/missing')).toMatchObject({ status: 404, bytes: 2, reused: true });
    expect(summarizeTrace(events)).toMatchObject({ requests: 6, connections: 2, errors: 1 });
  });

  it('records a failed attempt with its error code', async () => {
    const events: HttpTraceEvent[] = [];
    const c = tracedClient(events);
    const port = await closedPort();
    await expect(c.request({ url: `https://127.0.0.1:${port}/x`, maxBytes: 10 })).rejects.toThrow();
    expect(events).toHaveLength(1);
    expect(events[0]!.error).toBe('NETWORK_UNREACHABLE');
    expect(events[0]!.firstByte).toBeUndefined();
  });

  it('formats a timeline sorted by start, relative to an origin', () => {
    const base = { method: 'GET', host: 'h:1', bytes: 10, reused: false };
    const text = formatTrace(
      [
        { ...base, path: '/b', start: 120, socket: 121, firstByte: 130, end: 131, status: 200, reused: true },
        { ...base, path: '/a', start: 100, socket: 101, connect: 102.25, tls: 110, firstByte: 115, end: 116, status: 200 },
        { ...base, path: '/c', start: 125, end: 126, error: 'NETWORK_TIMEOUT' },
      ],
      100,
    ).split('\n');
    expect(text[0]).toMatch(/^start\s+socket\s+connect\s+tls\s+first byte\s+end\s+status\s+bytes\s+request$/);
    expect(text[1]).toMatch(/^\s*0\.0\s+1\.0\s+2\.3\s+10\.0\s+15\.0\s+16\.0\s+200\s+10\s+GET \/a$/);
    expect(text[2]).toMatch(/^\s*20\.0\s+reused\s+30\.0\s+31\.0\s+200\s+10\s+GET \/b$/);
    expect(text[3]).toMatch(/^\s*25\.0\s+26\.0\s+NETWORK_TIMEOUT\s+10\s+GET \/c$/);
    expect(summarizeTrace([])).toEqual({ requests: 0, connections: 0, firstStart: 0, lastEnd: 0, errors: 0 });
  });

  it('is off by default: a client without a hook records nothing', async () => {
    const c = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }) });
    clients.push(c);
    expect((c as unknown as { trace: unknown }).trace).toBeUndefined();
    expect((await c.request({ url: `${s.url}/x`, maxBytes: 1024 })).status).toBe(200);
  });
});
