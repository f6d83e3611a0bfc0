/** snapshot.json (`_type: "Snapshot"`): hashes and lengths of root, targets and every delegated role. */
import { isObject, malformed, parseEnvelope, type Envelope, type SignedCommon } from './envelope.js';
import { parseFileMeta, type FileMeta } from './file-meta.js';

export interface SnapshotSigned extends SignedCommon {
  _type: 'Snapshot';
  meta: Record<string, FileMeta>;
}
export type SnapshotEnvelope = Envelope<SnapshotSigned>;

export function parseSnapshot(raw: Buffer): SnapshotEnvelope {
  const env = parseEnvelope<SnapshotSigned>('snapshot', raw, 'Snapshot');
  if (!isObject(env.signed.meta)) throw malformed('snapshot', '"meta" is not an object');
  for (const [name, m] of Object.entries(env.signed.meta)) parseFileMeta('snapshot', name, m);
  for (const required of ['root', 'targets']) {
    const m = env.signed.meta[required];
    if (!m) throw malformed('snapshot', `"meta" has no entry for ${required}`);
    if (!m.hashes.sha256) throw malformed('snapshot', `meta for ${required} has no sha256 hash`);
  }
  return env;
}
