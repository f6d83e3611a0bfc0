/**
 * A repository view model of any size (the 10,000-tag bench): tags with every verdict, a few signers,
 * digests and sizes, as the overview use-case would build them for a large repository.
 */
import { createHash } from 'node:crypto';
import type { RepositoryOverview, TagRow, VerdictView } from '../../shared/view-model.js';

const SIGNERS = ['alice', 'bob', 'ci', 'release-bot'];

function digest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function syntheticOverview(name: string, count: number, now = new Date()): RepositoryOverview {
  const tags: TagRow[] = [];
  const counts: Record<VerdictView, number> = { signed: 0, unsigned: 0, 'digest-mismatch': 0, 'signed-not-in-registry': 0 };
  for (let i = 0; i < count; i++) {
    const verdict: VerdictView = i % 97 === 0 ? 'digest-mismatch' : i % 31 === 0 ? 'signed-not-in-registry' : i % 5 === 0 ? 'unsigned' : 'signed';
    counts[verdict]++;
    const reg = verdict === 'signed-not-in-registry' ? undefined : digest(`r${i}`);
    const signed = verdict === 'unsigned' ? undefined : verdict === 'digest-mismatch' ? digest(`s${i}`) : (reg ?? digest(`s${i}`));
    tags.push({
      tag: `build-${String(i).padStart(5, '0')}`,
      verdict,
      registryDigest: reg,
      signedDigest: signed,
      size: 400 + (i % 1000),
      signers: verdict === 'unsigned' ? [] : [SIGNERS[i % SIGNERS.length]!],
    });
  }
  const day = 86_400_000;
  const iso = (d: number) => new Date(now.getTime() + d * day).toISOString();
  return {
    name,
    gun: name,
    hasTrustData: true,
    source: 'remote',
    loadedAt: now.toISOString(),
    counts,
    nearestExpiry: { role: 'timestamp', expires: iso(14) },
    tags,
    signers: SIGNERS.map((s) => ({
      name: s,
      role: `targets/${s}`,
      parent: 'targets',
      keyIds: [createHash('sha256').update(s).digest('hex')],
      keys: [{ id: createHash('sha256').update(s).digest('hex'), keyType: 'ecdsa' }],
      threshold: 1,
      paths: [''],
      loaded: true,
      signedTags: tags.filter((t) => t.signers.includes(s)).map((t) => t.tag),
    })),
    adminRoles: [],
    timeline: [
      { kind: 'role', label: 'timestamp', role: 'timestamp', expires: iso(14), level: 'ok' },
      { kind: 'role', label: 'root', role: 'root', expires: iso(3650), level: 'ok' },
    ],
    graph: { nodes: [], edges: [] },
    warnings: [],
    skippedRoles: [],
  };
}
