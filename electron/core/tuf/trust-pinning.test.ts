import { errorCodeOf } from '../../../tests/support/error-code.js';
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  checkPinnedRoot,
  chainsTo,
  loadNotaryClientConfig,
  loadPinSettings,
  mergeTrustPinning,
  parseTrustPinningJson,
  pinFor,
  resolveTrustPinning,
  writeCertsPin,
  type TrustPinning,
} from './trust-pinning.js';
import { parseRoot } from './metadata/root.js';
import { canonicalKeyId } from './keys.js';
import { updateRepository } from './repository-updater.js';
import { TrustCache } from '../cache/trust-cache.js';
import { isTrustDeskError } from '../base/errors.js';
import { sampleFile, sampleGun, sampleSource, sampleTrustDir, SAMPLE_CLOCK } from '../../../tests/support/samples.js';

const gun = sampleGun('rotated');
const rootV1 = parseRoot(sampleFile('rotated', 'tuf/root.v1.json'));
const rootV5 = parseRoot(sampleFile('rotated', 'tuf/root.json'));
const v1Ids = rootV1.signed.roles.root.keyids;
const v5Ids = rootV5.signed.roles.root.keyids;

function pins(certs: Record<string, string[]>, extra: Partial<TrustPinning> = {}): TrustPinning {
  return { certs, ca: {}, disableTofu: false, sources: ['test'], ...extra };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'OK';
  } catch (err) {
    if (isTrustDeskError(err)) return err.code;
    throw err;
  }
}

const codeOfAsync = errorCodeOf;

describe('trust pinning rules (notary trust_pinning)', () => {
  it('exact GUN first, then the longest wildcard, then the longest CA prefix, then TOFU', () => {
    const ca = { file: '/ca.pem', certificates: [] };
    const p: TrustPinning = {
      certs: { 'r.io/a/*': ['1'.repeat(64)], 'r.io/a/b*': ['2'.repeat(64)], 'r.io/a/exact': ['3'.repeat(64)] },
      ca: { 'r.io/': ca, 'r.io/x/': { ...ca, file: '/x.pem' } },
      disableTofu: false,
      sources: [],
    };
    expect(pinFor(p, 'r.io/a/exact')).toMatchObject({ kind: 'certs', pattern: 'r.io/a/exact' });
    expect(pinFor(p, 'r.io/a/bee')).toMatchObject({ kind: 'certs', pattern: 'r.io/a/b*' });
    expect(pinFor(p, 'r.io/a/c')).toMatchObject({ kind: 'certs', pattern: 'r.io/a/*' });
    expect(pinFor(p, 'r.io/x/y')).toMatchObject({ kind: 'ca', prefix: 'r.io/x/' });
    expect(pinFor(p, 'r.io/z')).toMatchObject({ kind: 'ca', prefix: 'r.io/' });
    expect(pinFor(p, 'other.io/z')).toEqual({ kind: 'tofu' });
    expect(pinFor({ ...p, disableTofu: true }, 'other.io/z')).toEqual({ kind: 'refused' });
  });

  it('accepts a root whose certificate ID is pinned, or its bare key ID', () => {
    expect(checkPinnedRoot(rootV5, gun, pins({ [gun]: [v5Ids[0]!] }), SAMPLE_CLOCK).pinnedKeyIds).toEqual([v5Ids[0]]);
    const bare = canonicalKeyId(rootV5.signed.keys[v5Ids[0]!]!);
    expect(bare).not.toBe(v5Ids[0]);
    expect(checkPinnedRoot(rootV5, gun, pins({ [gun]: [bare] }), SAMPLE_CLOCK).pinnedKeyIds).toEqual([v5Ids[0]]);
  });

  it('refuses a root whose keys are not pinned, naming the expected and the found IDs', () => {
    try {
      checkPinnedRoot(rootV5, gun, pins({ '127.0.0.1:5000/lab/*': [v1Ids[0]!] }), SAMPLE_CLOCK);
      expect.unreachable();
    } catch (err) {
      expect(isTrustDeskError(err, 'TRUST_PIN_MISMATCH')).toBe(true);
      expect((err as Error).message).toContain(`expected root key ID ${v1Ids[0]}`);
      expect((err as Error).message).toContain(`found ${v5Ids.join(', ')}`);
      expect((err as Error).message).toContain('"127.0.0.1:5000/lab/*"');
    }
  });

  it('disable_tofu refuses an unpinned repository with ROOT_NOT_PINNED', () => {
    expect(codeOf(() => checkPinnedRoot(rootV5, gun, pins({}, { disableTofu: true }), SAMPLE_CLOCK))).toBe('ROOT_NOT_PINNED');
    expect(codeOf(() => checkPinnedRoot(rootV5, gun, pins({}), SAMPLE_CLOCK))).toBe('OK');
  });

  it('parses notary client config JSON and rejects malformed sections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-pin-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ trust_dir: '~/.notary', trust_pinning: { certs: { [gun]: [v5Ids[0]!.toUpperCase()] }, disable_tofu: true } }),
    );
    const p = await loadNotaryClientConfig(file);
    expect(p.certs[gun]).toEqual([v5Ids[0]]);
    expect(p.disableTofu).toBe(true);
    expect(() => parseTrustPinningJson({ certs: { x: 'abc' } }, 'f')).toThrow(/not a list/);
    expect(() => parseTrustPinningJson({ certs: { x: ['abc'] } }, 'f')).toThrow(/64-hex-digit/);
    expect(() => parseTrustPinningJson({ certs: { 'a*b': ['a'.repeat(64)] } }, 'f')).toThrow(/wildcard/);
    expect(() => parseTrustPinningJson({ disable_tofu: 'yes' }, 'f')).toThrow(/disable_tofu/);
    expect(await codeOfAsync(loadNotaryClientConfig(join(dir, 'nope.json')))).toBe('CONFIG_INVALID');
    writeFileSync(file, JSON.stringify({ trust_pinning: { ca: { 'r.io/': 'missing.pem' } } }));
    await expect(loadNotaryClientConfig(file)).rejects.toThrow(/cannot read CA file .*missing\.pem/);
  });

  it('merges: the later set wins per pattern, disable_tofu if any', () => {
    const a = pins({ x: ['1'.repeat(64)], y: ['2'.repeat(64)] }, { disableTofu: true });
    const b = pins({ x: ['3'.repeat(64)] });
    const m = mergeTrustPinning(a, b);
    expect(m.certs).toEqual({ x: ['3'.repeat(64)], y: ['2'.repeat(64)] });
    expect(m.disableTofu).toBe(true);
  });

  it('writes TrustDesk pins atomically (0600) and reads them back; a missing file is no pins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-pin-'));
    const file = join(dir, 'trustdesk-pins.json');
    expect((await loadPinSettings(file)).certs).toEqual({});
    await writeCertsPin(file, gun, [v5Ids[0]!]);
    await writeCertsPin(file, 'r.io/other', ['a'.repeat(64)]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ format: 'trustdesk-trust-pinning', version: 1 });
    expect((await loadPinSettings(file)).certs).toEqual({ [gun]: [v5Ids[0]], 'r.io/other': ['a'.repeat(64)] });
    await writeCertsPin(file, 'r.io/other', undefined);
    expect(Object.keys((await loadPinSettings(file)).certs)).toEqual([gun]);
  });
});

describe('CA pins: the leaf must chain to the pinned CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-ca-'));
  const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  o([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-subj',
    '/CN=Pin CA',
    '-days',
    '30',
    '-out',
    'ca.crt',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  o([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'other.key',
    '-subj',
    '/CN=Other CA',
    '-days',
    '30',
    '-out',
    'other.crt',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  o([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-subj',
    '/CN=leaf',
    '-out',
    'leaf.csr',
  ]);
  o(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '7', '-days', '10', '-out', 'leaf.crt']);
  for (const [name, eku] of [
    ['codesign', 'codeSigning'],
    ['serverauth', 'serverAuth,codeSigning'],
  ]) {
    writeFileSync(join(dir, `${name}.ext`), `extendedKeyUsage=${eku}\n`);
    o([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '8',
      '-days',
      '10',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]);
  }
  const cert = (f: string) => new X509Certificate(readFileSync(join(dir, f)));

  it('a leaf issued by the CA chains; one not issued by it does not; expired anchors do not count', () => {
    const now = new Date();
    expect(chainsTo(cert('leaf.crt'), [], [cert('ca.crt')], now)).toBe(true);
    expect(chainsTo(cert('leaf.crt'), [], [cert('other.crt')], now)).toBe(false);
    expect(chainsTo(cert('leaf.crt'), [], [cert('ca.crt')], new Date(now.getTime() + 60 * 86_400_000))).toBe(false);
    // as notary (Go x509.Verify, server auth): a leaf restricted to code signing does not chain
    expect(chainsTo(cert('codesign.crt'), [], [cert('ca.crt')], now)).toBe(false);
    expect(chainsTo(cert('serverauth.crt'), [], [cert('ca.crt')], now)).toBe(true);
    // a self-signed leaf is not accepted as its own anchor unless it is in the CA file
    expect(chainsTo(cert('other.crt'), [cert('other.crt')], [cert('ca.crt')], now)).toBe(false);
  });

  it('a notary root (self-signed leaf) does not chain to an unrelated CA pin: TRUST_PIN_MISMATCH names the CA', async () => {
    const p = await resolveTrustPinning({ ca: { '127.0.0.1:5000/': join(dir, 'ca.crt') } }, join(dir, 'cfg.json'));
    try {
      checkPinnedRoot(rootV5, gun, p, SAMPLE_CLOCK);
      expect.unreachable();
    } catch (err) {
      expect(isTrustDeskError(err, 'TRUST_PIN_MISMATCH')).toBe(true);
      expect((err as Error).message).toMatch(
        /expected a certificate issued by CN=Pin CA .*found [0-9a-f]{64} \(issuer CN=127\.0\.0\.1:5000\/lab\/rotated; its extended key usage excludes server auth/,
      );
    }
  });
});

describe('pins in the update workflow (stricter than notary: every trusted root)', () => {
  it('first use: a matching pin verifies and is reported; a mismatching pin is refused before anything else is fetched', async () => {
    const ok = await updateRepository({
      gun,
      cache: new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-c-'))),
      source: sampleSource('rotated'),
      now: SAMPLE_CLOCK,
      pinning: pins({ [gun]: [...v5Ids] }),
    });
    expect(ok.pin).toEqual({ kind: 'certs', pattern: gun, keyIds: v5Ids, caFile: undefined });
    const source = sampleSource('rotated');
    const cache = new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-c-')));
    expect(await codeOfAsync(updateRepository({ gun, cache, source, now: SAMPLE_CLOCK, pinning: pins({ [gun]: [...v1Ids] }) }))).toBe(
      'TRUST_PIN_MISMATCH',
    );
    expect(source.requests).toEqual(['root']);
    expect(await cache.cachedRoles(gun)).toEqual(new Set());
  });

  it('rotation: a cached root v1 that matches the pin, walked to v5 whose keys the pin lacks, is refused and v1 stays cached', async () => {
    const { cache } = sampleTrustDir('rotated', []);
    await cache.write(gun, 'root', sampleFile('rotated', 'tuf/root.v1.json'));
    const r = await codeOfAsync(
      updateRepository({ gun, cache, source: sampleSource('rotated'), now: SAMPLE_CLOCK, pinning: pins({ [gun]: [...v1Ids] }) }),
    );
    expect(r).toBe('TRUST_PIN_MISMATCH');
    expect((await cache.read(gun, 'root'))!.equals(sampleFile('rotated', 'tuf/root.v1.json'))).toBe(true);
    // with the pin updated to the new root, the same walk succeeds
    const t = await updateRepository({ gun, cache, source: sampleSource('rotated'), now: SAMPLE_CLOCK, pinning: pins({ [gun]: [...v5Ids] }) });
    expect(t.rootChain.map((x) => x.signed.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a full root chain from 1.root.json is verified version by version', async () => {
    const source = sampleSource('rotated');
    const t = await updateRepository({
      gun,
      cache: new TrustCache(mkdtempSync(join(tmpdir(), 'trustdesk-c-'))),
      source,
      now: SAMPLE_CLOCK,
      fullRootChain: true,
    });
    expect(t.rootChain.map((x) => x.signed.version)).toEqual([1, 2, 3, 4, 5]);
    expect(source.requests.slice(0, 2)).toEqual(['1.root', 'root']);
  });

  it('offline with asOfCache verifies as of the cache time and reports it', async () => {
    const { cache } = sampleTrustDir('rotated');
    const { utimesSync } = await import('node:fs');
    utimesSync(cache.rolePath(gun, 'timestamp'), SAMPLE_CLOCK, SAMPLE_CLOCK);
    const t = await updateRepository({ gun, cache, asOfCache: true });
    expect(t.source).toBe('cache');
    expect(t.verifiedAt.toISOString()).toBe(SAMPLE_CLOCK.toISOString());
    // without it, the real clock applies and the samples' timestamps have long expired
    if (Date.now() > new Date(t.timestamp.expires).getTime()) {
      expect(await codeOfAsync(updateRepository({ gun, cache }))).toBe('METADATA_EXPIRED');
    }
  });
});
