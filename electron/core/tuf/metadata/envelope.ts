/**
 * The signed envelope every Notary role file uses: {"signed": {...}, "signatures": [...]}.
 *
 * The parsed `signed` object is kept whole (unknown fields included) so that re-canonicalising it
 * reproduces exactly what was signed, and re-serialising loses nothing. The raw served bytes are kept
 * too: hashes and lengths are always checked over them.
 */
import { canonicalBytes, parseJson } from '../canonical-json.js';
import { TrustDeskError } from '../../base/errors.js';
import { keyId, type PublicKeyJson } from '../keys.js';
import { verifySignature } from '../signatures.js';

export type RoleType = 'Root' | 'Targets' | 'Snapshot' | 'Timestamp';

export interface SignatureJson {
  keyid: string;
  method: string;
  sig: string;
  [extra: string]: unknown;
}

export interface SignedCommon {
  _type: RoleType;
  expires: string;
  version: number;
  [extra: string]: unknown;
}

export interface Envelope<T extends SignedCommon = SignedCommon> {
  /** The role this file is for, e.g. `targets/releases`. */
  role: string;
  /** Raw bytes as served or cached: what hashes and lengths cover. */
  raw: Buffer;
  signed: T;
  signatures: SignatureJson[];
  expires: Date;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function malformed(role: string, detail: string): TrustDeskError {
  return new TrustDeskError('METADATA_MALFORMED', `${role} metadata is malformed: ${detail}`);
}

/** Parses an RFC 3339 time as Notary writes it (nanoseconds allowed, Z or offset). */
export function parseTime(role: string, value: unknown): Date {
  if (typeof value !== 'string') throw malformed(role, '"expires" is not a string');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) throw malformed(role, `"expires" is not an RFC 3339 time: ${value}`);
  const millis = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '';
  const d = new Date(`${m[1]}${millis}${m[3]}`);
  if (Number.isNaN(d.getTime())) throw malformed(role, `"expires" is not a valid time: ${value}`);
  return d;
}

/** Parses a role file and checks the envelope's common structure and `_type`. */
export function parseEnvelope<T extends SignedCommon>(role: string, raw: Buffer, type: RoleType): Envelope<T> {
  const doc = parseJson(raw, `${role} metadata`);
  if (!isObject(doc)) throw malformed(role, 'not a JSON object');
  const { signed, signatures } = doc;
  if (!isObject(signed)) throw malformed(role, 'missing "signed" object');
  if (!Array.isArray(signatures)) throw malformed(role, 'missing "signatures" list');
  for (const s of signatures) {
    if (!isObject(s) || typeof s.keyid !== 'string' || typeof s.method !== 'string' || typeof s.sig !== 'string') {
      throw malformed(role, 'a signature lacks keyid, method or sig');
    }
  }
  if (signed._type !== type) {
    throw new TrustDeskError('METADATA_TYPE_MISMATCH', `${role} metadata has _type ${JSON.stringify(signed._type)}, expected "${type}"`);
  }
  if (typeof signed.version !== 'number' || !Number.isSafeInteger(signed.version) || signed.version < 1) {
    throw malformed(role, '"version" must be an integer of at least 1');
  }
  const expires = parseTime(role, signed.expires);
  return { role, raw, signed: signed as T, signatures: signatures as SignatureJson[], expires };
}

export interface RoleKeys {
  keyids: string[];
  threshold: number;
}

/**
 * Counts valid signatures by distinct keys of the role and checks the threshold (notary
 * `VerifySignatures`): unknown key IDs and invalid signatures are skipped, each key counts once.
 * Key IDs listed by the role are recomputed from the key objects; a mismatch is an error.
 */
export function verifyThreshold(env: Envelope, keys: Record<string, PublicKeyJson>, role: RoleKeys): string[] {
  if (env.signatures.length === 0) {
    throw new TrustDeskError('SIGNATURE_THRESHOLD_NOT_MET', `${env.role} metadata has no signatures`);
  }
  const message = canonicalBytes(env.signed);
  const valid = new Set<string>();
  const invalid = new Set<string>();
  const roleKeyIds = new Set(role.keyids);
  for (const s of env.signatures) {
    if (!roleKeyIds.has(s.keyid) || valid.has(s.keyid)) continue;
    const key = keys[s.keyid];
    if (!key) continue;
    if (keyId(key) !== s.keyid) {
      throw new TrustDeskError('KEY_ID_MISMATCH', `key ${s.keyid} of ${env.role} does not hash to its ID`);
    }
    if (verifySignature(key, s.method, message, s.sig)) valid.add(s.keyid);
    else invalid.add(s.keyid);
  }
  if (valid.size < role.threshold) {
    const counted = `valid signatures did not meet threshold for ${env.role}: ${valid.size} of ${role.threshold} required`;
    if (invalid.size > 0) {
      throw new TrustDeskError(
        'SIGNATURE_INVALID',
        `${counted}; the signature by key ${[...invalid][0]!.slice(0, 12)} does not verify (tampered or corrupt metadata)`,
      );
    }
    if (!env.signatures.some((s) => roleKeyIds.has(s.keyid))) {
      throw new TrustDeskError(
        'SIGNED_BY_UNTRUSTED_KEY',
        `${counted}; it is signed only by keys the role does not trust (${env.signatures.map((s) => s.keyid.slice(0, 12)).join(', ')})`,
      );
    }
    throw new TrustDeskError('SIGNATURE_THRESHOLD_NOT_MET', counted);
  }
  return [...valid];
}

/** Serialises an envelope the way the notary client uploads it (Go json.Marshal of canonical parts). */
export function serialiseEnvelope(signed: unknown, signatures: SignatureJson[]): Buffer {
  // The notary client marshals {signed: <canonical raw>, signatures: [...]} with Go's encoder, which
  // HTML-escapes; readers re-canonicalise, so plain canonical bytes are accepted too.
  const sigs = signatures.map((s) => ({ keyid: s.keyid, method: s.method, sig: s.sig }));
  return Buffer.from(`{"signed":${canonicalBytes(signed).toString('utf8')},"signatures":${JSON.stringify(sigs)}}`, 'utf8');
}
