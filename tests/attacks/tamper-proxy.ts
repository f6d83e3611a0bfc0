/**
 * A man in the middle for attack tests: an HTTPS server on 127.0.0.1 (lab server certificate, so a
 * client trusting the lab CA accepts it) that forwards every request to the real notary-server and
 * lets the test rewrite what comes back.
 *
 * - `proxy.rule = (path, body, status) => ...` rewrites upstream responses (return `undefined` to pass
 *   the response through unchanged, a Buffer/string for a new body, or `{ status, body }`).
 * - `proxy.serve(match, response)` answers matching paths without asking upstream: a prepared body,
 *   a stream (for huge bodies, produced as the socket drains), or a stall (never answered).
 * - `proxy.seen` holds the last upstream body per path (to replay old metadata later), `proxy.requests`
 *   every path asked for, `proxy.tampered` every path whose answer did not come unchanged from upstream.
 */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export type RuleResult = Buffer | string | { status?: number; body: Buffer | string } | undefined;
export type Rule = (path: string, body: Buffer, status: number) => RuleResult;

export type PreparedResponse =
  | { body: Buffer | string; status?: number; headers?: Record<string, string> }
  | { stream: () => Readable; status?: number; headers?: Record<string, string> }
  | { stall: true };

export type PathMatch = string | RegExp | ((path: string) => boolean);

export interface TamperProxyOptions {
  /** Base URL of the real server, e.g. `lab.notaryUrl`. */
  upstream: string;
  /** PEM of the CA the upstream certificate is checked against. */
  caFile: string;
  /** Certificate (chain) and key the proxy serves; must be valid for 127.0.0.1. */
  certFile: string;
  keyFile: string;
}

export interface TamperProxy {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Rewrites upstream responses; `undefined` passes everything through. */
  rule: Rule | undefined;
  /** Answers paths matching `match` with `response` (later registrations win). */
  serve(match: PathMatch, response: PreparedResponse): void;
  /** Drops the rule, every prepared response and the logs. */
  reset(): void;
  /** Last upstream body seen per path. */
  readonly seen: Map<string, Buffer>;
  /** Every path requested, in order. */
  readonly requests: string[];
  /** Paths answered with something other than the upstream's own response. */
  readonly tampered: string[];
  stop(): Promise<void>;
}

/** The path of a TUF file of `gun` on a notary server. */
export function tufPath(gun: string, file: string): string {
  return `/v2/${gun}/_trust/tuf/${file}`;
}

function matches(m: PathMatch, path: string): boolean {
  if (typeof m === 'string') return m === path;
  if (m instanceof RegExp) return m.test(path);
  return m(path);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'te', 'trailer']);

function copyHeaders(h: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/**
 * A stream of `total` bytes starting with `prefix`, the rest spaces, made from one reused chunk and
 * produced only as fast as the consumer reads. `produced()` tells how many bytes were handed out.
 */
export function paddedStream(total: number, prefix = '', chunkSize = 64 * 1024): { stream: Readable; produced(): number } {
  const head = Buffer.from(prefix, 'utf8');
  const filler = Buffer.alloc(chunkSize, 0x20);
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      let chunk: Buffer;
      if (sent === 0 && head.length > 0) chunk = head.subarray(0, Math.min(head.length, total));
      else chunk = filler.subarray(0, Math.min(chunkSize, total - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, produced: () => sent };
}

export async function startTamperProxy(opts: TamperProxyOptions): Promise<TamperProxy> {
  const [ca, cert, key] = await Promise.all([readFile(opts.caFile), readFile(opts.certFile), readFile(opts.keyFile)]);
  const upstream = new URL(opts.upstream);
  const agent = new https.Agent({ keepAlive: true, ca, maxSockets: 8 });
  const prepared: Array<{ match: PathMatch; response: PreparedResponse }> = [];
  const seen = new Map<string, Buffer>();
  const requests: string[] = [];
  const tampered: string[] = [];
  const open = new Set<ServerResponse>();

  const answerPrepared = (res: ServerResponse, response: PreparedResponse): void => {
    if ('stall' in response) return; // keep the request open until the client gives up or stop()
    const status = response.status ?? 200;
    if ('stream' in response) {
      res.writeHead(status, { 'content-type': 'application/json', ...response.headers });
      const s = response.stream();
      s.on('error', () => res.destroy());
      res.on('close', () => s.destroy());
      s.pipe(res);
      return;
    }
    const body = Buffer.from(response.body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, ...response.headers });
    res.end(body);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, path: string, reqBody: Buffer): void => {
    const headers = copyHeaders(req.headers);
    headers.host = upstream.host;
    if (reqBody.length > 0) headers['content-length'] = reqBody.length;
    const up = https.request(new URL(req.url ?? '/', upstream), { method: req.method, headers, agent }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('error', () => res.destroy());
      upRes.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = upRes.statusCode ?? 502;
        seen.set(path, body);
        let out = body;
        let outStatus = status;
        const r = proxy.rule?.(path, body, status);
        if (r !== undefined) {
          tampered.push(path);
          if (Buffer.isBuffer(r) || typeof r === 'string') out = Buffer.from(r);
          else {
            out = Buffer.from(r.body);
            outStatus = r.status ?? status;
          }
        }
        const outHeaders = copyHeaders(upRes.headers);
        outHeaders['content-length'] = out.length;
        res.writeHead(outStatus, outHeaders);
        res.end(out);
      });
    });
    up.on('error', (err) => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`tamper proxy: upstream error: ${err.message}`);
      }
    });
    up.end(reqBody);
  };

  const server = https.createServer({ cert, key }, (req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = new URL(req.url ?? '/', 'https://proxy.invalid').pathname;
    requests.push(path);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (let i = prepared.length - 1; i >= 0; i--) {
        const p = prepared[i]!;
        if (matches(p.match, path)) {
          tampered.push(path);
          answerPrepared(res, p.response);
          return;
        }
      }
      forward(req, res, path, Buffer.concat(chunks));
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const proxy: TamperProxy = {
    url: `https://127.0.0.1:${port}`,
    port,
    rule: undefined,
    serve(match, response) {
      prepared.push({ match, response });
    },
    reset() {
      proxy.rule = undefined;
      prepared.length = 0;
      seen.clear();
      requests.length = 0;
      tampered.length = 0;
    },
    seen,
    requests,
    tampered,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
  return proxy;
}
