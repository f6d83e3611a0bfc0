/**
 * `trustdesk`: argument parsing and printing only; the work is done by the use-cases in electron/core.
 *
 * Exit codes (also in the README):
 *   0  success
 *   1  trust failure: no trust data, verification failed, server unreachable (inspect: as docker);
 *      status --require-signed: a tag is not `signed`
 *   2  usage error (unknown command or option, invalid reference)
 *   70 internal error (a bug: please report it)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { TrustDeskError } from '../core/base/errors.js';
import { COMMANDS } from './commands/index.js';
import { UsageError, describeError, type Io } from './cli-support.js';

export type { Io };

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
  // readline is loaded only when a question is asked
  prompt: async (question, opts) => (await import('./terminal-prompt.js')).terminalPrompt(question, opts),
};

async function usage(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  return `Usage: trustdesk COMMAND [OPTIONS]

Docker Content Trust (Notary v1) client, verified end to end.

Commands:
${commands.map((c) => `  ${c.summary}`).join('\n')}
  version

Options:
  -s, --server URL      trust server (default: $DOCKER_CONTENT_TRUST_SERVER, else docker's default)
      --tlscacert FILE  extra CA certificate for the trust server and the registry
      --config DIR      docker config dir (default: $DOCKER_CONFIG or ~/.docker)
      --offline         make no network call: verify what the trust cache holds (as of when it was written)
      --trust-dir DIR   trust directory to use instead of <config dir>/trust (e.g. one copied from elsewhere)
      --timeout SECONDS deadline for each network request (default 30)
      --trust-pinning FILE  notary client config whose trust_pinning section applies
      --pins FILE       TrustDesk's pins file (default: $TRUSTDESK_PINS, else <config dir>/trustdesk-pins.json)
  -h, --help            this help

Exit codes: 0 success, 1 trust failure (or a tag not signed with --require-signed), 2 usage error.
verify: 0 all signed, 1 unsigned/mismatch/wrong signer, 2 usage, 3 trust data invalid or refused,
4 server or registry unreachable.
`;
}

function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/trustdesk.mjs (the bundle) or dist/electron/cli/main.js (tsc output)
  for (const rel of ['../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(join(here, rel), 'utf8'));
      if (pkg.name === 'trustdesk') return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === 'version' || name === '--version') {
      io.stdout(`trustdesk ${version()}\n`);
      return 0;
    }
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.stdout(await usage());
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) throw new UsageError(`unknown command "${name}"`);
    return await (await entry.load()).run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`trustdesk: ${err.message}\nRun 'trustdesk --help' for usage.\n`);
      return 2;
    }
    if (err instanceof TrustDeskError) {
      io.stderr(`trustdesk: ${describeError(err)}\n`);
      return 1;
    }
    io.stderr(`trustdesk: internal error: ${(err as Error)?.message ?? err}\n`);
    return 70;
  }
}
