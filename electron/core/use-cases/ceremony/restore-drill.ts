/**
 * Restore drill (`trustdesk root restore-drill`, `ceremony:drill`): the root key rebuilt in memory from
 * its backup file or from shares, opened with its passphrase (the context's passphrase source), and
 * checked against the verified root.json of every named repository (or an expected key ID). Only a
 * passed drill records the key as backed up. The result says whether it passed; it is not thrown.
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { restoreDrill, type DrillResult } from '../../ceremony/backup.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export interface RestoreDrillInput {
  backupFile?: string;
  /** Share text files (at least m of one set). */
  shareFiles?: string[];
  /** Repositories whose root key the rebuilt key must be. */
  repositories: string[];
  /** A new key no repository uses yet: the rebuilt key must have this ID. */
  expectKeyId?: string;
}

export async function runRestoreDrill(ctx: TrustContext, input: RestoreDrillInput): Promise<DrillResult> {
  if (!input.backupFile === !input.shareFiles?.length) throw new TrustDeskError('INVALID_ARGUMENT', 'choose the backup file or the share files');
  const roots: { gun: string; raw: Buffer }[] = [];
  for (const name of input.repositories) {
    const ref = parseReference(name);
    roots.push({ gun: ref.gun, raw: (await ctx.session.loadTrust(ref)).root.raw });
  }
  const shares = input.shareFiles?.length ? await Promise.all(input.shareFiles.map((f) => readFile(f, 'utf8'))) : undefined;
  return restoreDrill({
    source: shares ? { shares } : { backupFile: input.backupFile! },
    roots,
    env: ctx.env,
    ...(ctx.secrets.passphrase ? { prompt: ctx.secrets.passphrase } : {}),
    trustDir: ctx.trustDir,
    ...(input.expectKeyId ? { expectKeyId: input.expectKeyId } : {}),
    log: ceremonyLogOf(ctx),
    now: () => ctx.now(),
  });
}
