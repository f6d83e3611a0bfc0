/**
 * Test-only helpers for the remote layer: a throw-away PKI made with the `openssl` CLI and local
 * HTTPS/HTTP servers on 127.0.0.1. Nothing in the application imports this module.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  ca: Buffer;
  caFile: string;
  /** Server certificate for localhost / 127.0.0.1 / ::1, signed by `ca`. */
  server: KeyPair;
  /** Client certificate (clientAuth), signed by `ca`. */
  client: KeyPair;
  /** A second, unrelated CA and a server certificate signed by it. */
  otherCa: Buffer;
  otherCaFile: string;
  otherServer: KeyPair;
  cleanup(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd, timeout: 20_000 });
}

async function makeCa(dir: string, name: string): Promise<{ file: string; keyFile: string }> {
  const keyFile = join(dir, `${name}.key`);
  const file = join(dir, `${name}.crt`);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], dir);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-subj',
      `/CN=TrustDesk test ${name}`,
      '-days',
      '2',
      '-out',
      file,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { file, keyFile };
}

async function makeLeaf(dir: string, name: string, ca: { file: string; keyFile: string }, ext: string, cn: string): Promise<KeyPair> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, ext);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], dir);
  await openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', csr], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.file,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '2',
      '-out',
      certFile,
      '-extfile',
      extFile,
    ],
    dir,
  );
  return { cert: await readFile(certFile), key: await readFile(keyFile), certFile, keyFile };
}

/** Makes two CAs, a server certificate under each and a client certificate (about 100 ms). */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'trustdesk-pki-'));
  const serverExt =
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n';
  const clientExt = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';
  const ca = await makeCa(dir, 'ca');
  const other = await makeCa(dir, 'other-ca');
  const server = await makeLeaf(dir, 'server', ca, serverExt, 'localhost');
  const client = await makeLeaf(dir, 'client', ca, clientExt, 'trustdesk-client');
  const otherServer = await makeLeaf(dir, 'other-server', other, serverExt, 'localhost');
  return {
    dir,
    ca: await readFile(ca.file),
    caFile: ca.file,
    server,
    client,
    otherCa: await readFile(other.file),
    otherCaFile: other.file,
    otherServer,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TestServer {
  /** e.g. `https://127.0.0.1:40123` (no trailing slash). */
  url: string;
  port: number;
  hostPort: string;
  /** Remote ports of the sockets that served each request, in order (keep-alive checks). */
  socketIds: number[];
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function track(server: http.Server | https.Server, handler: Handler, protocol: string): Promise<TestServer> {
  const socketIds: number[] = [];
  const requests: TestServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  let nextId = 1;
  const ids = new WeakMap<object, number>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let id = ids.get(req.socket);
    if (id === undefined) {
      id = nextId++;
      ids.set(req.socket, id);
    }
    socketIds.push(id);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${protocol}://127.0.0.1:${port}`,
        port,
        hostPort: `127.0.0.1:${port}`,
        socketIds,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** HTTPS server on 127.0.0.1 with the given certificate; `requestCert` asks for a client certificate. */
export function startHttpsServer(
  pair: { cert: Buffer; key: Buffer },
  handler: Handler,
  extra: { ca?: Buffer; requestCert?: boolean; keepAliveTimeout?: number } = {},
): Promise<TestServer> {
  const options: https.ServerOptions = { cert: pair.cert, key: pair.key };
  if (extra.ca !== undefined) options.ca = [extra.ca];
  if (extra.requestCert === true) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  const server = https.createServer(options);
  server.keepAliveTimeout = extra.keepAliveTimeout ?? 5_000;
  return track(server, handler, 'https');
}

/** Plain HTTP server on 127.0.0.1 (for `allowHttp` tests and fake token servers). */
export function startHttpServer(handler: Handler): Promise<TestServer> {
  return track(http.createServer(), handler, 'http');
}

/** A port on 127.0.0.1 with nothing listening (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}
