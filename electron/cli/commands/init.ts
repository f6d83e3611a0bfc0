/** `trustdesk init REPO`: first trust data for a repository (docker's or notary's way). */
import { initRepository } from '../../core/use-cases/publish/init.js';
import { parseCommandArgs, UsageError, type Command } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { printResult, PUBLISH_OPTIONS } from './publish-support.js';
import { rootTokenChoice } from './token-support.js';

export const initCommand: Command = {
  name: 'init',
  summary:
    'init REPO [--local-snapshot] [--root-key ID | --root-token LABEL [--module PATH]]   initialise trust data (root, targets; snapshot server-managed unless --local-snapshot)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...PUBLISH_OPTIONS,
      'local-snapshot': { type: 'boolean' },
      'root-key': { type: 'string' },
      'root-token': { type: 'string' },
      'token-key': { type: 'string' },
      module: { type: 'string', multiple: true },
      serial: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('"trustdesk init" requires exactly 1 argument (REPO)');
    const repository = positionals[0]!;
    if (values['root-token'] && values['root-key']) throw new UsageError('give --root-key or --root-token, not both');
    const ctx = contextFromFlags(values, io);
    try {
      if (!values.json && !values['dry-run']) io.stdout(`Initializing signed repository for ${repository}...\n`);
      const r = await initRepository(ctx, {
        repository,
        ...(values['root-token'] ? { rootToken: rootTokenChoice(values, values['root-token'] as string) } : {}),
        snapshotServerManaged: !values['local-snapshot'],
        ...(values['root-key'] ? { rootKeyId: values['root-key'] as string } : {}),
        dryRun: !!values['dry-run'],
      });
      if (printResult(io, values, r, r)) return 0;
      for (const k of r.newKeys) io.stdout(`Generated new ${k.role} key with ID ${k.keyId}\n`);
      io.stdout(`Successfully initialized "${repository}"\n`);
      return 0;
    } finally {
      ctx.close();
    }
  },
};
