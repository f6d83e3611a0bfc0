import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateRepository } from '../../tuf/repository-updater.js';
import { MemoryTrustCache } from '../../cache/trust-archive.js';
import { TrustContext } from '../../session/context.js';
import { sampleGun, sampleSource, SAMPLE_CLOCK } from '../../../../tests/support/samples.js';
import { roleExpiries } from './roles.js';

describe('role expiries and who renews them', () => {
  it("a machine with none of the keys: every role is someone else's, timestamp (and an unexpired snapshot) the server's", async () => {
    const gun = sampleGun('team');
    const trust = await updateRepository({ gun, cache: new MemoryTrustCache(), source: sampleSource('team'), now: SAMPLE_CLOCK });
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-roles-'));
    const ctx = new TrustContext({ env: {}, configDir: dir });
    try {
      const roles = await roleExpiries(ctx, trust, SAMPLE_CLOCK);
      expect(roles.map((r) => r.role)).toEqual(['root', 'targets', 'targets/alice', 'targets/releases', 'snapshot', 'timestamp']);
      expect(roles.map((r) => r.signer)).toEqual(['elsewhere', 'elsewhere', 'elsewhere', 'elsewhere', 'server', 'server']);
      expect(roles.find((r) => r.role === 'targets/alice')!.renewer).toMatch(/^signer alice \(key [0-9a-f]{12}\)$/);
      expect(roles.find((r) => r.role === 'targets')!.renewer).toContain('(the repository admin)');
      expect(roles.every((r) => !r.expired)).toBe(true);
      // years later everything has expired; an expired snapshot is no longer assumed to be the server's
      const later = await roleExpiries(ctx, trust, new Date('2040-01-01T00:00:00Z'));
      expect(later.every((r) => r.expired)).toBe(true);
      expect(later.find((r) => r.role === 'snapshot')!.signer).toBe('elsewhere');
    } finally {
      ctx.close();
    }
  });
});
