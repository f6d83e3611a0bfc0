/**
 * `trustdesk`: argument parsing and printing only; the work is done by the use-cases in electron/core.
 *
 * Exit codes (also in the README):
 *   0  success
 *   1  trust failure: no trust data, verification failed, server unreachable (inspect: as docker);
 *      status --require-signed: a tag is not `signed`
 *   2  usage error (unknown command or option, invalid reference)
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { TrustSession, parseReference } from '../core/use-cases/trust-session.js';
import { inspectResult, formatInspectJson, formatInspectPretty, type InspectResult } from '../core/use-cases/inspect.js';
import { repositoryStatus, type RepositoryStatus } from '../core/use-cases/status.js';
import { formatStatusText } from './status-text.js';
import { TrustDeskError, toErrorValue, isTrustDeskError } from '../core/errors.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
};

const GLOBAL_OPTIONS = {
  server: { type: 'string', short: 's' },
  tlscacert: { type: 'string' },
  config: { type: 'string' },
  offline: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: trustdesk COMMAND [OPTIONS]

Docker Content Trust (Notary v1) client, verified end to end.

Commands:
  inspect [--pretty] NAME[:TAG]...      signatures, signers and keys (same output as docker trust inspect)
  status [--json] [--require-signed] NAME...
                                        every registry tag with its verdict: signed, unsigned,
                                        digest-mismatch, signed-not-in-registry; role expiry
  version                               print the version

Options:
  -s, --server URL      trust server (default: $DOCKER_CONTENT_TRUST_SERVER, else docker's default)
      --tlscacert FILE  extra CA certificate for the trust server and the registry
      --config DIR      docker config dir (default: $DOCKER_CONFIG or ~/.docker)
      --offline         make no network call: verify what the trust cache holds
  -h, --help            this help

Exit codes: 0 success, 1 trust failure (or a tag not signed with --require-signed), 2 usage error.
`;

function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  try {
    return JSON.parse(readFileSync(join(here, '../../../package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

class UsageError extends Error {}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], extra: T) {
  try {
    return parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function describe(err: unknown): string {
  const v = toErrorValue(err);
  return `${v.code}: ${v.message}`;
}

function session(values: Record<string, unknown>, io: Io): TrustSession {
  return new TrustSession({
    env: io.env,
    server: values.server as string | undefined,
    tlsCaCert: values.tlscacert as string | undefined,
    configDir: values.config as string | undefined,
    offline: values.offline as boolean | undefined,
  });
}

async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { pretty: { type: 'boolean' } });
  if (values.help) {
    io.stdout(`Usage: trustdesk inspect [--pretty] NAME[:TAG] [NAME[:TAG]...]\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('"trustdesk inspect" requires at least 1 argument');
  const refs = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  const s = session(values, io);
  try {
    // All repositories load in parallel over one connection pool; output keeps argument order.
    const outcomes = await Promise.all(
      refs.map(async ({ input, ref }) => {
        try {
          const trust = await s.loadTrust(ref);
          return { input, result: inspectResult(trust, input, ref.tag), warnings: trust.warnings };
        } catch (err) {
          return { input, error: err };
        }
      }),
    );
    let code = 0;
    const failure = (input: string, err: unknown) => {
      code = 1;
      if (isTrustDeskError(err, 'INSECURE_URL')) io.stderr(`${(err as Error).message}\n`);
      else if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) io.stderr(`no signatures or cannot access ${input}\n`);
      else io.stderr(`no signatures or cannot access ${input}\n  cause: ${describe(err)}\n`);
    };
    if (values.pretty) {
      let out = '';
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!;
        if (i > 0) out += '\n\n'; // docker writes the separator before it knows the next image fails
        if (!o.result) {
          io.stdout(out);
          failure(o.input, o.error);
          return 1; // docker stops at the first failing image in --pretty mode
        }
        out += formatInspectPretty(o.result);
      }
      io.stdout(out);
    } else {
      const ok: InspectResult[] = outcomes.filter((o) => o.result).map((o) => o.result!);
      io.stdout(formatInspectJson(ok));
      for (const o of outcomes) if (!o.result) failure(o.input, o.error);
    }
    return code;
  } finally {
    s.close();
  }
}

function parseRefOrUsage(input: string) {
  try {
    return parseReference(input);
  } catch (err) {
    if (isTrustDeskError(err, 'INVALID_REFERENCE')) throw new UsageError(err.message);
    throw err;
  }
}

async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, 'require-signed': { type: 'boolean' } });
  if (values.help) {
    io.stdout(`Usage: trustdesk status [--json] [--require-signed] NAME [NAME...]\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('"trustdesk status" requires at least 1 argument');
  const refs = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  const s = session(values, io);
  try {
    const results = await Promise.all(
      refs.map(async ({ input, ref }) => {
        const [trust, tags] = await Promise.allSettled([s.loadTrust(ref), values.offline ? Promise.resolve([]) : s.registryTags(ref)]);
        if (trust.status === 'rejected' && !isTrustDeskError(trust.reason, 'REPOSITORY_NOT_SIGNED')) {
          return { input, error: toErrorValue(trust.reason) };
        }
        if (tags.status === 'rejected') return { input, error: toErrorValue(tags.reason) };
        const status = repositoryStatus(input, trust.status === 'fulfilled' ? trust.value : undefined, tags.value);
        if (trust.status === 'rejected') status.warnings.push(`${input} has no trust data: every tag is unsigned`);
        return { input, status };
      }),
    );
    let code = 0;
    for (const r of results) {
      if (r.error) code = 1;
      else if (values['require-signed'] && r.status!.tags.some((t) => t.verdict !== 'signed')) code = 1;
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(results.map((r) => (r.error ? { name: r.input, error: r.error } : r.status)), null, 2)}\n`);
    } else {
      for (const r of results) {
        if (r.error) io.stderr(`${r.input}: ${r.error.code}: ${r.error.message}\n`);
        else io.stdout(formatStatusText(r.status as RepositoryStatus, new Date()));
      }
    }
    return code;
  } finally {
    s.close();
  }
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return await inspectCommand(rest, io);
      case 'status':
        return await statusCommand(rest, io);
      case 'version':
      case '--version':
        io.stdout(`trustdesk ${version()}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`trustdesk: ${err.message}\nRun 'trustdesk --help' for usage.\n`);
      return 2;
    }
    if (err instanceof TrustDeskError) {
      io.stderr(`trustdesk: ${describe(err)}\n`);
      return 1;
    }
    io.stderr(`trustdesk: internal error: ${(err as Error)?.message ?? err}\n`);
    return 70;
  }
}
