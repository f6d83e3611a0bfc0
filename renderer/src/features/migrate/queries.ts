/** Migration view: one channel per step (migrate-contract.ts); signing is polled for progress and can be cancelled. */
import { call } from '../../api';
import type { Request } from '../../../../shared/ipc/contract';

export const planMigration = (r: Request<'migrate:plan'>) => call('migrate:plan', r);
export const signMigration = (r: Request<'migrate:sign'>) => call('migrate:sign', r);
export const migrationProgress = (jobId: string) => call('migrate:progress', { jobId });
export const cancelMigration = (jobId: string) => call('migrate:cancel', { jobId });
export const migrationPolicies = (r: Request<'migrate:policies'>) => call('migrate:policies', r);

/** A job ID for one signing run (the main process keys its progress by it). */
export function newJobId(): string {
  return crypto.randomUUID();
}
