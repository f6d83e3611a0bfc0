/**
 * pulledTargets walks the signed objects directly (no list of every target); it must give exactly
 * what the definition gives: the released rows (releasedTargets) whose hash is the one docker pull
 * chooses, targets/releases first, then targets, over every role's allowed paths.
 */
import { describe, expect, it } from 'vitest';
import type { RepositoryTrust } from './repository-updater.js';
import type { TargetMeta } from './metadata/targets.js';
import { pulledTargets, releasedTargets, roleTargets, RELEASES_ROLE } from './repository-view.js';

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const HASHES = ['AAAA', 'BBBB', 'CCCC', 'AAA=', ''].map((h) => Buffer.from(h, 'base64').toString('base64'));

function randomTrust(rand: () => number): RepositoryTrust {
  const names = ['v1', 'v2', 'v10', 'latest', 'a/b', 'b'];
  const targets = (): Record<string, TargetMeta> => {
    const t: Record<string, TargetMeta> = {};
    for (const n of names) {
      if (rand() < 0.5) continue;
      const h = HASHES[Math.floor(rand() * HASHES.length)]!;
      t[n] = { length: Math.floor(rand() * 3), hashes: h ? { sha256: h } : {} } as TargetMeta;
    }
    return t;
  };
  const roles = ['targets/alice', RELEASES_ROLE, 'targets/bob', 'targets/alice/ci'].filter(() => rand() < 0.8);
  const delegations = roles.map((role) => ({
    role,
    env: { role, signed: { targets: targets() } },
    paths: rand() < 0.3 ? ['a', 'v'] : rand() < 0.2 ? [] : undefined,
  }));
  return { gun: 'example/repo', targets: { role: 'targets', signed: { targets: targets() } }, delegations } as unknown as RepositoryTrust;
}

function reference(trust: RepositoryTrust, only?: string) {
  const all = roleTargets(trust).filter((t) => only === undefined || t.name === only);
  const chosen = new Map<string, string>();
  for (const role of [RELEASES_ROLE, 'targets']) for (const t of all) if (t.role === role && !chosen.has(t.name)) chosen.set(t.name, t.sha256);
  return releasedTargets(trust, only).filter((r) => chosen.get(r.name) === r.sha256);
}

describe('pulledTargets', () => {
  it('equals its definition over 2,000 random repositories (conflicting hashes, paths, missing hashes)', () => {
    const rand = seeded(20261202);
    let nonEmpty = 0;
    for (let i = 0; i < 2000; i++) {
      const trust = randomTrust(rand);
      const expected = reference(trust);
      if (expected.length) nonEmpty++;
      expect(pulledTargets(trust)).toEqual(expected);
      expect(pulledTargets(trust, 'v1')).toEqual(reference(trust, 'v1'));
    }
    expect(nonEmpty).toBeGreaterThan(1000);
  });

  it('takes the targets/releases hash over the targets one, with the signers that hold the same hash', () => {
    const meta = (h: string): TargetMeta => ({ length: 1, hashes: { sha256: Buffer.from(h).toString('base64') } }) as TargetMeta;
    const trust = {
      targets: { role: 'targets', signed: { targets: { v1: meta('old'), v2: meta('two') } } },
      delegations: [
        { role: RELEASES_ROLE, env: { role: RELEASES_ROLE, signed: { targets: { v1: meta('new') } } } },
        { role: 'targets/alice', env: { role: 'targets/alice', signed: { targets: { v1: meta('new'), v2: meta('two') } } } },
        { role: 'targets/bob', env: { role: 'targets/bob', signed: { targets: { v1: meta('old') } } } },
      ],
    } as unknown as RepositoryTrust;
    expect(pulledTargets(trust)).toEqual([
      { name: 'v2', sha256: Buffer.from('two').toString('hex'), length: 1, signers: ['alice'] },
      { name: 'v1', sha256: Buffer.from('new').toString('hex'), length: 1, signers: ['alice'] },
    ]);
  });
});
