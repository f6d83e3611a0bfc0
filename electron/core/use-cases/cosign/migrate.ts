/**
 * `trustdesk migrate cosign`: every tag whose DCT signature verifies gets a classic cosign signature
 * (and on request the Sigstore bundle form), then cosign.pub is written to the output folder. The
 * output folder is checked before the key is opened and before anything is pushed: a missing folder is
 * an INVALID_ARGUMENT with nothing signed, never a failure after the signatures are out.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustDeskError } from '../../base/errors.js';
import type { TrustContext } from '../../session/context.js';
import { signerFromSpec } from '../../signing/cosign/key-spec.js';
import { executeMigration, planMigration, type MigrationPlan, type MigrationReport, type Progress } from '../../cosign/migrate.js';
import { cosignKeyContext } from './key-context.js';

export type { MigrationPlan, MigrationReport, Progress };

export interface MigrateInput {
  repositories: string[];
  /** A cosign key file, `notary:KEYID`, `token:KEYID|LABEL`. */
  key: string;
  bundle?: boolean;
  /** Plan only: nothing is signed or written. */
  dryRun?: boolean;
  /** Where cosign.pub is written (default: the current directory). */
  outDir?: string;
  /** The plan, before anything is signed (the CLI prints it). */
  onPlan?: (plan: MigrationPlan) => void;
  onProgress?: Progress;
  /** Cancels between tags (see executeMigration). */
  signal?: AbortSignal;
}

export interface MigrateResult {
  plan: MigrationPlan;
  /** Absent for a dry run. */
  report?: MigrationReport;
  /** cosign.pub; `written: false` when the file held another key (left as it was). Absent for a dry run. */
  publicKeyFile?: { path: string; written: boolean };
}

const NOTHING_SIGNED = 'nothing was signed';

/** The output folder exists, is a folder, and cosign.pub can be written there (or read, when it exists). */
async function checkOutput(dir: string): Promise<string> {
  const pubPath = join(dir, 'cosign.pub');
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new TrustDeskError(
        'INVALID_ARGUMENT',
        `the output folder ${dir} does not exist: create it first (cosign.pub is written there); ${NOTHING_SIGNED}`,
      );
    throw new TrustDeskError('INVALID_ARGUMENT', `the output folder ${dir} cannot be used: ${(err as Error).message}; ${NOTHING_SIGNED}`);
  }
  if (!st.isDirectory())
    throw new TrustDeskError('INVALID_ARGUMENT', `the output folder ${dir} is not a folder (cosign.pub is written there); ${NOTHING_SIGNED}`);
  const existing = await stat(pubPath).catch(() => undefined);
  if (existing && !existing.isFile()) throw new TrustDeskError('INVALID_ARGUMENT', `${pubPath} exists and is not a file; ${NOTHING_SIGNED}`);
  try {
    await access(existing ? pubPath : dir, existing ? constants.R_OK : constants.W_OK);
  } catch {
    throw new TrustDeskError(
      'INVALID_ARGUMENT',
      existing ? `${pubPath} cannot be read; ${NOTHING_SIGNED}` : `cosign.pub cannot be written to ${dir} (permission denied); ${NOTHING_SIGNED}`,
    );
  }
  return pubPath;
}

export async function migrateToCosign(ctx: TrustContext, input: MigrateInput): Promise<MigrateResult> {
  const pubPath = input.dryRun ? undefined : await checkOutput(input.outDir ?? '.');
  const signer = await signerFromSpec(input.key, cosignKeyContext(ctx));
  const plan = await planMigration(ctx.session, input.repositories, signer, { bundle: input.bundle });
  if (!pubPath) return { plan };
  input.onPlan?.(plan);
  const report = await executeMigration(ctx.session, plan, signer, input.onProgress, input.signal);
  const current = await readFile(pubPath, 'utf8').catch(() => undefined);
  if (current !== undefined && current !== plan.key.publicKeyPem) return { plan, report, publicKeyFile: { path: pubPath, written: false } };
  await writeFile(pubPath, plan.key.publicKeyPem, { mode: 0o644 });
  return { plan, report, publicKeyFile: { path: pubPath, written: true } };
}
