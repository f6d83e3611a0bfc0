/**
 * Real servers for the lab on 127.0.0.1: notary-server (local or remote trust
 * service), notary-signer and docker-registry, each on a free port with TLS,
 * logs in files, ready when its health endpoint answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labEnv, writeDockerConfig } from './client-config.js';
import { httpsRequest } from './https.js';
import { freePort, spawnServer, waitReady, type ManagedProcess } from './process.js';
import { makeTlsMaterial, type TlsMaterial } from './tls.js';

/** A running server. `stop()` is safe to call twice. */
export interface RunningServer {
  name: string;
  /** Base URL (`https://127.0.0.1:PORT`); for notary-signer the gRPC address. */
  url: string;
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Directory for the config file, log and (registry) storage. */
  dir: string;
  tls: TlsMaterial;
  /** Health deadline; default 20 s. */
  timeoutMs?: number;
  /** Port to bind; default a free one (retried on a bind race). */
  port?: number;
}

export interface NotaryServerOptions extends ServerOptions {
  /** `local` (default): keys in notary-server's memory; `remote`: a notary-signer. */
  trustService?: 'local' | { type: 'remote'; hostname: string; port: number };
}

const DEFAULT_TIMEOUT = 20_000;

function toServer(proc: ManagedProcess, url: string, port: number): RunningServer {
  return { name: proc.name, url, port, pid: proc.pid, logFile: proc.logFile, stop: () => proc.stop() };
}

/** Starts a server on a free port, retrying with another port when the process dies early (bind race). */
async function startWithRetry(opts: ServerOptions, launch: (port: number, attempt: number) => Promise<RunningServer>): Promise<RunningServer> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch(port, attempt);
    } catch (err) {
      lastErr = err;
      if (opts.port !== undefined) break;
    }
  }
  throw lastErr;
}

async function httpsOk(url: string, ca: string): Promise<boolean> {
  const res = await httpsRequest({ url, ca, timeoutMs: 2000 });
  return res.status === 200;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts `notary-signer` (gRPC over mutual TLS, memory storage). Ready when its port accepts connections. */
export async function startNotarySigner(opts: ServerOptions): Promise<RunningServer> {
  await mkdir(opts.dir, { recursive: true });
  return startWithRetry(opts, async (port, attempt) => {
    const config = {
      server: {
        grpc_addr: `127.0.0.1:${port}`,
        tls_cert_file: opts.tls.serverChain,
        tls_key_file: opts.tls.serverKey,
        client_ca_file: opts.tls.caCert,
      },
      logging: { level: 'info' },
      storage: { backend: 'memory' },
    };
    const configFile = join(opts.dir, 'signer-config.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const proc = spawnServer(
      'notary-signer',
      'notary-signer',
      ['-config', configFile, '-logf', 'logfmt'],
      join(opts.dir, `notary-signer${attempt ? `.${attempt}` : ''}.log`),
      opts.dir,
    );
    await waitReady(proc, () => tcpOpen(port), opts.timeoutMs ?? DEFAULT_TIMEOUT);
    return toServer(proc, `127.0.0.1:${port}`, port);
  });
}

/** Starts `notary-server` with memory storage; ready when `/_notary_server/health` answers 200. */
export async function startNotaryServer(opts: NotaryServerOptions): Promise<RunningServer> {
  await mkdir(opts.dir, { recursive: true });
  const ts = opts.trustService ?? 'local';
  const trustService =
    ts === 'local'
      ? { type: 'local', hostname: '', port: '', key_algorithm: 'ed25519' }
      : {
          type: 'remote',
          hostname: ts.hostname,
          port: String(ts.port),
          key_algorithm: 'ecdsa',
          tls_ca_file: opts.tls.caCert,
          tls_client_cert: opts.tls.clientCert,
          tls_client_key: opts.tls.clientKey,
        };
  return startWithRetry(opts, async (port, attempt) => {
    const config = {
      server: {
        http_addr: `127.0.0.1:${port}`,
        tls_cert_file: opts.tls.serverChain,
        tls_key_file: opts.tls.serverKey,
      },
      trust_service: trustService,
      logging: { level: 'info' },
      storage: { backend: 'memory' },
    };
    const configFile = join(opts.dir, 'server-config.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const proc = spawnServer(
      'notary-server',
      'notary-server',
      ['-config', configFile, '-logf', 'logfmt'],
      join(opts.dir, `notary-server${attempt ? `.${attempt}` : ''}.log`),
      opts.dir,
    );
    const url = `https://127.0.0.1:${port}`;
    await waitReady(proc, () => httpsOk(`${url}/_notary_server/health`, opts.tls.caCert), opts.timeoutMs ?? DEFAULT_TIMEOUT);
    return toServer(proc, url, port);
  });
}

/** Starts `docker-registry serve` (filesystem storage in `dir/data`, deletes enabled); ready when `/v2/` answers 200. */
export async function startRegistry(opts: ServerOptions): Promise<RunningServer> {
  const dataDir = join(opts.dir, 'data');
  await mkdir(dataDir, { recursive: true });
  return startWithRetry(opts, async (port, attempt) => {
    const yaml = [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(dataDir)}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      '  tls:',
      `    certificate: ${JSON.stringify(opts.tls.serverChain)}`,
      `    key: ${JSON.stringify(opts.tls.serverKey)}`,
      'health:',
      '  storagedriver:',
      '    enabled: false',
      '',
    ].join('\n');
    const configFile = join(opts.dir, 'config.yml');
    await writeFile(configFile, yaml);
    const proc = spawnServer(
      'docker-registry',
      'docker-registry',
      ['serve', configFile],
      join(opts.dir, `registry${attempt ? `.${attempt}` : ''}.log`),
      opts.dir,
    );
    const url = `https://127.0.0.1:${port}`;
    await waitReady(proc, () => httpsOk(`${url}/v2/`, opts.tls.caCert), opts.timeoutMs ?? DEFAULT_TIMEOUT);
    return toServer(proc, url, port);
  });
}

/** A running lab: servers plus the client-side config to talk to them. */
export interface Lab {
  /** Root directory of everything the lab writes. */
  dir: string;
  /** PEM file of the lab CA. */
  caFile: string;
  tls: TlsMaterial;
  /** `https://127.0.0.1:PORT` of notary-server. */
  notaryUrl: string;
  /** `127.0.0.1:PORT` of notary-server. */
  notaryHost: string;
  /** `https://127.0.0.1:PORT` of the registry. */
  registryUrl: string;
  /** `127.0.0.1:PORT` of the registry (the registry part of every lab GUN). */
  registryHost: string;
  /** `DOCKER_CONFIG`: `config.json` `{"auths":{}}`, `tls/<host:port>/ca.crt` for both servers. */
  dockerConfigDir: string;
  /** `dockerConfigDir/trust`, shared by the docker and notary CLIs. */
  trustDir: string;
  /** Lab variables for the docker and notary CLIs (merge over `process.env`). */
  env: Record<string, string>;
  /** True when notary-server uses a real notary-signer (ECDSA server keys). */
  remoteSigner: boolean;
  servers: { notary: RunningServer; registry: RunningServer; signer?: RunningServer };
  /** PIDs of every server process. */
  pids: number[];
  /** Stops every server (SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

export interface LabOptions {
  /** Lab directory; default a fresh temp dir (removed again by `stop()`). */
  dir?: string;
  /** Empty `dir` first (default false). */
  clean?: boolean;
  /** Use notary-signer as the trust service (default false: local). */
  remoteSigner?: boolean;
  /** Health deadline per server; default 20 s. */
  timeoutMs?: number;
}

/** Starts TLS, (notary-signer,) notary-server and the registry, and writes the client config. */
export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const ownDir = opts.dir === undefined;
  const dir = ownDir ? await mkdtemp(join(tmpdir(), 'trustdesk-lab-')) : resolve(opts.dir!);
  if (opts.clean && !ownDir) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const tls = await makeTlsMaterial(join(dir, 'tls'));
  const started: RunningServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const timeoutMs = opts.timeoutMs;
    let signer: RunningServer | undefined;
    if (opts.remoteSigner) {
      signer = await startNotarySigner({ dir: join(dir, 'notary-signer'), tls, timeoutMs });
      started.push(signer);
    }
    const settled = await Promise.allSettled([
      startNotaryServer({
        dir: join(dir, 'notary-server'),
        tls,
        timeoutMs,
        trustService: signer ? { type: 'remote', hostname: '127.0.0.1', port: signer.port } : 'local',
      }),
      startRegistry({ dir: join(dir, 'registry'), tls, timeoutMs }),
    ]);
    for (const r of settled) if (r.status === 'fulfilled') started.push(r.value);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    const [notary, registry] = started.slice(-2) as [RunningServer, RunningServer];
    const notaryHost = `127.0.0.1:${notary.port}`;
    const registryHost = `127.0.0.1:${registry.port}`;
    const dockerConfigDir = join(dir, 'docker');
    const trustDir = await writeDockerConfig(dockerConfigDir, tls.caCert, [notaryHost, registryHost]);
    let stopped: Promise<void> | undefined;
    return {
      dir,
      caFile: tls.caCert,
      tls,
      notaryUrl: notary.url,
      notaryHost,
      registryUrl: registry.url,
      registryHost,
      dockerConfigDir,
      trustDir,
      env: labEnv(dockerConfigDir, notary.url),
      remoteSigner: Boolean(signer),
      servers: { notary, registry, ...(signer ? { signer } : {}) },
      pids: started.map((s) => s.pid),
      stop: () =>
        (stopped ??= (async () => {
          await stopAll();
          if (ownDir) await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
