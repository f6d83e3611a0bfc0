import { describe, it, expect } from 'vitest';
import { queryTags, tagSigners, DEFAULT_TAG_QUERY } from './tag-query.js';
import type { TagRow } from './view-model.js';

const rows: TagRow[] = [
  { tag: 'v10', verdict: 'signed', signers: ['alice'], size: 10, registryDigest: 'sha256:aa' },
  { tag: 'v2', verdict: 'unsigned', signers: [], size: 30, registryDigest: 'sha256:bb' },
  { tag: 'v1', verdict: 'digest-mismatch', signers: ['bob', 'alice'], size: 20, registryDigest: 'sha256:cc', signedDigest: 'sha256:dd' },
  { tag: 'old', verdict: 'signed-not-in-registry', signers: ['Repo Admin'], signedDigest: 'sha256:ee' },
];

describe('tag query', () => {
  it('sorts tags naturally, ascending and descending', () => {
    expect(queryTags(rows, DEFAULT_TAG_QUERY).map((r) => r.tag)).toEqual(['old', 'v1', 'v2', 'v10']);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, descending: true }).map((r) => r.tag)).toEqual(['v10', 'v2', 'v1', 'old']);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, sort: 'verdict' }).map((r) => r.verdict)).toEqual([
      'digest-mismatch',
      'signed-not-in-registry',
      'unsigned',
      'signed',
    ]);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, sort: 'size' }).map((r) => r.tag)).toEqual(['old', 'v10', 'v1', 'v2']);
  });

  it('filters by verdict, signer and search text (tag or digest)', () => {
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, verdicts: ['signed', 'unsigned'] }).map((r) => r.tag)).toEqual(['v2', 'v10']);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, signer: 'alice' }).map((r) => r.tag)).toEqual(['v1', 'v10']);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, search: 'V1' }).map((r) => r.tag)).toEqual(['v1', 'v10']);
    expect(queryTags(rows, { ...DEFAULT_TAG_QUERY, search: 'sha256:dd' }).map((r) => r.tag)).toEqual(['v1']);
    expect(tagSigners(rows)).toEqual(['alice', 'bob', 'Repo Admin']);
  });

  it('10,000 rows filter and sort in well under a frame budget per keystroke', () => {
    const many: TagRow[] = Array.from({ length: 10_000 }, (_, i) => ({
      tag: `build-${i}`,
      verdict: i % 7 ? 'signed' : 'unsigned',
      signers: [i % 2 ? 'alice' : 'bob'],
    }));
    const t0 = performance.now();
    const out = queryTags(many, { ...DEFAULT_TAG_QUERY, search: '99', signer: 'alice', sort: 'verdict' });
    expect(out.length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
