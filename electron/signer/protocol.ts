/**
 * The JSON messages between TrustDesk and its PKCS#11 worker process (worker.ts). Only public data
 * and digests cross back; a PIN travels in a request only for the one operation that needs it and is
 * never part of a response, a log line or an error message.
 */

/** Which token: by label (trimmed), optionally narrowed by serial number. */
export interface TokenRef {
  label: string;
  serial?: string;
}

export interface TokenOnModule {
  module: string;
  token: TokenRef;
}

export interface TokenFlags {
  /** CKF_TOKEN_INITIALIZED: false for an empty slot (SoftHSM's free slot). */
  initialized: boolean;
  loginRequired: boolean;
  userPinInitialized: boolean;
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
  pinToBeChanged: boolean;
  soPinCountLow: boolean;
  soPinFinalTry: boolean;
  soPinLocked: boolean;
  protectedAuthenticationPath: boolean;
}

export interface TokenInfo {
  slotId: string;
  slotDescription: string;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
  hardware: string;
  minPinLength: number;
  maxPinLength: number;
  flags: TokenFlags;
}

export interface ModuleReport {
  module: string;
  library: { description: string; manufacturer: string; version: string; cryptoki: string };
  slots: { slotId: string; description: string; tokenPresent: boolean }[];
  tokens: TokenInfo[];
}

export interface TokenObject {
  kind: 'public-key' | 'private-key' | 'certificate';
  /** CKA_ID as hex. */
  id: string;
  label: string;
  keyType?: 'ec' | 'rsa' | 'other';
  /** For EC keys: the named curve (`prime256v1`, `secp384r1`) or the OID. */
  curve?: string;
  /** Public keys: base64 DER SubjectPublicKeyInfo (EC keys only). */
  spki?: string;
  /** Certificates: base64 DER. */
  der?: string;
  /** Private keys: how the key came to be (from CKA_LOCAL / CKA_NEVER_EXTRACTABLE). */
  generatedOnToken?: boolean;
  sensitive?: boolean;
  extractable?: boolean;
  alwaysAuthenticate?: boolean;
}

/** Who logs in: the user (PIN) or the security officer (SO PIN; ykcs11: the PIV management key). */
export type LoginAs = 'user' | 'so';

export type WorkerRequest =
  | { op: 'list'; module: string }
  | { op: 'objects'; module: string; token: TokenRef; pin?: string }
  | { op: 'generate'; module: string; token: TokenRef; pin: string; as?: LoginAs; ckaId: string; label: string }
  | { op: 'import'; module: string; token: TokenRef; pin: string; as?: LoginAs; ckaId: string; label: string; d: string; spki: string }
  | {
      op: 'store-certificate';
      module: string;
      token: TokenRef;
      pin: string;
      as?: LoginAs;
      ckaId: string;
      label: string;
      der: string;
      subject: string;
      issuer: string;
      serial: string;
    }
  | { op: 'delete-key'; module: string; token: TokenRef; pin: string; as?: LoginAs; ckaId: string }
  | { op: 'sign'; module: string; token: TokenRef; pin: string; ckaId: string; digest: string; summary: string }
  | { op: 'probe-management-key'; module: string; token: TokenRef; key: string }
  | { op: 'ping' };

export interface WorkerErrorValue {
  /** TrustDesk's error code (TOKEN_*). */
  code: string;
  message: string;
  /** The PKCS#11 return value name, e.g. CKR_PIN_INCORRECT. */
  ckr?: string;
  method?: string;
  /** After a wrong PIN: what the token says about the attempts left. */
  pinState?: 'ok' | 'count-low' | 'final-try' | 'locked';
}

export type WorkerMessage = { id: number } & WorkerRequest;
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WorkerErrorValue };
