import { describe, it, expect } from 'vitest';
import { groupFindings } from './group-findings';

const K1 = 'a'.repeat(64);
const K2 = 'b'.repeat(64);

describe('groupFindings', () => {
  it('one entry per key and finding, with the list of repositories', () => {
    const f = (gun: string, keyIds: string[], severity: 'error' | 'warning' | 'info' = 'warning') => ({
      severity,
      kind: 'stale-key',
      gun,
      role: 'targets',
      keyIds,
      message: `${gun}: local targets key ${keyIds[0]!.slice(0, 7)} is not a key of targets there`,
    });
    const groups = groupFindings([
      f('r/a', [K1]),
      f('r/b', [K1]),
      f('r/c', [K2]),
      f('r/d', [K1]),
      { severity: 'error', kind: 'missing-key', gun: 'r/e', role: 'targets', keyIds: [K2], message: 'r/e: holds no targets key' },
    ]);
    expect(groups).toEqual([
      { severity: 'error', kind: 'missing-key', role: 'targets', keyIds: [K2], message: 'holds no targets key', repositories: ['r/e'] },
      {
        severity: 'warning',
        kind: 'stale-key',
        role: 'targets',
        keyIds: [K1],
        message: 'local targets key aaaaaaa is not a key of targets there',
        repositories: ['r/a', 'r/b', 'r/d'],
      },
      {
        severity: 'warning',
        kind: 'stale-key',
        role: 'targets',
        keyIds: [K2],
        message: 'local targets key bbbbbbb is not a key of targets there',
        repositories: ['r/c'],
      },
    ]);
  });

  it('findings without keys stay apart unless their words match', () => {
    const groups = groupFindings([
      { severity: 'warning', kind: 'unverified-metadata', gun: 'r/a', keyIds: [], message: 'r/a: expired' },
      { severity: 'warning', kind: 'unverified-metadata', gun: 'r/b', keyIds: [], message: 'r/b: bad signature' },
      { severity: 'warning', kind: 'unverified-metadata', gun: 'r/c', keyIds: [], message: 'r/c: expired' },
    ]);
    expect(groups.map((g) => [g.message, g.repositories])).toEqual([
      ['expired', ['r/a', 'r/c']],
      ['bad signature', ['r/b']],
    ]);
  });
});
