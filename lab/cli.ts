/**
 * Runs the real `notary` and `docker` CLIs against a lab, with the lab
 * environment (passphrases, DOCKER_CONFIG, no engine) and optional stdin.
 */
import { spawn } from 'node:child_process';
import { STRIPPED_ENV } from './client-config.js';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** What the CLI helpers need from a lab (a `Lab` fits). */
export interface CliTarget {
  notaryUrl: string;
  trustDir: string;
  caFile: string;
  env: Record<string, string>;
}

export interface CliOptions {
  /** Text written to stdin (then closed); default: stdin closed immediately. */
  stdin?: string;
  /** Extra variables over the lab env (e.g. another DOCKER_CONFIG). */
  env?: Record<string, string>;
  /** Trust dir for notary `-d` instead of the lab's. */
  trustDir?: string;
  cwd?: string;
  /** Throw on a non-zero exit code (default true: fixture steps must succeed). */
  check?: boolean;
  /** Kill after this long; default 60 s. */
  timeoutMs?: number;
}

/** Raised when a checked command fails; the message carries the full output. */
export class CliError extends Error {
  constructor(
    readonly command: string[],
    readonly result: CliResult,
  ) {
    super(`command failed (exit ${result.code}): ${command.join(' ')}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
    this.name = 'CliError';
  }
}

function childEnv(target: CliTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of STRIPPED_ENV) delete env[k];
  return { ...env, ...target.env, ...extra };
}

/** Runs any command with the lab env; resolves with its output (rejects only per `check`). */
export function runCommand(target: CliTarget, cmd: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: childEnv(target, opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {
      /* the command may exit without reading stdin */
    });
    child.stdin.end(opts.stdin ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result: CliResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (timedOut ? `\n(killed after timeout)` : ''),
        code: code ?? (signal ? 128 : 1),
      };
      if ((opts.check ?? true) && result.code !== 0) reject(new CliError([cmd, ...args], result));
      else resolve(result);
    });
  });
}

/** `notary -s <notaryUrl> -d <trustDir> --tlscacert <caFile> ...args`. */
export function notary(target: CliTarget, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const base = ['-s', target.notaryUrl, '-d', opts.trustDir ?? target.trustDir, '--tlscacert', target.caFile];
  return runCommand(target, 'notary', [...base, ...args], opts);
}

/** `docker ...args` with the lab env (DOCKER_CONFIG, trust server, no engine). */
export function docker(target: CliTarget, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCommand(target, 'docker', args, opts);
}

/** `docker trust ...args`. */
export function dockerTrust(target: CliTarget, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return docker(target, ['trust', ...args], opts);
}
