import { isTrustDeskError } from '../../electron/core/base/errors.js';

/** The TrustDeskError code a promise rejects with, or 'OK' when it resolves (other errors rethrown). */
export async function errorCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (isTrustDeskError(err)) return err.code;
    throw err;
  }
}
