/**
 * `trustdesk publish [--dry-run] REPO CHANGES.json`: a staged change list from a file (a JSON array
 * of changes, the same values the app stages) previewed exactly or published in one update.
 * Change kinds: add-target, remove-target, add-delegation, remove-delegation-keys, set-delegation,
 * remove-delegation, rotate-key (see electron/core/publishing/changelist.ts).
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../../core/base/errors.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import type { Change } from '../../core/publishing/changelist.js';
import { repositoryReference, run, toOperationResult } from '../../core/use-cases/publish/context.js';
import { parseReference } from '../../core/base/reference.js';
import { parseCommandArgs, sessionFrom, UsageError, type Command } from '../cli-support.js';
import { printResult, PUBLISH_OPTIONS, publishingContext } from './publish-support.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish [--dry-run] REPO CHANGES.json          preview (--dry-run) or publish a staged change list in one update',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, PUBLISH_OPTIONS);
    if (positionals.length !== 2) throw new UsageError('"trustdesk publish" requires exactly 2 arguments (REPO CHANGES.json)');
    const [repository, file] = positionals as [string, string];
    let changes: Change[];
    try {
      changes = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new TrustDeskError('INVALID_ARGUMENT', `${file} is not a JSON change list: ${(err as Error).message}`);
    }
    if (!Array.isArray(changes) || changes.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', `${file} must hold a non-empty JSON array of changes`);
    const session = sessionFrom(values, io);
    try {
      const ref = parseReference(repositoryReference(repository).gun);
      const r = toOperationResult(await run(publishingContext(session, io), ref, changes, { dryRun: !!values['dry-run'] }));
      if (printResult(io, values, r, r)) return 0;
      io.stdout(formatPreview(r.preview));
      io.stdout(`Successfully published ${changes.length} change(s) to ${ref.gun}${r.attempts > 1 ? ` (re-applied after a concurrent publish, ${r.attempts} attempts)` : ''}\n`);
      return 0;
    } finally {
      session.close();
    }
  },
};
