/**
 * Talks to the PKCS#11 worker process (worker.ts) over JSON messages. The worker is started on first
 * use (child_process.fork here; the app passes an Electron utilityProcess transport) and started again
 * after it died. A worker that exits or crashes mid-request, or does not answer within the timeout,
 * fails that request with TOKEN_WORKER_FAILED: the caller's process goes on and nothing was signed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustDeskError, type ErrorCode } from '../../base/errors.js';
import type { ModuleReport, TokenObject, TokenRef, WorkerReply, WorkerRequest } from '../../../signer/protocol.js';

/** One running worker, however it was started. */
export interface WorkerTransport {
  send(msg: unknown): void;
  onMessage(fn: (msg: unknown) => void): void;
  /** Called once when the worker is gone (exit code or signal as text). */
  onExit(fn: (why: string) => void): void;
  kill(): void;
  /** Keep the caller's process alive while a request runs / let it exit when idle (child processes). */
  ref?(): void;
  unref?(): void;
  readonly pid?: number;
}

export type TransportFactory = () => WorkerTransport;

/** The compiled worker next to this module (dist), beside the CLI bundle in dist/, or built from the sources. */
export function defaultWorkerPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRUSTDESK_PKCS11_WORKER) return resolve(env.TRUSTDESK_PKCS11_WORKER);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '../../../signer/worker.js'), // dist/electron/core/signing/token -> dist/electron/signer
    join(here, 'electron/signer/worker.js'), // beside the CLI bundle in dist/
    join(here, '../electron/signer/worker.js'), // from the CLI bundle's dist/cli-chunks/
    join(here, '../../../../dist/electron/signer/worker.js'), // from the sources (tests)
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new TrustDeskError('TOKEN_WORKER_FAILED', `the PKCS#11 worker is not built (looked for ${candidates.join(', ')}): run npm run build`);
  return found;
}

/** The worker's environment: the caller's (module variables such as SOFTHSM2_CONF) without PINs or passphrases. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, TRUSTDESK_PKCS11_WORKER_MAIN: '1' };
  for (const k of Object.keys(out)) if (/PIN$|PASSPHRASE/i.test(k)) delete out[k];
  return out;
}

/** child_process.fork of the worker (CLI, tests). Its stdout/stderr are not shown to the user. */
export function forkTransport(workerPath = defaultWorkerPath(), env: NodeJS.ProcessEnv = process.env): TransportFactory {
  return () => {
    const child: ChildProcess = fork(workerPath, [], {
      env: workerEnv(env),
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-2000);
    });
    child.stderr?.resume();
    const exits: ((why: string) => void)[] = [];
    let gone = false;
    const done = (why: string) => {
      if (gone) return;
      gone = true;
      const last = stderr.trim().split('\n').filter(Boolean).pop();
      for (const fn of exits) fn(last ? `${why}: ${last.slice(0, 300)}` : why);
    };
    child.on('exit', (code, signal) => done(signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.on('error', (err) => done(err.message));
    return {
      send: (msg) => {
        if (!gone) child.send(msg as never);
      },
      onMessage: (fn) => child.on('message', fn),
      onExit: (fn) => exits.push(fn),
      kill: () => child.kill('SIGKILL'),
      ref: () => {
        child.ref();
        (child.channel as { ref?: () => void } | undefined)?.ref?.();
        (child.stderr as { ref?: () => void } | null)?.ref?.();
      },
      unref: () => {
        child.unref();
        (child.channel as { unref?: () => void } | undefined)?.unref?.();
        (child.stderr as { unref?: () => void } | null)?.unref?.();
      },
      get pid() {
        return child.pid;
      },
    };
  };
}

export const TIMEOUTS = { list: 20_000, objects: 20_000, generate: 120_000, sign: 120_000, other: 60_000 };

interface Pending {
  transport: WorkerTransport;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class TokenError extends TrustDeskError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly ckr?: string,
    readonly pinState?: string,
  ) {
    super(code, message);
  }
}

const KNOWN = new Set([
  'TOKEN_NOT_FOUND',
  'TOKEN_PIN_WRONG',
  'TOKEN_PIN_LOCKED',
  'TOKEN_REMOVED',
  'TOKEN_MODULE_ERROR',
  'TOKEN_KEY_NOT_FOUND',
  'TOKEN_ERROR',
]);

export class Pkcs11Client {
  private transport?: WorkerTransport;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly factory: TransportFactory = forkTransport()) {}

  /** The running worker's pid (tests kill it to prove the caller survives). */
  get workerPid(): number | undefined {
    return this.transport?.pid;
  }

  private start(): WorkerTransport {
    if (this.transport) return this.transport;
    const t = this.factory();
    this.transport = t;
    t.onMessage((raw) => {
      const reply = raw as WorkerReply;
      const p = this.pending.get(reply?.id);
      if (!p) return;
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      this.idle(t);
      if (reply.ok) p.resolve(reply.result);
      else {
        const e = reply.error;
        p.reject(new TokenError(KNOWN.has(e.code) ? (e.code as ErrorCode) : 'TOKEN_ERROR', e.message, e.ckr, e.pinState));
      }
    });
    t.onExit((why) => {
      if (this.transport === t) this.transport = undefined;
      for (const [id, p] of this.pending) {
        if (p.transport !== t) continue; // requests of a newer worker go on
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(
          new TokenError(
            'TOKEN_WORKER_FAILED',
            `the PKCS#11 module stopped while working (the token process ${why}): the operation did not complete and nothing was signed`,
          ),
        );
      }
    });
    return t;
  }

  request<T>(req: WorkerRequest, timeoutMs?: number): Promise<T> {
    const t = this.start();
    const id = this.nextId++;
    const ms = timeoutMs ?? (TIMEOUTS as Record<string, number>)[req.op] ?? TIMEOUTS.other;
    return new Promise<T>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // a hung vendor module: stop the worker, the next request starts a fresh one
        this.transport = undefined;
        t.kill();
        reject(
          new TokenError(
            'TOKEN_WORKER_FAILED',
            `the PKCS#11 module did not answer within ${Math.round(ms / 1000)} s (${req.op}): the token process was stopped; nothing was signed`,
          ),
        );
      }, ms);
      this.pending.set(id, { transport: t, resolve: resolvePromise as (v: unknown) => void, reject, timer });
      t.ref?.();
      t.send({ id, ...req });
    });
  }

  /** An idle worker does not keep the caller's process alive (a CLI exits without close()). */
  private idle(t: WorkerTransport): void {
    for (const p of this.pending.values()) if (p.transport === t) return;
    t.unref?.();
  }

  list(module: string): Promise<ModuleReport> {
    return this.request({ op: 'list', module });
  }

  objects(module: string, token: TokenRef, pin?: string): Promise<TokenObject[]> {
    return this.request({ op: 'objects', module, token, ...(pin !== undefined ? { pin } : {}) });
  }

  /** Stops the worker (it finalizes its modules). */
  close(): void {
    const t = this.transport;
    this.transport = undefined;
    if (!t) return;
    try {
      t.send({ op: 'exit' });
    } catch {
      /* gone */
    }
    setTimeout(() => t.kill(), 2000).unref?.();
  }
}
