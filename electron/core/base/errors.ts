/**
 * Typed errors for everything that decides trust or talks to the network.
 *
 * Every failure TrustDesk reports carries a stable `code` (SCREAMING_SNAKE, part of the CLI's --json
 * output and of the IPC contract) and a message a person can act on. Errors cross process boundaries
 * as plain values ({ code, message }), never as thrown objects.
 */

import { ERROR_CODES, type ErrorCode, type ErrorValue } from '../../../shared/errors.js';

export { ERROR_CODES, type ErrorCode, type ErrorValue };

export class TrustDeskError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrustDeskError';
    this.code = code;
  }

  toValue(): ErrorValue {
    return { code: this.code, message: this.message };
  }
}

export function isTrustDeskError(err: unknown, code?: ErrorCode): err is TrustDeskError {
  return err instanceof TrustDeskError && (code === undefined || err.code === code);
}

/** Turns anything thrown into an error value; unknown errors become INTERNAL with their message. */
export function toErrorValue(err: unknown): ErrorValue {
  if (err instanceof TrustDeskError) return err.toValue();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

/** For exhaustive switches: the compiler proves this is never reached. */
export function assertNever(value: never, what = 'value'): never {
  throw new TrustDeskError('INTERNAL', `unexpected ${what}: ${JSON.stringify(value)}`);
}
