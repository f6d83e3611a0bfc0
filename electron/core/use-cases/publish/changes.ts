/**
 * A staged change list (the app's staged changes, `trustdesk publish REPO CHANGES.json`) previewed
 * exactly (dry run: built and signed in memory, nothing sent) or published in one update.
 * Change kinds: see electron/core/publishing/changelist.ts.
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { Change } from '../../publishing/changelist.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference, run, toOperationResult, type OperationResult } from './context.js';

export interface PublishChangesOptions {
  /** The repository (a tag is ignored, a digest refused). */
  repository: string;
  changes: Change[];
  dryRun?: boolean;
}

export async function publishChangeList(ctx: TrustContext, opts: PublishChangesOptions): Promise<OperationResult> {
  const ref = parseReference(repositoryReference(opts.repository).gun);
  return toOperationResult(await run(ctx, ref, opts.changes, { dryRun: !!opts.dryRun }));
}

/** A change list from a JSON file: a non-empty array of changes (each is checked when published). */
export async function readChangeList(file: string): Promise<Change[]> {
  let changes: Change[];
  try {
    changes = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new TrustDeskError('INVALID_ARGUMENT', `${file} is not a JSON change list: ${(err as Error).message}`);
  }
  if (!Array.isArray(changes) || changes.length === 0)
    throw new TrustDeskError('INVALID_ARGUMENT', `${file} must hold a non-empty JSON array of changes`);
  return changes;
}
