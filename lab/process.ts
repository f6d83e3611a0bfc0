/**
 * Long-running server processes for the lab: spawn with logs to a file, stop by
 * PID (SIGTERM, then SIGKILL after a grace period), and a process 'exit' hook so
 * no server outlives the Node process that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A server process started by the lab. */
export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited (and been reaped). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Map<number, ChildProcess>();
let hookInstalled = false;

function killAllNow(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * On 'exit', SIGKILL every live server. For SIGINT/SIGTERM/SIGHUP with no other
 * listener (a signal would otherwise end Node without 'exit'), do the same and
 * re-raise the signal; when the program has its own handler, leave it to that.
 */
function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(sig) > 1) return;
      killAllNow();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** PIDs of lab processes that are still running. */
export function livePids(): number[] {
  return [...live.keys()];
}

/** True when a live process with this PID exists (signal 0 probe; on Linux a zombie counts as gone). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Spawns `cmd args` with stdout and stderr appended to `logFile`. */
export function spawnServer(name: string, cmd: string, args: string[], logFile: string, cwd: string): ManagedProcess {
  installExitHook();
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd, stdio: ['ignore', fd, fd], env: { ...process.env } });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: could not spawn ${cmd}`);
  live.set(pid, child);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(pid);
      resolve({ code, signal });
    });
  });
  child.once('error', () => {
    /* reported through 'exit' / the health check */
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 3000): Promise<void> => {
    stopping ??= (async () => {
      if (done) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
      clearTimeout(timer);
      if (timedOut && !done) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        await exited;
      }
    })();
    return stopping;
  };
  return { name, pid, logFile, exited, hasExited: () => done, stop };
}

/** Last `max` characters of a log file, for error messages. */
export function logTail(logFile: string, max = 4000): string {
  try {
    const text = readFileSync(logFile, 'utf8');
    return text.length > max ? '…' + text.slice(-max) : text;
  } catch {
    return '(no log)';
  }
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (bind port 0, then release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Polls `probe` until it returns true, the process exits, or the deadline passes.
 * Throws with the log tail on failure.
 */
export async function waitReady(proc: ManagedProcess, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    if (proc.hasExited()) {
      throw new Error(`${proc.name} (pid ${proc.pid}) exited before becoming ready:\n${logTail(proc.logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastErr = (err as Error).message;
    }
    if (Date.now() > deadline) {
      await proc.stop(500);
      throw new Error(`${proc.name} (pid ${proc.pid}) not ready after ${timeoutMs} ms (${lastErr || 'probe false'}):\n${logTail(proc.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
