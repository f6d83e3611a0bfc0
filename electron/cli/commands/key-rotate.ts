/**
 * `trustdesk key rotate REPO ROLE [--server-managed]`, added to the `key` command without touching
 * its module: `key rotate ...` comes here, every other `key` subcommand goes on to keyCommand.
 */
import { rotateKey } from '../../core/use-cases/publish/rotate.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { printResult, PUBLISH_OPTIONS } from './publish-support.js';
import { rootTokenChoice } from './token-support.js';

async function rotate(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PUBLISH_OPTIONS,
    'server-managed': { type: 'boolean', short: 'r' },
    'to-token': { type: 'string' },
    'token-key': { type: 'string' },
    module: { type: 'string', multiple: true },
    serial: { type: 'string' },
  });
  if (positionals.length !== 2) throw new UsageError('"trustdesk key rotate" requires exactly 2 arguments (REPO ROLE)');
  const [repository, role] = positionals as [string, string];
  const ctx = contextFromFlags(values, io);
  try {
    const r = await rotateKey(ctx, {
      repository,
      role,
      serverManaged: !!values['server-managed'],
      dryRun: !!values['dry-run'],
      ...(values['to-token'] ? { toToken: rootTokenChoice(values, values['to-token'] as string) } : {}),
    });
    if (printResult(io, values, r, r)) return 0;
    const rootPreview = r.preview.roles.find((x) => x.role === 'root');
    const added = rootPreview?.roleKeys.find((k) => k.role === role)?.added ?? [];
    io.stdout(
      `Successfully rotated ${role} key for repository ${repository}${added.length ? `: new key ${added.join(', ')}` : ''}${role === 'timestamp' || values['server-managed'] ? ' (server-managed)' : ''}\n`,
    );
    return 0;
  } finally {
    ctx.close();
  }
}

const ROTATE_USAGE = `  rotate REPO ROLE [--server-managed] [--dry-run]  new key for root, targets, snapshot or timestamp (publishes)\n  rotate REPO root --to-token LABEL [--module PATH]  new root key on a hardware token (generated there)\n`;

export function withKeyRotate(key: Command): Command {
  return {
    ...key,
    summary: key.summary.replace(/^key (\S+)/, 'key $1|rotate'),
    async run(args, io) {
      if (args[0] === 'rotate') return rotate(args.slice(1), io);
      const code = await key.run(args, io);
      if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') io.stdout(ROTATE_USAGE);
      return code;
    },
  };
}
