/**
 * The CLI's one way to build the use cases' context: from the global flags (`--config`, `--server`,
 * `--tlscacert`, `--offline`, `--timeout`, `--trust-dir`, `--trust-pinning`, `--pins`) and the
 * environment, with the terminal as the passphrase and PIN source. The app's twin is
 * electron/app/context.ts.
 */
import { writeFileSync } from 'node:fs';
import { TrustContext, type SecretProviders } from '../core/session/context.js';
import type { HttpTraceEvent, HttpTraceHook } from '../core/remote/http-trace.js';
import { UsageError, type Io } from './cli-support.js';
import { passphrasePrompt, pinPrompt } from './prompts.js';

function timeoutMs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--timeout takes a number of seconds between 0 and 3600, got "${String(value)}"`);
  }
  return Math.round(seconds * 1000);
}

/** The terminal's passphrase and PIN prompts (none without a TTY: the environment only). */
export function terminalSecrets(io: Io): SecretProviders {
  const passphrase = passphrasePrompt(io);
  const pin = pinPrompt(io);
  return { ...(passphrase ? { passphrase } : {}), ...(pin ? { pin } : {}) };
}

/**
 * `TRUSTDESK_TRACE_HTTP=FILE`: every HTTP exchange of this process (timeline, method, path, status,
 * size; no header, body or query) written to FILE as JSON lines when the process exits. For the
 * bench's `--trace`; unset, no hook is installed and nothing is measured.
 */
let traceHook: HttpTraceHook | undefined;
function httpTraceFromEnv(env: NodeJS.ProcessEnv): HttpTraceHook | undefined {
  const file = env.TRUSTDESK_TRACE_HTTP;
  if (!file) return undefined;
  if (!traceHook) {
    const events: HttpTraceEvent[] = [];
    traceHook = (e) => events.push(e);
    process.once('exit', () => writeFileSync(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 }));
  }
  return traceHook;
}

export function contextFromFlags(
  values: Record<string, unknown>,
  io: Io,
  extra: { ceremonyLog?: string; secrets?: SecretProviders } = {},
): TrustContext {
  return new TrustContext({
    timeoutMs: timeoutMs(values.timeout),
    env: io.env,
    server: values.server as string | undefined,
    tlsCaCert: values.tlscacert as string | undefined,
    configDir: values.config as string | undefined,
    offline: values.offline as boolean | undefined,
    trustDir: values['trust-dir'] as string | undefined,
    trustPinningFile: values['trust-pinning'] as string | undefined,
    pinsFile: values.pins as string | undefined,
    httpTrace: httpTraceFromEnv(io.env),
    secrets: extra.secrets ?? terminalSecrets(io),
    ...(extra.ceremonyLog ? { ceremonyLog: extra.ceremonyLog } : {}),
  });
}
