/** Every error code of the core in plain words, with what to do next. */
import type { ErrorCode } from '../../shared/errors';

export interface ErrorText {
  title: string;
  next: string;
}

export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  INVALID_REFERENCE: {
    title: 'That is not a valid repository name',
    next: 'Use registry/namespace/repository in lower case, without a tag, e.g. registry.example.com/team/app.',
  },
  INVALID_ARGUMENT: { title: 'The request was not valid', next: 'Check what you typed. If it keeps happening, report it as a bug.' },
  INSECURE_URL: { title: 'The trust server address is not https', next: 'Use an https:// URL for the trust server in Settings.' },
  NETWORK_UNREACHABLE: {
    title: 'The server could not be reached',
    next: 'Check the network and the trust server address in Settings, or turn on offline mode to use cached trust data.',
  },
  NETWORK_TIMEOUT: { title: 'The server took too long to answer', next: 'Try again; if it persists, check the server or turn on offline mode.' },
  TLS_ERROR: {
    title: 'The secure connection failed',
    next: 'Add the server\u2019s CA file for this registry in Settings, or check the server certificate.',
  },
  HTTP_ERROR: { title: 'The server answered with an error', next: 'Try again later; check the trust server address in Settings.' },
  AUTH_REQUIRED: { title: 'The server wants you to sign in', next: 'Run docker login for this registry, then reload.' },
  AUTH_FAILED: { title: 'Signing in was refused', next: 'Check your docker login credentials for this registry.' },
  RESPONSE_TOO_LARGE: {
    title: 'The server sent more data than allowed',
    next: 'This may be an attack or a misconfigured server; contact the server operator.',
  },
  TOO_MANY_REDIRECTS: { title: 'The server redirected too many times', next: 'Check the server address in Settings.' },
  METADATA_NOT_FOUND: {
    title: 'No trust data for this repository',
    next: 'The repository has not been signed yet. Sign a tag with docker trust sign.',
  },
  REPOSITORY_NOT_SIGNED: {
    title: 'No trust data for this repository',
    next: 'The repository has not been signed yet. Sign a tag with docker trust sign.',
  },
  METADATA_MALFORMED: {
    title: 'The trust data is damaged',
    next: 'Do not trust these images. Ask the repository owner to re-publish the trust data.',
  },
  METADATA_TYPE_MISMATCH: {
    title: 'The trust data is of the wrong kind',
    next: 'Do not trust these images; the server may be misconfigured or compromised.',
  },
  SIGNATURE_INVALID: {
    title: 'A signature does not verify',
    next: 'Do not trust these images. Someone may have tampered with the trust data; contact the repository owner.',
  },
  SIGNATURE_THRESHOLD_NOT_MET: { title: 'Not enough valid signatures', next: 'Do not trust these images until the owners re-sign the trust data.' },
  SIGNED_BY_UNTRUSTED_KEY: {
    title: 'Signed by a key that is not trusted',
    next: 'Do not trust these images; ask the repository owner which keys should sign.',
  },
  KEY_ID_MISMATCH: {
    title: 'A key does not match its ID',
    next: 'The trust data is inconsistent: do not trust it, and contact the repository owner.',
  },
  UNSUPPORTED_KEY_TYPE: { title: 'A key type is not supported', next: 'Use ecdsa, rsa or ed25519 keys for signing.' },
  ROOT_CERTIFICATE_INVALID: {
    title: 'The root certificate is not valid',
    next: 'The root key\u2019s certificate is expired or wrong: the owner must rotate the root key.',
  },
  ROOT_ROTATION_INVALID: {
    title: 'The root key change is not valid',
    next: 'Do not trust this repository until the owner publishes a correctly signed root.',
  },
  ROLLBACK_DETECTED: {
    title: 'The server sent older trust data than before',
    next: 'This may be a rollback attack: do not pull, and contact the server operator.',
  },
  METADATA_EXPIRED: { title: 'The trust data has expired', next: 'The repository owner must re-sign; until then treat its images as untrusted.' },
  HASH_MISMATCH: { title: 'Trust data does not match its checksum', next: 'The data was changed in transit or on the server: do not trust it.' },
  LENGTH_MISMATCH: { title: 'Trust data has the wrong size', next: 'The data was changed in transit or on the server: do not trust it.' },
  DELEGATION_INVALID: { title: 'A signer delegation is not valid', next: 'Ask the repository owner to fix the signer (delegation) setup.' },
  REGISTRY_NAME_UNKNOWN: { title: 'The registry does not know this repository', next: 'Check the repository name; it may not have been pushed yet.' },
  MANIFEST_UNKNOWN: { title: 'The registry has no such image', next: 'The tag may have been deleted from the registry.' },
  REGISTRY_ERROR: { title: 'The registry answered with an error', next: 'Try again later, or check the registry address.' },
  CACHE_ERROR: { title: 'The local trust cache could not be used', next: 'Check the trust directory in Settings and its permissions.' },
  CONFIG_INVALID: {
    title: 'A configuration file is not valid',
    next: 'Fix or remove the file named in the details (settings or docker config.json).',
  },
  KEY_NOT_FOUND: { title: 'A key was not found', next: 'Check that the key is in this machine\u2019s trust directory or on the hardware token.' },
  KEY_EXISTS: { title: 'That key already exists', next: 'Use the existing key, or remove it first if you really mean to replace it.' },
  KEY_FORMAT_INVALID: { title: 'A key file is not in a format TrustDesk can read', next: 'Check that it is a notary or docker key file (PEM).' },
  KEY_FILE_INSECURE: { title: 'A key file can be read by other users', next: 'Restrict it to your user (chmod 600) and try again.' },
  PASSPHRASE_WRONG: { title: 'The passphrase is wrong', next: 'Try again with the passphrase that protects this key.' },
  PASSPHRASE_REQUIRED: { title: 'A passphrase is needed', next: 'Enter the passphrase for this key (TrustDesk never stores it).' },
  PASSPHRASE_TOO_SHORT: { title: 'The passphrase is too short', next: 'Choose a passphrase of at least 8 characters.' },
  KEYSTORE_ERROR: { title: 'The key store could not be used', next: 'Check the trust directory\u2019s private/ folder and its permissions.' },
  ROOT_NOT_PINNED: {
    title: 'This repository is not pinned',
    next: 'Trust on first use is disabled: pin the repository\u2019s root certificate ID (or a CA) before trusting it.',
  },
  TRUST_PIN_MISMATCH: {
    title: 'The root key does not match the pin',
    next: 'Do not trust these images. If the owner really rotated the root key, confirm the new root ID with them and update the pin.',
  },
  ARCHIVE_INVALID: {
    title: 'The trust archive is damaged or altered',
    next: 'Do not rely on this archive; use another copy or archive the repository again.',
  },
  ARCHIVE_UNSUPPORTED: {
    title: 'The trust archive format is not supported',
    next: 'Use a TrustDesk version that reads this archive format version.',
  },
  ARCHIVE_INCOMPLETE: { title: 'The trust archive lacks what was asked for', next: 'Check the repository name, or archive that repository too.' },
  ARCHIVE_SIGNATURE_INVALID: {
    title: "The trust archive's signature does not verify",
    next: 'The archive was altered after it was signed, or the signature is damaged: do not rely on it; get the original from its maker.',
  },
  ARCHIVE_SIGNER_UNTRUSTED: {
    title: 'The trust archive is not signed by the required key',
    next: 'It is unsigned or signed by another key: check which key signed it and whether that key should be trusted.',
  },
  PUBLISH_REJECTED: {
    title: 'The trust server refused the update',
    next: 'Nothing was published. Reload the repository and try again; the details say what the server found wrong.',
  },
  PUBLISH_CONFLICT: {
    title: 'Someone else kept publishing to this repository',
    next: 'Nothing was published. Reload the repository, check the pending changes and publish again.',
  },
  TARGET_NOT_FOUND: {
    title: 'That tag is not signed or not in the registry',
    next: 'Check the tag name; push the image to the registry before signing it.',
  },
  SIGNER_NOT_FOUND: { title: 'There is no such signer in this repository', next: 'Check the signer name in the Signers view.' },
  NO_SIGNING_KEY: {
    title: 'No key on this machine can sign this change',
    next: 'Import the key for this role (Keys view), or ask a repository admin to make the change.',
  },
  REPOSITORY_EXISTS: { title: 'This repository already has trust data', next: 'It is initialised already: sign tags or add signers instead.' },
  CONFIRMATION_REQUIRED: { title: 'This change needs your confirmation', next: 'Read the warning, then confirm to go ahead.' },
  TOKEN_MODULE_ERROR: {
    title: 'The hardware token\u2019s module cannot be used',
    next: 'Check the PKCS#11 module path in Settings (e.g. libykcs11.so for a YubiKey) and that its service (pcscd) runs; run the token doctor.',
  },
  TOKEN_NOT_FOUND: { title: 'The hardware token is not there', next: 'Plug in the token with that label, then try again. Nothing was published.' },
  TOKEN_KEY_NOT_FOUND: {
    title: 'The key is not on the token',
    next: 'Use the token that holds this key (or a backup token with the same key); run the token doctor to see its keys.',
  },
  TOKEN_PIN_WRONG: {
    title: 'The token PIN is wrong',
    next: 'Check the attempts left in the message before trying again: a locked token needs its PUK or SO PIN.',
  },
  TOKEN_PIN_LOCKED: {
    title: 'The token PIN is locked',
    next: 'Unblock the PIN with the PUK (YubiKey: ykman piv access unblock-pin) or the SO PIN, then try again.',
  },
  TOKEN_PIN_REQUIRED: {
    title: 'The token PIN is needed',
    next: 'Run the step again and enter the token PIN in the dialog; nothing was signed or changed.',
  },
  TOKEN_REMOVED: {
    title: 'The hardware token was removed',
    next: 'Plug it in again and repeat the operation: what was interrupted was undone, and nothing was published.',
  },
  TOKEN_WORKER_FAILED: {
    title: 'The token module stopped working',
    next: 'The vendor\u2019s PKCS#11 module crashed or hung; nothing was signed. Try again, or update the module and run the token doctor.',
  },
  TOKEN_ERROR: { title: 'The hardware token refused the operation', next: 'Run the token doctor for details; nothing was published.' },
  BUNDLE_INVALID: {
    title: 'The signing bundle was refused',
    next: 'It was altered, damaged, or is not the request exported here: export a new request and sign it again.',
  },
  SHARES_INVALID: {
    title: 'The key shares do not rebuild the root key',
    next: 'Give at least the required number of distinct, undamaged shares of the same backup.',
  },
  BACKUP_DRILL_FAILED: {
    title: 'The restore drill failed',
    next: 'The backup does not hold the root key of every repository: the key is not backed up; make a new backup.',
  },
  CEREMONY_LOG_INVALID: {
    title: 'The ceremony log is broken',
    next: 'An entry was changed, removed or reordered: keep the log as evidence and start a new one.',
  },
  PREFLIGHT_FAILED: { title: 'The pre-flight checks failed', next: 'Fix each failed check listed; nothing was signed or published.' },
  INTERNAL: { title: 'Something went wrong inside TrustDesk', next: 'Try again; if it keeps happening, report it with the details below.' },
};

/** The text for a code, with a fallback for codes newer than this renderer. */
export function errorText(code: string): ErrorText {
  return (ERROR_TEXT as Record<string, ErrorText>)[code] ?? ERROR_TEXT.INTERNAL;
}
