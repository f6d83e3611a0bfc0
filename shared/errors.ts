/**
 * The error codes both sides of the app and the CLI's --json output share: stable SCREAMING_SNAKE
 * literals. Errors cross process boundaries as these plain values ({ code, message }), never as thrown
 * objects; the thrown class (TrustDeskError) lives in electron/core/base/errors.ts.
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
  'ARCHIVE_SIGNATURE_INVALID',
  'ARCHIVE_SIGNER_UNTRUSTED',
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
