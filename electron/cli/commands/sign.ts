/** `trustdesk sign NAME:TAG...`: sign tags from the registry's digests, no engine; many tags in one publish. */
import { signTags } from '../../core/use-cases/publish/sign.js';
import { parseCommandArgs, UsageError, type Command } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { printResult, PUBLISH_OPTIONS } from './publish-support.js';

export const signCommand: Command = {
  name: 'sign',
  summary: "sign [--admin | --role ROLE] NAME:TAG...      sign tags with the registry's digests (no engine), one publish",
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...PUBLISH_OPTIONS,
      admin: { type: 'boolean' },
      role: { type: 'string', multiple: true },
      local: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('"trustdesk sign" requires at least 1 argument (NAME:TAG)');
    if (values.local) throw new UsageError('--local signs a local image and needs an engine; trustdesk signs what the registry serves');
    for (const p of positionals) if (p.includes('@')) throw new UsageError(`cannot use a digest reference for IMAGE:TAG`);
    const roles = values.admin ? ['targets'] : (values.role as string[] | undefined);
    const ctx = contextFromFlags(values, io);
    try {
      const quiet = values.json || values['dry-run'];
      if (!quiet) io.stdout(`Signing and pushing trust metadata for ${positionals.length === 1 ? positionals[0] : `${positionals.length} tags`}\n`);
      const r = await signTags(ctx, { references: positionals, ...(roles ? { roles } : {}), dryRun: !!values['dry-run'] });
      if (printResult(io, values, r, r)) return 0;
      if (r.initialised) io.stdout(`Finished initializing signed repository for ${r.gun}\n`);
      for (const t of r.tags) {
        if (t.existingSigners.length)
          io.stdout(`Existing signatures for tag ${t.tag} digest ${t.digest.slice(7)} from:\n${t.existingSigners.join(', ')}\n`);
      }
      for (const t of r.tags) io.stdout(`Successfully signed ${r.gun}:${t.tag}\n`);
      return 0;
    } finally {
      ctx.close();
    }
  },
};
