/**
 * Typed errors for everything that decides trust or talks to the network.
 *
 * Every failure TrustDesk reports carries a stable `code` (SCREAMING_SNAKE, part of the CLI's --json
 * output and of the IPC contract) and a message a person can act on. Errors cross process boundaries
 * as plain values ({ code, message }), never as thrown objects.
 */

export const ERROR_CODES = [
  // input
  'INVALID_REFERENCE',
  'INVALID_ARGUMENT',
  'INSECURE_URL',
  // transport
  'NETWORK_UNREACHABLE',
  'NETWORK_TIMEOUT',
  'TLS_ERROR',
  'HTTP_ERROR',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'RESPONSE_TOO_LARGE',
  'TOO_MANY_REDIRECTS',
  // notary / TUF
  'METADATA_NOT_FOUND',
  'REPOSITORY_NOT_SIGNED',
  'METADATA_MALFORMED',
  'METADATA_TYPE_MISMATCH',
  'SIGNATURE_INVALID',
  'SIGNATURE_THRESHOLD_NOT_MET',
  'SIGNED_BY_UNTRUSTED_KEY',
  'KEY_ID_MISMATCH',
  'UNSUPPORTED_KEY_TYPE',
  'ROOT_CERTIFICATE_INVALID',
  'ROOT_ROTATION_INVALID',
  'ROLLBACK_DETECTED',
  'METADATA_EXPIRED',
  'HASH_MISMATCH',
  'LENGTH_MISMATCH',
  'DELEGATION_INVALID',
  // registry
  'REGISTRY_NAME_UNKNOWN',
  'MANIFEST_UNKNOWN',
  'REGISTRY_ERROR',
  // local state
  'CACHE_ERROR',
  'CONFIG_INVALID',
  'KEY_NOT_FOUND',
  'INTERNAL',
  // keystore
  'KEY_EXISTS',
  'KEY_FORMAT_INVALID',
  'KEY_FILE_INSECURE',
  'PASSPHRASE_WRONG',
  'PASSPHRASE_REQUIRED',
  'PASSPHRASE_TOO_SHORT',
  'KEYSTORE_ERROR',
  // trust pinning, archives, CI gate
  'ROOT_NOT_PINNED',
  'TRUST_PIN_MISMATCH',
  'ARCHIVE_INVALID',
  'ARCHIVE_UNSUPPORTED',
  'ARCHIVE_INCOMPLETE',
  // publishing
  'PUBLISH_REJECTED',
  'PUBLISH_CONFLICT',
  'TARGET_NOT_FOUND',
  'SIGNER_NOT_FOUND',
  'NO_SIGNING_KEY',
  'REPOSITORY_EXISTS',
  'CONFIRMATION_REQUIRED',
  // hardware tokens (PKCS#11)
  'TOKEN_MODULE_ERROR',
  'TOKEN_NOT_FOUND',
  'TOKEN_KEY_NOT_FOUND',
  'TOKEN_PIN_WRONG',
  'TOKEN_PIN_LOCKED',
  'TOKEN_PIN_REQUIRED',
  'TOKEN_REMOVED',
  'TOKEN_WORKER_FAILED',
  'TOKEN_ERROR',
  // key ceremonies (backup, shares, signing bundles, ceremony log)
  'BUNDLE_INVALID',
  'SHARES_INVALID',
  'BACKUP_DRILL_FAILED',
  'CEREMONY_LOG_INVALID',
  'PREFLIGHT_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorValue {
  code: ErrorCode;
  message: string;
}

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
