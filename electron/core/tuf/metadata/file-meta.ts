/**
 * Hashes and lengths that one role file records for another (snapshot → roles, timestamp → snapshot).
 * Checked over the raw bytes (notary `CheckHashes`): every known algorithm present must match, at
 * least one known algorithm must be present, and a known digest of the wrong size is invalid.
 */
import { createHash } from 'node:crypto';
import { TrustDeskError } from '../../base/errors.js';
import { isObject, malformed } from './envelope.js';

export interface FileMeta {
  length: number;
  hashes: Record<string, string>;
  [extra: string]: unknown;
}

const KNOWN_HASHES: Record<string, number> = { sha256: 32, sha512: 64 };

export function parseFileMeta(role: string, name: string, v: unknown): FileMeta {
  if (!isObject(v)) throw malformed(role, `meta for ${name} is not an object`);
  if (typeof v.length !== 'number' || !Number.isSafeInteger(v.length) || v.length < 0) {
    throw malformed(role, `meta for ${name} has no valid length`);
  }
  if (!isObject(v.hashes)) throw malformed(role, `meta for ${name} has no hashes`);
  for (const [alg, h] of Object.entries(v.hashes)) {
    if (typeof h !== 'string') throw malformed(role, `meta for ${name} has a non-string ${alg} hash`);
    const size = KNOWN_HASHES[alg];
    if (size !== undefined && Buffer.from(h, 'base64').length !== size) {
      throw malformed(role, `meta for ${name} has a ${alg} hash of the wrong size`);
    }
  }
  if (!Object.keys(v.hashes).some((alg) => alg in KNOWN_HASHES)) {
    throw malformed(role, `meta for ${name} has no sha256 or sha512 hash`);
  }
  return v as FileMeta;
}

/** Hex SHA-256 from a meta entry, used to fetch `<role>.<hex>.json` by checksum. */
export function sha256Hex(meta: FileMeta): string | undefined {
  const h = meta.hashes.sha256;
  return h ? Buffer.from(h, 'base64').toString('hex') : undefined;
}

/** Checks raw bytes against the length and every known hash of a meta entry. */
export function checkFileMeta(role: string, raw: Buffer, meta: FileMeta, recordedBy: string): void {
  if (raw.length !== meta.length) {
    throw new TrustDeskError(
      'LENGTH_MISMATCH',
      `${role} is ${raw.length} bytes but ${recordedBy} records ${meta.length}: the server sent different data`,
    );
  }
  for (const [alg, expected] of Object.entries(meta.hashes)) {
    if (!(alg in KNOWN_HASHES)) continue;
    const actual = createHash(alg).update(raw).digest('base64');
    if (actual !== expected) {
      throw new TrustDeskError('HASH_MISMATCH', `${role} ${alg} hash does not match the one recorded in ${recordedBy} (mix-and-match or tampering)`);
    }
  }
}

/** Makes a meta entry (sha256 + sha512 + length) for raw bytes, as notary writes them. */
export function fileMetaFor(raw: Buffer): FileMeta {
  return {
    hashes: {
      sha256: createHash('sha256').update(raw).digest('base64'),
      sha512: createHash('sha512').update(raw).digest('base64'),
    },
    length: raw.length,
  };
}
