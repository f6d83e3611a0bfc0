/**
 * The audit's decisions with a verified sample repository and a fake world (trust server, cache,
 * registry): modes, pins by canonical ID, official images, expired cache, grouping, and that nothing
 * is contacted when content trust is disabled. The same rules run on the lab in
 * tests/interop/enforcement.test.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { TrustDeskError } from '../base/errors.js';
import { updateRepository, type RepositoryTrust } from '../tuf/repository-updater.js';
import { sampleTrustDir, SAMPLE_CLOCK } from '../../../tests/support/samples.js';
import { releasedTargets } from '../tuf/repository-view.js';
import type { RegistryTag } from '../tuf/verdicts.js';
import { auditImages, rootKeyIds, type AuditDeps } from './audit.js';
import { parseDaemonPolicy, CLIENT_DEFAULT_POLICY, type DaemonPolicy } from './daemon-policy.js';

let trust: RepositoryTrust;
let gun: string;
let tags: RegistryTag[];

beforeAll(async () => {
  const s = sampleTrustDir('app');
  gun = s.gun;
  trust = await updateRepository({ gun, cache: s.cache, now: SAMPLE_CLOCK });
  // the registry serves exactly what is signed
  tags = releasedTargets(trust).map((t) => ({ tag: t.name, digest: `sha256:${t.sha256}` }));
});

function world(over: Partial<AuditDeps> = {}): AuditDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    loadTrust: async (ref) => {
      calls.push(`trust ${ref.gun}`);
      if (ref.gun !== gun) throw new TrustDeskError('REPOSITORY_NOT_SIGNED', `${ref.gun} has no trust data`);
      return trust;
    },
    loadCachedTrust: async () => trust,
    trustServerReachable: async () => true,
    registryTags: async (ref) => {
      calls.push(`tags ${ref.gun}`);
      return tags;
    },
    now: () => SAMPLE_CLOCK,
    ...over,
  };
}

function policy(section: unknown): DaemonPolicy {
  const p = parseDaemonPolicy({ 'content-trust': section });
  expect(p.problems).toEqual([]);
  return p.policy;
}

const occ = (image: string, location = 'test') => ({ image, location, kind: 'argument' as const });

describe('audit decisions', () => {
  it('pins compare canonical IDs; the certificate ID is named as the mistake it is', async () => {
    const [k] = rootKeyIds(trust);
    expect(k!.canonicalId).not.toBe(k!.certificateId);
    const tag = tags[0]!.tag;
    const ok = await auditImages(
      [occ(`${gun}:${tag}`)],
      policy({ mode: 'enforced', 'trust-pinning': { 'root-keys': { [gun]: [k!.canonicalId] } } }),
      world(),
    );
    expect(ok.images[0]).toMatchObject({ verdict: 'pass', reason: 'ok', pulls: true });
    const cert = await auditImages(
      [occ(`${gun}:${tag}`)],
      policy({ mode: 'enforced', 'trust-pinning': { 'root-keys': { [gun]: [k!.certificateId] } } }),
      world(),
    );
    expect(cert.images[0]).toMatchObject({ verdict: 'fail', reason: 'pinned-key-mismatch' });
    expect(cert.images[0]!.detail).toContain(`use ${k!.canonicalId}`);
    expect(cert.exitCode).toBe(1);
  });

  it('no tag means latest; the same image from several places is checked once', async () => {
    const w = world();
    const r = await auditImages([occ(gun, 'a.yaml'), occ(gun, 'b.yaml'), occ(`${gun}:nosuch`)], CLIENT_DEFAULT_POLICY, w);
    expect(r.images.map((i) => [i.image, i.tag, i.locations.length])).toEqual([
      [gun, 'latest', 2],
      [`${gun}:nosuch`, 'nosuch', 1],
    ]);
    expect(r.images[1]).toMatchObject({ reason: 'tag-not-signed', verdict: 'fail' });
    expect(w.calls.filter((c) => c.startsWith('trust')).length).toBe(1);
    expect(w.calls.filter((c) => c.startsWith('tags')).length).toBe(1);
  });

  it('disabled contacts nothing; permissive warns and pulls; official images with official-images', async () => {
    const w = world();
    const off = await auditImages([occ('nginx'), occ(`${gun}:nosuch`)], policy({ mode: 'disabled' }), w);
    expect(off.images.every((i) => i.verdict === 'off' && i.pulls)).toBe(true);
    expect(w.calls).toEqual([]);
    const perm = await auditImages(
      [occ(`${gun}:nosuch`)],
      policy({ mode: 'permissive', 'trust-pinning': { 'root-keys': { '*': [rootKeyIds(trust)[0]!.canonicalId] } } }),
      world(),
    );
    expect(perm.images[0]).toMatchObject({ verdict: 'warn', pulls: true, reason: 'tag-not-signed' });
    expect(perm.exitCode).toBe(0);
    const official = await auditImages(
      [occ('nginx:1.27'), occ('someone/nginx')],
      policy({ mode: 'enforced', 'trust-pinning': { 'official-images': true } }),
      world({ loadTrust: async () => trust, registryTags: async () => [{ tag: '1.27', digest: tags[0]!.digest }] }),
    );
    expect(official.images[0]!.pin).toMatchObject({ kind: 'official' });
    expect(official.images[1]).toMatchObject({ reason: 'not-pinned', verdict: 'fail' });
  });

  it('expired: the server down and allow-expired-trust-cache accepts the cache; a reachable server does not', async () => {
    const expired = () => Promise.reject(new TrustDeskError('METADATA_EXPIRED', 'timestamp expired'));
    const later = new Date(SAMPLE_CLOCK.getTime() + 400 * 24 * 3600 * 1000);
    const tag = `${gun}:${tags[0]!.tag}`;
    const base = { 'trust-pinning': { 'root-keys': { [gun]: [rootKeyIds(trust)[0]!.canonicalId] } }, mode: 'enforced' };
    const down = world({ loadTrust: expired, trustServerReachable: async () => false, now: () => later });
    expect((await auditImages([occ(tag)], policy(base), down)).images[0]).toMatchObject({ reason: 'expired', verdict: 'fail' });
    const allowed = (await auditImages([occ(tag)], policy({ ...base, 'allow-expired-trust-cache': true }), down)).images[0]!;
    expect(allowed).toMatchObject({ reason: 'expired-cache-allowed', verdict: 'pass' });
    expect(allowed.expiredSince!.length).toBeGreaterThan(0);
    const up = world({ loadTrust: expired, trustServerReachable: async () => true, now: () => later });
    expect((await auditImages([occ(tag)], policy({ ...base, 'allow-expired-trust-cache': true }), up)).images[0]).toMatchObject({
      reason: 'expired',
      verdict: 'fail',
    });
    const cold = world({ loadTrust: () => Promise.reject(new TrustDeskError('NETWORK_UNREACHABLE', 'connect ECONNREFUSED')) });
    expect((await auditImages([occ(tag)], policy(base), cold)).images[0]).toMatchObject({ reason: 'no-trust-server', verdict: 'fail' });
  });

  it('offline: the registry is not read, signatures alone decide; an invalid reference never pulls', async () => {
    const w = world({ registryOffline: true, registryTags: () => Promise.reject(new Error('the registry must not be read')) });
    const r = await auditImages([occ(`${gun}:${tags[0]!.tag}`), occ(`${gun}:nosuch`)], CLIENT_DEFAULT_POLICY, w);
    expect(r.images.map((i) => i.reason)).toEqual(['ok', 'tag-not-signed']);
    const off = await auditImages([occ('UPPER/Case:x')], policy({ mode: 'permissive' }), world());
    expect(off.images[0]).toMatchObject({ reason: 'invalid-reference', verdict: 'warn', pulls: false });
  });

  it('digest references must be signed digests; invalid references fail', async () => {
    const signed = tags[0]!.digest!;
    const r = await auditImages(
      [occ(`${gun}@${signed}`), occ(`${gun}@sha256:${'0'.repeat(64)}`), occ('UPPER/Case:x')],
      CLIENT_DEFAULT_POLICY,
      world(),
    );
    expect(r.images.map((i) => i.reason)).toEqual(['ok', 'digest-mismatch', 'invalid-reference']);
  });
});
