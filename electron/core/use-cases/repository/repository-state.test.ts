import { describe, it, expect } from 'vitest';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { updateRepository } from '../../tuf/repository-updater.js';
import { joinRepositoryState } from './repository-state.js';
import { sampleTrustDir, SAMPLE_CLOCK } from '../../../../tests/support/samples.js';

const err = (code: ConstructorParameters<typeof TrustDeskError>[0], message = code.toLowerCase()) => ({
  ok: false as const,
  error: new TrustDeskError(code, message),
});
const ref = parseReference('example.com/a/b');

describe('the join rules', () => {
  it('no trust data (not signed, or no root file): every tag unsigned, a warning, no problem', () => {
    for (const e of [err('REPOSITORY_NOT_SIGNED'), err('METADATA_NOT_FOUND', 'root.json of example.com/a/b is not on the trust server x')]) {
      const s = joinRepositoryState('example.com/a/b', ref, e, { ok: true, value: [{ tag: 'v1', digest: 'sha256:aa' }] }, SAMPLE_CLOCK);
      expect(s).toMatchObject({
        hasTrustData: false,
        registry: 'read',
        problems: [],
        warnings: ['example.com/a/b has no trust data: every tag is unsigned'],
      });
      expect(s.status!.tags.map((t) => t.verdict)).toEqual(['unsigned']);
    }
  });

  it('a refused trust is fatal; so is a missing snapshot under a root', () => {
    const s = joinRepositoryState('n', ref, err('SIGNATURE_INVALID'), { ok: true, value: [] }, SAMPLE_CLOCK);
    expect(s.error).toEqual({ code: 'SIGNATURE_INVALID', message: 'signature_invalid', source: 'trust' });
    expect(s.status).toBeUndefined();
    expect(
      joinRepositoryState('n', ref, err('METADATA_NOT_FOUND', 'snapshot.json of n is not on the trust server'), 'offline', SAMPLE_CLOCK).error?.code,
    ).toBe('METADATA_NOT_FOUND');
  });

  it('a registry failure keeps the trust data and is a problem; without trust data it is fatal; offline is not a problem', async () => {
    const { cache, gun } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const kept = joinRepositoryState(gun, parseReference(gun), { ok: true, value: trust }, err('AUTH_REQUIRED'), SAMPLE_CLOCK);
    expect(kept).toMatchObject({
      hasTrustData: true,
      registry: 'failed',
      registryProblem: { code: 'AUTH_REQUIRED' },
      problems: [{ source: 'registry', code: 'AUTH_REQUIRED' }],
    });
    expect(kept.status!.tags.every((t) => t.verdict === 'signed-not-in-registry')).toBe(true);
    const none = joinRepositoryState('n', ref, err('REPOSITORY_NOT_SIGNED'), err('NETWORK_UNREACHABLE'), SAMPLE_CLOCK);
    expect(none.error).toMatchObject({ code: 'NETWORK_UNREACHABLE', source: 'registry' });
    const offline = joinRepositoryState(gun, parseReference(gun), { ok: true, value: trust }, 'offline', SAMPLE_CLOCK);
    expect(offline).toMatchObject({ registry: 'offline', problems: [] });
  });
});
