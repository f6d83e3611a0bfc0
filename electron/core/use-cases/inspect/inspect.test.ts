import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateRepository } from '../../tuf/repository-updater.js';
import { inspectResult, formatInspectJson, formatInspectPretty } from './inspect.js';
import { SAMPLES_DIR, SAMPLE_CLOCK, sampleTrustDir, hasSample } from '../../../../tests/support/samples.js';

const scenarios = ['app', 'team', 'team-before-bob-removal', 'team-forced', 'rotated', 'awkward-names', 'app-remote-signer'];

describe('inspect output equals docker trust inspect on the real samples', () => {
  for (const scenario of scenarios) {
    it(`${scenario}: JSON and --pretty are byte-identical`, async () => {
      const { cache, gun } = sampleTrustDir(scenario);
      const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
      expect(trust.source).toBe('cache');
      const result = inspectResult(trust, gun);
      const expectedJson = readFileSync(join(SAMPLES_DIR, scenario, 'docker-trust-inspect.json'), 'utf8');
      expect(formatInspectJson([result])).toBe(expectedJson);
      if (hasSample(scenario, 'docker-trust-inspect-pretty.txt')) {
        const expectedPretty = readFileSync(join(SAMPLES_DIR, scenario, 'docker-trust-inspect-pretty.txt'), 'utf8');
        expect(formatInspectPretty(result)).toBe(expectedPretty);
      }
    });
  }
});
