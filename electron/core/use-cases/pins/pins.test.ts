import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustContext } from '../../session/context.js';
import { listPins, pinCurrentRoot, unpinRepository } from './pins.js';
import { loadArchiveOverview } from '../archive/archive-overview.js';
import { writeCertsPin } from '../../tuf/trust-pinning.js';
import { sampleArchive, sampleTrustDir, SAMPLE_CLOCK } from '../../../../tests/support/samples.js';

function offlineSession(trustDir: string, pinsFile: string): TrustContext {
  return new TrustContext({ trustDir, pinsFile, offline: true, clock: () => SAMPLE_CLOCK, fixedClock: true, env: {} });
}

describe('pin use-cases (for the app)', () => {
  it('lists cached repositories with how they are trusted, pins the current root, refuses a changed root, unpins', async () => {
    const { trustDir, gun } = sampleTrustDir('rotated');
    const pinsFile = join(mkdtempSync(join(tmpdir(), 'trustdesk-pins-')), 'trustdesk-pins.json');
    let s = offlineSession(trustDir, pinsFile);
    expect((await listPins(s)).repositories).toEqual([{ gun, kind: 'tofu' }]);
    const r = await pinCurrentRoot(s, { name: gun });
    expect(r).toMatchObject({ gun, rootVersion: 5, pinsFile });
    expect(r.certIds).toHaveLength(1);
    const l = await listPins(s);
    expect(l.repositories).toEqual([{ gun, kind: 'certs', pattern: gun, certIds: r.certIds }]);
    expect(l.pins).toEqual([{ pattern: gun, kind: 'certs', certIds: r.certIds, source: pinsFile }]);
    expect(JSON.parse(JSON.stringify(l))).toEqual(l); // IPC-safe: plain values only

    await writeCertsPin(pinsFile, gun, ['ab'.repeat(32)]);
    s = offlineSession(trustDir, pinsFile);
    await expect(pinCurrentRoot(s, { name: gun })).rejects.toMatchObject({ code: 'TRUST_PIN_MISMATCH' });
    expect(await unpinRepository(s, { name: gun })).toEqual({ gun, removed: ['ab'.repeat(32)] });
    expect((await listPins(s)).repositories[0]!.kind).toBe('tofu');
    await expect(pinCurrentRoot(s, { name: `${gun}:v1` })).rejects.toMatchObject({ code: 'INVALID_REFERENCE' });
  });

  it('the app overview from an archive: verified as of the archive time, with what expired since', async () => {
    const { gun, file } = await sampleArchive('team');
    const later = new Date('2031-01-01T00:00:00Z');
    const o = await loadArchiveOverview(file, gun, { trustDir: mkdtempSync(join(tmpdir(), 'td-')), now: later });
    expect(o.archivedAt).toBe(SAMPLE_CLOCK.toISOString());
    expect(o.overview.name).toBe(gun);
    expect(o.expiredSince.map((e) => e.role)).toEqual(expect.arrayContaining(['timestamp', 'snapshot']));
  });
});
