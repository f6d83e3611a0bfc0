/**
 * Root backup (`trustdesk root backup`, `ceremony:backup`): the encrypted root key file copied to a
 * directory on a removable medium, optionally split into m-of-n shares; nothing unencrypted is written.
 */
import { exportRootBackup, type BackupResult } from '../../ceremony/backup.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export interface RootBackupInput {
  /** The root key's ID or a unique prefix. */
  keyId: string;
  outDir: string;
  shares?: { threshold: number; total: number };
}

export function backupRootKey(ctx: TrustContext, input: RootBackupInput): Promise<BackupResult> {
  return exportRootBackup({
    trustDir: ctx.trustDir,
    keyId: input.keyId,
    outDir: input.outDir,
    ...(input.shares ? { shares: input.shares } : {}),
    log: ceremonyLogOf(ctx),
  });
}
