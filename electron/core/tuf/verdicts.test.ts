import { describe, it, expect } from 'vitest';
import { updateRepository } from './repository-updater.js';
import { repositoryStatus, type RegistryTag } from './verdicts.js';
import { sampleFile, sampleTrustDir, SAMPLE_CLOCK } from '../../../tests/support/samples.js';

const VERDICT_NAMES: Record<string, string> = {
  OK: 'signed',
  UNSIGNED: 'unsigned',
  DIGEST_MISMATCH: 'digest-mismatch',
  SIGNED_NOT_IN_REGISTRY: 'signed-not-in-registry',
};

function tsv(scenario: string, file: string): string[][] {
  return sampleFile(scenario, file)
    .toString()
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
}

describe('status verdicts equal the lab expectations', () => {
  for (const scenario of ['app', 'team']) {
    it(scenario, async () => {
      const { cache, gun } = sampleTrustDir(scenario);
      const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
      const registry: RegistryTag[] = tsv(scenario, 'registry/manifests.tsv').map(([tag, digest, size, mediaType]) => ({
        tag: tag!,
        digest,
        size: Number(size),
        mediaType,
      }));
      const status = repositoryStatus(gun, trust, registry);
      const expected = tsv(scenario, 'expected-verdicts.tsv').map(([tag, , signed, signers, verdict]) => ({
        tag,
        verdict: VERDICT_NAMES[verdict!],
        signedDigest: signed || undefined,
        signers: signers === '-' ? [] : signers!.split(','),
      }));
      expect(status.tags.map((t) => ({ tag: t.tag, verdict: t.verdict, signedDigest: t.signedDigest, signers: t.signers }))).toEqual(expected);
      expect(status.roles.map((r) => r.role)).toContain('timestamp');
      expect(status.nearestExpiry?.role).toBe('timestamp');
    });
  }
});

describe('a tag signed with different digests in targets and targets/releases', () => {
  const hex = (c: string) => c.repeat(64);
  const meta = (c: string) => ({ length: 10, hashes: { sha256: Buffer.from(hex(c), 'hex').toString('base64') } });
  const env = (role: string, signed: Record<string, unknown>) => ({
    role,
    expires: new Date('2030-01-01T00:00:00Z'),
    signed: { version: 1, expires: '2030-01-01T00:00:00Z', ...signed },
  });
  // v1: releases a, targets b; v2: releases c, targets d; only: targets e; alice holds v1=a and other=f.
  const trust = {
    gun: 'example.com/split',
    root: env('root', {}),
    snapshot: env('snapshot', {}),
    timestamp: env('timestamp', {}),
    targets: env('targets', {
      targets: { v1: meta('b'), v2: meta('d'), only: meta('e') },
      delegations: {
        keys: {},
        roles: [
          { name: 'targets/releases', keyids: ['k'], threshold: 1, paths: [''] },
          { name: 'targets/alice', keyids: ['k'], threshold: 1, paths: [''] },
        ],
      },
    }),
    delegations: [
      { env: env('targets/releases', { targets: { v1: meta('a'), v2: meta('c') } }), paths: [''] },
      { env: env('targets/alice', { targets: { v1: meta('a'), other: meta('f') } }), paths: [''] },
    ],
    warnings: [],
    skipped: [],
    source: 'remote',
  } as unknown as Parameters<typeof repositoryStatus>[1];

  it('takes the targets/releases digest, as docker pull does; a tag held by another delegation only is not signed', () => {
    const s = repositoryStatus('example.com/split', trust, [
      { tag: 'v1', digest: `sha256:${hex('a')}` },
      { tag: 'v2', digest: `sha256:${hex('d')}` },
      { tag: 'only', digest: `sha256:${hex('e')}` },
      { tag: 'other', digest: `sha256:${hex('f')}` },
    ]);
    const got = Object.fromEntries(s.tags.map((t) => [t.tag, { verdict: t.verdict, signedDigest: t.signedDigest, signers: t.signers }]));
    expect(got).toEqual({
      v1: { verdict: 'signed', signedDigest: `sha256:${hex('a')}`, signers: ['alice'] },
      // the registry serves the targets digest, docker pulls the targets/releases one
      v2: { verdict: 'digest-mismatch', signedDigest: `sha256:${hex('c')}`, signers: ['Repo Admin'] },
      only: { verdict: 'signed', signedDigest: `sha256:${hex('e')}`, signers: ['Repo Admin'] },
      other: { verdict: 'unsigned', signedDigest: undefined, signers: [] },
    });
  });

  it('without the registry, the signed digest is the targets/releases one', () => {
    const s = repositoryStatus('example.com/split', trust, []);
    expect(s.tags.find((t) => t.tag === 'v1')).toMatchObject({ verdict: 'signed-not-in-registry', signedDigest: `sha256:${hex('a')}` });
  });
});
