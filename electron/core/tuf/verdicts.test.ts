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
  return sampleFile(scenario, file).toString().trim().split('\n').slice(1).map((l) => l.split('\t'));
}

describe('status verdicts equal the lab expectations', () => {
  for (const scenario of ['app', 'team']) {
    it(scenario, async () => {
      const { cache, gun } = sampleTrustDir(scenario);
      const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
      const registry: RegistryTag[] = tsv(scenario, 'registry/manifests.tsv').map(([tag, digest, size, mediaType]) => ({
        tag: tag!, digest, size: Number(size), mediaType,
      }));
      const status = repositoryStatus(gun, trust, registry);
      const expected = tsv(scenario, 'expected-verdicts.tsv').map(([tag, , signed, signers, verdict]) => ({
        tag, verdict: VERDICT_NAMES[verdict!], signedDigest: signed || undefined, signers: signers === '-' ? [] : signers!.split(','),
      }));
      expect(status.tags.map((t) => ({ tag: t.tag, verdict: t.verdict, signedDigest: t.signedDigest, signers: t.signers }))).toEqual(expected);
      expect(status.roles.map((r) => r.role)).toContain('timestamp');
      expect(status.nearestExpiry?.role).toBe('timestamp');
    });
  }
});
