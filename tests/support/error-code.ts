import { isTrustDeskError, TrustDeskError } from '../../electron/core/base/errors.js';

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

/** The TrustDeskError a promise rejects with (a resolved promise or another error fails the test). */
export async function rejection(p: Promise<unknown>): Promise<TrustDeskError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TrustDeskError) return err;
    throw new Error(`expected a TrustDeskError, got ${String(err)}`);
  }
  throw new Error('expected the request to fail');
}
