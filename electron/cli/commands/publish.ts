/**
 * `trustdesk publish [--dry-run] REPO CHANGES.json`: a staged change list from a file (a JSON array
 * of changes, the same values the app stages) previewed exactly or published in one update.
 * Change kinds: add-target, remove-target, add-delegation, remove-delegation-keys, set-delegation,
 * remove-delegation, rotate-key (see electron/core/publishing/changelist.ts).
 */
import { formatPreview } from '../../core/publishing/diff-preview.js';
import { publishChangeList, readChangeList } from '../../core/use-cases/publish/changes.js';
import { parseCommandArgs, UsageError, type Command } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { printResult, PUBLISH_OPTIONS } from './publish-support.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish [--dry-run] REPO CHANGES.json          preview (--dry-run) or publish a staged change list in one update',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, PUBLISH_OPTIONS);
    if (positionals.length !== 2) throw new UsageError('"trustdesk publish" requires exactly 2 arguments (REPO CHANGES.json)');
    const [repository, file] = positionals as [string, string];
    const changes = await readChangeList(file);
    const ctx = contextFromFlags(values, io);
    try {
      const r = await publishChangeList(ctx, { repository, changes, dryRun: !!values['dry-run'] });
      if (printResult(io, values, r, r)) return 0;
      io.stdout(formatPreview(r.preview));
      io.stdout(
        `Successfully published ${changes.length} change(s) to ${r.gun}${r.attempts > 1 ? ` (re-applied after a concurrent publish, ${r.attempts} attempts)` : ''}\n`,
      );
      return 0;
    } finally {
      ctx.close();
    }
  },
};
