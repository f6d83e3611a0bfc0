import { describe, it, expect } from 'vitest';
import { NONE, packOverview, packTags, tagTableProblem, unpackOverview, unpackTags, type TagTable } from './tag-table.js';
import { overviewWireSchema, tagTableSchema, type TagRow } from './view-model.js';
import { syntheticOverview } from '../e2e/support/synthetic-overview.js';

const rows: TagRow[] = [
  { tag: 'v1', verdict: 'signed', registryDigest: 'sha256:aa', signedDigest: 'sha256:aa', size: 1200, signers: ['alice'] },
  { tag: 'v2', verdict: 'digest-mismatch', registryDigest: 'sha256:bb', signedDigest: 'sha256:cc', size: 0, signers: ['alice', 'bob'] },
  { tag: 'v3', verdict: 'unsigned', registryDigest: 'sha256:aa', signers: [] },
  { tag: 'gone', verdict: 'signed-not-in-registry', signedDigest: 'sha256:dd', signers: ['bob', 'alice'] },
  {
    tag: 'v4',
    verdict: 'unsigned',
    signers: [],
    registryError: { code: 'HTTP_ERROR', message: 'manifest v4: 500' },
  },
];

/** Rows as the renderer sees them, with absent fields left out (toStrictEqual would see `undefined`s). */
const plain = (rs: TagRow[]) => rs.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

describe('compact tag table', () => {
  it('rows survive packing, the schema and unpacking unchanged, in order', () => {
    const table = packTags(rows);
    const parsed = tagTableSchema.parse(table);
    expect(plain(unpackTags(parsed))).toStrictEqual(rows);
  });

  it('stores a signed digest equal to the registry digest once, and each signer list once', () => {
    const t = packTags(rows);
    expect(t.verdict).toEqual([0, 2, 1, 3, 1]);
    expect(t.signedDigest[0]).toBe(t.registryDigest[0]);
    expect(t.digests).toEqual(['sha256:aa', 'sha256:bb', 'sha256:cc', 'sha256:aa', 'sha256:dd']);
    expect([t.registryDigest[3], t.registryDigest[4], t.signedDigest[2]]).toEqual([NONE, NONE, NONE]);
    expect(t.size).toEqual([1200, 0, NONE, NONE, NONE]);
    // the order of signers is kept: [bob, alice] is not [alice, bob]
    expect(t.signerLists).toEqual([['alice'], ['alice', 'bob'], [], ['bob', 'alice']]);
    expect(t.signers).toEqual([0, 1, 2, 3, 2]);
    expect(t.registryErrors).toEqual([{ row: 4, error: { code: 'HTTP_ERROR', message: 'manifest v4: 500' } }]);
  });

  it('a 10,000-tag overview round-trips through the wire schema', () => {
    const big = syntheticOverview('bench.example.com/big/repo', 10_000, new Date('2026-01-01T00:00:00Z'));
    const wire = overviewWireSchema.parse(packOverview(big));
    expect(wire).not.toHaveProperty('tags');
    const back = unpackOverview(wire);
    expect(plain(back.tags)).toStrictEqual(plain(big.tags));
    expect({ ...back, tags: [] }).toStrictEqual({ ...big, tags: [] });
    // a tag's digests are written once when signed and registry agree: fewer strings than two per tag
    expect(wire.tagTable.digests.length).toBeLessThan(10_000 * 1.2);
  });

  it('only the listed fields cross: extra row fields, extra table keys and extra array properties are dropped', () => {
    const leaky = [{ ...rows[0]!, privateKey: 'SECRET-ROW' } as TagRow];
    const table = packTags(leaky) as TagTable & { secret?: string };
    table.secret = 'SECRET-TABLE';
    Object.assign(table.tag, { secret: 'SECRET-ARRAY' });
    const parsed = tagTableSchema.parse(table);
    expect(JSON.stringify(parsed)).not.toContain('SECRET');
    expect(Object.keys(parsed.tag)).toEqual(['0']);
    expect(parsed.tag).not.toBe(table.tag); // a copy, not the array main built
  });

  it('refuses tables whose cells or shape are wrong', () => {
    const good = () => packTags(rows);
    const bad: [string, (t: TagTable) => void, RegExp][] = [
      ['a verdict code out of range', (t) => (t.verdict[1] = 4), /verdict/],
      ['a fractional verdict code', (t) => (t.verdict[1] = 0.5), /verdict/],
      ['a tag that is not a string', (t) => ((t.tag as unknown[])[0] = 42), /tag/],
      ['a hole in a column', (t) => (t.tag = new Array<string>(rows.length)), /tag/],
      ['a digest index past the digests', (t) => (t.signedDigest[0] = 99), /digest index out of range/],
      ['a digest index below -1', (t) => (t.registryDigest[0] = -2), /registryDigest/],
      ['a column shorter than the tags', (t) => t.size.pop(), /size: 4 entries for 5 tags/],
      ['a negative size', (t) => (t.size[0] = -5), /size/],
      ['a signer list index past the lists', (t) => (t.signers[0] = 9), /signer list index out of range/],
      ['a signer name that is not a string', (t) => ((t.signerLists[0] as unknown[])[0] = { name: 'x' }), /signerLists/],
      ['a registry error for a row that does not exist', (t) => (t.registryErrors[0]!.row = 5), /row 5 out of range/],
      ['a registry error with an unknown code', (t) => ((t.registryErrors[0]!.error as { code: string }).code = 'NOPE'), /registryErrors/],
      ['a column that is not an array', (t) => ((t as unknown as Record<string, unknown>).verdict = '0,2,1'), /verdict/],
    ];
    for (const [what, spoil, message] of bad) {
      const t = good();
      spoil(t);
      const r = tagTableSchema.safeParse(t);
      expect(r.success, what).toBe(false);
      expect(JSON.stringify(r.error?.issues), what).toMatch(message);
    }
    expect(tagTableProblem(good())).toBeUndefined();
    expect(tagTableSchema.safeParse(packTags([])).success).toBe(true);
  });
});
