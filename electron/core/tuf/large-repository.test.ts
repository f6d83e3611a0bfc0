import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateRepository } from '../../../tests/support/repository-simulator.js';
import { updateRepository } from './repository-updater.js';
import { TrustCache } from '../cache/trust-cache.js';
import { repositoryStatus } from './verdicts.js';

describe('a large simulated repository', () => {
  it('verifies 2,000 tags signed by releases and 20 delegations, with every signer attributed', async () => {
    const sim = simulateRepository({ tags: 2000, delegations: 20 });
    const cache = new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-large-')));
    const trust = await updateRepository({ gun: sim.gun, cache, source: sim.source });
    expect(trust.delegations).toHaveLength(21);
    const registry = [...sim.manifests].map(([tag, m]) => ({ tag, digest: m.digest, size: m.size }));
    registry[0] = { ...registry[0]!, digest: `sha256:${'0'.repeat(64)}` }; // re-pushed: mismatch
    const status = repositoryStatus(sim.gun, trust, registry);
    expect(status.counts).toEqual({ signed: 1999, unsigned: 0, 'digest-mismatch': 1, 'signed-not-in-registry': 0 });
    expect(status.tags.find((t) => t.tag === 'v150')!.signers).toEqual(['signer1']);
  });
});
