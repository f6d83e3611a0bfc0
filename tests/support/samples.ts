/**
 * Access to the real lab samples in tests/fixtures/samples (byte-exact files made by the real
 * notary-server, notary CLI and docker CLI), for unit tests. Never hand-written JSON.
 */
import { existsSync, readFileSync, readdirSync, mkdtempSync, mkdirSync, copyFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TrustCache } from '../../electron/core/cache/trust-cache.js';
import { updateRepository, type MetadataSource } from '../../electron/core/tuf/repository-updater.js';
import { ARCHIVE_FORMAT, MemoryTrustCache, archivedRepository, serialiseArchive } from '../../electron/core/cache/trust-archive.js';
import { TrustDeskError } from '../../electron/core/base/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
export const SAMPLES_DIR = resolve(here, '../fixtures/samples');
export const REFERENCE_DIR = resolve(SAMPLES_DIR, '..');

/** The lab clock at which every sample is valid (timestamps expire from 2026-12-07). */
export const SAMPLE_CLOCK = new Date('2026-11-24T00:00:00Z');

export function sampleFile(scenario: string, rel: string): Buffer {
  return readFileSync(join(SAMPLES_DIR, scenario, rel));
}

export function sampleGun(scenario: string): string {
  return readFileSync(join(SAMPLES_DIR, scenario, 'GUN'), 'utf8').trim();
}

export function hasSample(scenario: string, rel: string): boolean {
  return existsSync(join(SAMPLES_DIR, scenario, rel));
}

/** Role files of a scenario's tuf/ dir: { 'root': Buffer, 'targets/alice': Buffer, ... } (no root.vN). */
export function sampleRoles(scenario: string): Map<string, Buffer> {
  const dir = join(SAMPLES_DIR, scenario, 'tuf');
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${f}/`);
      else if (/^[a-z0-9_-]+\.json$/.test(f) && f !== 'changefeed.json') out.set(`${prefix}${f.slice(0, -5)}`, readFileSync(p));
    }
  };
  walk(dir, '');
  return out;
}

/** A trust dir whose cache holds a scenario's files, as docker would have cached them. */
export function sampleTrustDir(scenario: string, roles?: string[]): { trustDir: string; cache: TrustCache; gun: string } {
  const trustDir = mkdtempSync(join(tmpdir(), `trustdesk-${scenario}-`));
  const gun = sampleGun(scenario);
  const cache = new TrustCache(trustDir);
  for (const role of sampleRoles(scenario).keys()) {
    if (roles && !roles.includes(role)) continue;
    const p = cache.rolePath(gun, role);
    mkdirSync(dirname(p), { recursive: true });
    copyFileSync(join(SAMPLES_DIR, scenario, 'tuf', `${role}.json`), p);
  }
  return { trustDir, cache, gun };
}

/** An in-memory trust server serving a scenario's files by name, checksum and root version. */
export function sampleSource(scenario: string, override: Partial<Record<string, Buffer>> = {}): MetadataSource & { requests: string[] } {
  const roles = sampleRoles(scenario);
  const requests: string[] = [];
  const get = (role: string): Buffer => {
    const b = override[role] ?? roles.get(role);
    if (!b) throw new TrustDeskError('METADATA_NOT_FOUND', `${role} not found`);
    return b;
  };
  return {
    requests,
    async fetchRole(_gun, role, opts) {
      requests.push(opts.checksumHex ? `${role}.${opts.checksumHex}` : role);
      // Like a server (or a man in the middle) that answers by-checksum requests with whatever it
      // holds for the role: the client must catch a mismatch itself.
      const b = get(role);
      if (b.length > opts.maxBytes) throw new TrustDeskError('RESPONSE_TOO_LARGE', `${role} larger than ${opts.maxBytes}`);
      return b;
    },
    async fetchRootVersion(_gun, version) {
      requests.push(`${version}.root`);
      const rel = `tuf/root.v${version}.json`;
      if (!hasSample(scenario, rel)) throw new TrustDeskError('METADATA_NOT_FOUND', `${version}.root not found`);
      return sampleFile(scenario, rel);
    },
  };
}

/** A version 1 (unsigned) trust archive of a sample, verified and archived at the lab clock; its file and text. */
export async function sampleArchive(scenario: string): Promise<{ gun: string; file: string; text: string }> {
  const gun = sampleGun(scenario);
  const trust = await updateRepository({
    gun,
    cache: new MemoryTrustCache(),
    source: sampleSource(scenario),
    now: SAMPLE_CLOCK,
    fullRootChain: true,
  });
  const file = join(mkdtempSync(join(tmpdir(), 'trustdesk-arch-')), 'a.tdarchive');
  const text = serialiseArchive({
    format: ARCHIVE_FORMAT,
    version: 1,
    archivedAt: SAMPLE_CLOCK.toISOString(),
    createdBy: 'test',
    repositories: [archivedRepository(trust, 'https://notary.example', { skipped: true })],
  });
  writeFileSync(file, text);
  return { gun, file, text };
}
