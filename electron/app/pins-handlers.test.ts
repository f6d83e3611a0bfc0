import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { sampleArchive, sampleTrustDir, SAMPLE_CLOCK } from '../../tests/support/samples.js';

/** Every file under a dir with its bytes and mtime: what "nothing written" is checked against. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = `${statSync(p).mtimeMs} ${readFileSync(p).toString('base64')}`;
  }
  return out;
}

const LATER = new Date('2031-01-01T00:00:00Z');
type Ok<T> = { ok: true; value: T };

/** A docker config dir whose trust/ holds a sample repository cached at SAMPLE_CLOCK. */
function configWithSample(scenario: string) {
  const { trustDir, cache, gun } = sampleTrustDir(scenario);
  const configDir = mkdtempSync(join(tmpdir(), 'trustdesk-app-pins-'));
  cpSync(trustDir, join(configDir, 'trust'), { recursive: true });
  utimesSync(join(configDir, 'trust', cache.rolePath(gun, 'timestamp').slice(trustDir.length)), SAMPLE_CLOCK, SAMPLE_CLOCK);
  return { configDir, gun };
}

async function setup(configDir: string) {
  const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-app-userdata-')));
  await settings.update({ dockerConfigDir: configDir, offline: true });
  return createHandlers({ settings, version: 't', openExternal: async () => undefined, env: {}, now: () => LATER });
}

describe('pins and offline inspector channels', () => {
  it('pins the current root (offline, as of the cache), lists it with the pins file in the docker config dir, unpins', async () => {
    const { configDir, gun } = configWithSample('rotated');
    const h = await setup(configDir);
    expect(await h.invoke('pins:for', { name: gun })).toEqual({ ok: true, value: { gun, kind: 'tofu' } });
    const p = (await h.invoke('pins:pin-current', { name: gun })) as Ok<{ certIds: string[]; file: string; rootVersion: number }>;
    expect(p).toMatchObject({ ok: true, value: { gun, rootVersion: 5, file: join(configDir, 'trustdesk-pins.json') } });
    expect(p.value.certIds).toHaveLength(1);
    expect(await h.invoke('pins:for', { name: gun })).toEqual({ ok: true, value: { gun, kind: 'certs', pattern: gun, certIds: p.value.certIds } });
    const l = await h.invoke('pins:list', {});
    expect(l).toMatchObject({
      ok: true,
      value: {
        file: join(configDir, 'trustdesk-pins.json'),
        disableTofu: false,
        rules: [{ pattern: gun, kind: 'certs', certIds: p.value.certIds }],
        repositories: [{ gun, kind: 'certs' }],
      },
    });
    expect(await h.invoke('pins:unpin', { name: gun })).toEqual({ ok: true, value: { gun, removedIds: p.value.certIds } });
    expect(await h.invoke('pins:for', { name: gun })).toMatchObject({ ok: true, value: { kind: 'tofu' } });
    expect(await h.invoke('pins:unpin', { name: gun })).toEqual({ ok: true, value: { gun } });
  });

  it('opens a trust directory (or the config dir holding it) with no network: as of the cache time, what expired since', async () => {
    const { configDir, gun } = configWithSample('team');
    const h = await setup(mkdtempSync(join(tmpdir(), 'trustdesk-other-config-')));
    const before = snapshot(configDir);
    for (const path of [configDir, join(configDir, 'trust')]) {
      expect(await h.invoke('offline:open', { source: 'trust-dir', path })).toEqual({
        ok: true,
        value: {
          source: 'trust-dir',
          path: join(configDir, 'trust'),
          asOf: SAMPLE_CLOCK.toISOString(),
          repositories: [{ gun, asOf: SAMPLE_CLOCK.toISOString() }],
        },
      });
    }
    const o = (await h.invoke('offline:overview', { source: 'trust-dir', path: configDir, name: gun })) as Ok<{
      asOf: string;
      expiredSince: { role: string }[];
      overview: { name: string; hasTrustData: boolean };
    }>;
    expect(o.ok).toBe(true);
    expect(o.value.asOf).toBe(SAMPLE_CLOCK.toISOString());
    expect(o.value.overview).toMatchObject({ name: gun, hasTrustData: true });
    expect(o.value.expiredSince.map((e) => e.role)).toEqual(expect.arrayContaining(['timestamp', 'snapshot']));
    expect(snapshot(configDir)).toEqual(before); // inspected, not touched
    expect(await h.invoke('offline:open', { source: 'trust-dir', path: mkdtempSync(join(tmpdir(), 'empty-')) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });

  it('opens a trust archive: as of the archive time, what expired since; a changed byte is refused', async () => {
    const { gun, file, text } = await sampleArchive('team');
    const h = await setup(mkdtempSync(join(tmpdir(), 'trustdesk-other-config-')));
    expect(await h.invoke('offline:open', { source: 'archive', path: file })).toEqual({
      ok: true,
      value: {
        source: 'archive',
        path: file,
        asOf: SAMPLE_CLOCK.toISOString(),
        createdBy: 'test',
        unsigned: true,
        repositories: [{ gun, asOf: SAMPLE_CLOCK.toISOString() }],
      },
    });
    const o = (await h.invoke('offline:overview', { source: 'archive', path: file, name: gun })) as Ok<{
      asOf: string;
      expiredSince: { role: string }[];
      overview: { name: string };
    }>;
    expect(o).toMatchObject({ ok: true, value: { asOf: SAMPLE_CLOCK.toISOString(), overview: { name: gun } } });
    expect(o.value.expiredSince.map((e) => e.role)).toEqual(expect.arrayContaining(['timestamp', 'snapshot']));
    const bad = file.replace(/a\.tdarchive$/, 'bad.tdarchive');
    const bytes = Buffer.from(text);
    const i = bytes.length >> 1;
    bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41;
    writeFileSync(bad, bytes);
    expect(await h.invoke('offline:open', { source: 'archive', path: bad })).toMatchObject({ ok: false, error: { code: 'ARCHIVE_INVALID' } });
  });
});
