/** `trustdesk revoke [-y] NAME[:TAG]`: remove a tag's signature (or all released tags). */
import { revokeTags } from '../../core/use-cases/publish/revoke.js';
import { parseCommandArgs, parseRefOrUsage, UsageError, type Command } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { confirm, printResult, PUBLISH_OPTIONS } from './publish-support.js';

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke [-y] [--admin] NAME[:TAG]              remove the signature of a tag (all released tags without TAG)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...PUBLISH_OPTIONS,
      yes: { type: 'boolean', short: 'y' },
      admin: { type: 'boolean' },
      role: { type: 'string', multiple: true },
    });
    if (positionals.length !== 1) throw new UsageError('"trustdesk revoke" requires exactly 1 argument (NAME[:TAG])');
    const input = positionals[0]!;
    const ref = parseRefOrUsage(input);
    if (!ref.tag && !values.yes && !values['dry-run']) {
      const ok = await confirm(io, `Confirm you would like to delete all signature data for ${input}? [y/N] `);
      if (ok === undefined) {
        io.stderr(`CONFIRMATION_REQUIRED: this deletes all signature data for ${input}; nothing was removed: run again with --yes\n`);
        return 1;
      }
      if (!ok) {
        io.stdout('\n');
        return 0;
      }
    }
    const roles = values.admin ? ['targets'] : (values.role as string[] | undefined);
    const ctx = contextFromFlags(values, io);
    try {
      const r = await revokeTags(ctx, { reference: input, ...(roles ? { roles } : {}), dryRun: !!values['dry-run'] });
      if (printResult(io, values, r, r)) return 0;
      io.stdout(`Successfully deleted signature for ${input}\n`);
      return 0;
    } finally {
      ctx.close();
    }
  },
};
