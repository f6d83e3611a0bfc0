/** timestamp.json (`_type: "Timestamp"`): the current snapshot's hash and length, always server-signed. */
import { isObject, malformed, parseEnvelope, type Envelope, type SignedCommon } from './envelope.js';
import { parseFileMeta, type FileMeta } from './file-meta.js';

export interface TimestampSigned extends SignedCommon {
  _type: 'Timestamp';
  meta: { snapshot: FileMeta; [extra: string]: FileMeta };
}
export type TimestampEnvelope = Envelope<TimestampSigned>;

export function parseTimestamp(raw: Buffer): TimestampEnvelope {
  const env = parseEnvelope<TimestampSigned>('timestamp', raw, 'Timestamp');
  if (!isObject(env.signed.meta)) throw malformed('timestamp', '"meta" is not an object');
  const snap = parseFileMeta('timestamp', 'snapshot', env.signed.meta.snapshot);
  if (!snap.hashes.sha256) throw malformed('timestamp', 'meta for snapshot has no sha256 hash');
  return env;
}
