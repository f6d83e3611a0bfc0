/**
 * Importing a signed bundle (`trustdesk bundle import`, `ceremony:bundle-import`): it must be a
 * request this trust dir exported, fully signed; clients are simulated; then (unless `publish` is
 * false) the root is published, re-verified from the server and the rollback plan written.
 */
import { readFile } from 'node:fs/promises';
import { parseReference } from '../../base/reference.js';
import { checkBundle } from '../../ceremony/bundle.js';
import { importSignedBundle, type ImportResult } from '../../ceremony/rotation.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export interface BundleImportInput {
  file: string;
  publish: boolean;
  /** Where the rollback plan is written; default `<file>.rollback-plan.md`. */
  rollbackPlanFile?: string;
}

export async function importBundle(ctx: TrustContext, input: BundleImportInput): Promise<ImportResult> {
  const text = await readFile(input.file, 'utf8');
  const c = checkBundle(text, 'signed');
  const ref = parseReference(c.bundle.gun);
  return importSignedBundle({
    session: ctx.session,
    ref,
    trustDir: ctx.trustDir,
    text,
    publish: input.publish,
    log: ceremonyLogOf(ctx),
    rollbackPlanFile: input.rollbackPlanFile ?? `${input.file}.rollback-plan.md`,
  });
}
