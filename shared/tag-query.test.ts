import { describe, it, expect } from 'vitest';
import { queryTags, tagSigners, DEFAULT_TAG_QUERY, type TagQuery, type TagSortKey } from './tag-query.js';
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

  it('filtering the order sorted once gives what sorting the filtered rows gives, for every order and filter', () => {
    const verdicts = ['signed', 'unsigned', 'digest-mismatch', 'signed-not-in-registry'] as const;
    const many: TagRow[] = Array.from({ length: 500 }, (_, i) => ({
      tag: i % 3 ? `v${(i * 7919) % 500}` : `Build-${i % 40}`,
      verdict: verdicts[(i * 31) % 4]!,
      signers: i % 5 ? [['alice', 'bob', 'ci'][i % 3]!] : [],
      ...(i % 9 ? { size: (i * 13) % 70 } : {}),
      registryDigest: `sha256:${(i % 17).toString(16)}${i}`,
    }));
    const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    const rank = { 'digest-mismatch': 0, 'signed-not-in-registry': 1, unsigned: 2, signed: 3 };
    const order: Record<TagSortKey, (a: TagRow, b: TagRow) => number> = {
      tag: (a, b) => collator.compare(a.tag, b.tag),
      verdict: (a, b) => rank[a.verdict] - rank[b.verdict],
      size: (a, b) => (a.size ?? -1) - (b.size ?? -1),
      signers: (a, b) => collator.compare(a.signers.join(','), b.signers.join(',')),
    };
    // the reference: filter, then one stable sort (ties by tag), as the view did before it cached orders
    const naive = (q: TagQuery) => {
      const out = many.filter(
        (r) =>
          (q.verdicts.length === 0 || q.verdicts.includes(r.verdict)) &&
          (!q.signer || r.signers.includes(q.signer)) &&
          (!q.search || r.tag.toLowerCase().includes(q.search.toLowerCase()) || (r.registryDigest ?? '').includes(q.search.toLowerCase())),
      );
      const c = (a: TagRow, b: TagRow) => order[q.sort](a, b) || collator.compare(a.tag, b.tag);
      return out.sort(q.descending ? (a, b) => c(b, a) : c).map((r) => r.tag);
    };
    const queries: TagQuery[] = [];
    for (const sort of ['tag', 'verdict', 'size', 'signers'] as const)
      for (const descending of [false, true])
        for (const filter of [
          {},
          { verdicts: ['unsigned' as const] },
          { signer: 'bob' },
          { search: 'v1' },
          { search: 'build', verdicts: ['signed' as const, 'unsigned' as const] },
        ])
          queries.push({ ...DEFAULT_TAG_QUERY, sort, descending, ...filter });
    for (const q of queries)
      expect(
        queryTags(many, q).map((r) => r.tag),
        JSON.stringify(q),
      ).toEqual(naive(q));
    // asked again, the unfiltered order is the same (kept) list, and left untouched by filtering
    expect(queryTags(many, DEFAULT_TAG_QUERY)).toBe(queryTags(many, DEFAULT_TAG_QUERY));
    expect(queryTags(many, DEFAULT_TAG_QUERY)).toHaveLength(500);
  });
});
