import { describe, it, expect } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateRepository } from '../../tuf/repository-updater.js';
import { canonicalKeyId, keyId } from '../../tuf/keys.js';
import type { RegistryTag } from '../../tuf/verdicts.js';
import { repositoryOverview, overviewSummary, expiryLevel, GRAPH_TAGS_PER_ROLE } from './repository-overview.js';
import { sampleFile, sampleTrustDir, SAMPLE_CLOCK } from '../../../../tests/support/samples.js';
import { overviewSchema, summarySchema } from '../../../../shared/view-model.js';

function registryTags(scenario: string): RegistryTag[] {
  return sampleFile(scenario, 'registry/manifests.tsv')
    .toString()
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .map(([tag, digest, size, mediaType]) => ({ tag: tag!, digest, size: Number(size), mediaType }));
}

async function overviewOf(scenario: string, opts: { withRegistry?: boolean } = {}) {
  const { cache, gun, trustDir } = sampleTrustDir(scenario);
  const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
  const tags = opts.withRegistry === false ? [] : registryTags(scenario);
  return { trust, trustDir, gun, overview: repositoryOverview({ name: gun, trust, registryTags: tags, trustDir, now: SAMPLE_CLOCK }) };
}

describe('repository overview on the real samples', () => {
  it('team: verdicts, signers with the tags they signed, and a valid view model', async () => {
    const { overview } = await overviewOf('team');
    expect(overviewSchema.parse(overview)).toEqual(overview);
    expect(overview.hasTrustData).toBe(true);
    expect(overview.counts).toEqual({ signed: 3, unsigned: 2, 'digest-mismatch': 0, 'signed-not-in-registry': 0 });
    const verdicts = Object.fromEntries(overview.tags.map((t) => [t.tag, t.verdict]));
    expect(verdicts).toEqual({ 'bob-only': 'signed', revoked: 'unsigned', v1: 'signed', v2: 'signed', v3: 'unsigned' });
    const alice = overview.signers.find((s) => s.name === 'alice');
    expect(alice).toMatchObject({ role: 'targets/alice', parent: 'targets', threshold: 1, loaded: true });
    expect(alice!.signedTags).toEqual(['v1', 'v2']);
    expect(overview.signers.map((s) => s.name)).not.toContain('releases');
  });

  it('signer keys: type, and for certificate keys the certificate, also on the timeline', async () => {
    const { cache, gun, trustDir } = sampleTrustDir('team');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const plain = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, now: SAMPLE_CLOCK });
    const alice = plain.signers.find((s) => s.name === 'alice')!;
    expect(alice.keys).toEqual([{ id: alice.keyIds[0], keyType: 'ecdsa', certificate: undefined }]);
    // the same view over a delegation whose key is a certificate (as `notary delegation add` with a cert makes)
    const rootKey = trust.root.signed.keys[trust.root.signed.roles.root.keyids[0]!]!;
    trust.targets.signed.delegations!.keys[alice.keyIds[0]!] = rootKey;
    const withCert = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, now: SAMPLE_CLOCK });
    const key = withCert.signers.find((s) => s.name === 'alice')!.keys[0]!;
    expect(key.keyType).toBe('ecdsa-x509');
    expect(key.certificate?.commonName).toBe(gun);
    expect(withCert.timeline.filter((e) => e.label.startsWith('alice certificate'))).toHaveLength(1);
  });

  it('team before bob was removed: both signers, bob signed bob-only and v1', async () => {
    const { overview } = await overviewOf('team-before-bob-removal', { withRegistry: false });
    const bob = overview.signers.find((s) => s.name === 'bob');
    expect(bob?.signedTags).toEqual(['bob-only', 'v1']);
    // without registry data every signed tag is "signed, not in registry"
    expect(overview.counts['signed-not-in-registry']).toBe(overview.tags.length);
  });

  it('administrative keys: root has a certificate and two IDs, timestamp is held by the server', async () => {
    const { overview, trust } = await overviewOf('app');
    expect(overview.adminRoles.map((r) => r.role)).toEqual(['root', 'targets', 'snapshot', 'timestamp']);
    const root = overview.adminRoles[0]!;
    const rootKey = root.keys[0]!;
    const json = trust.root.signed.keys[rootKey.id]!;
    expect(rootKey.id).toBe(keyId(json));
    expect(rootKey.canonicalId).toBe(canonicalKeyId(json));
    expect(rootKey.canonicalId).not.toBe(rootKey.id);
    expect(rootKey.keyType).toBe('ecdsa-x509');
    expect(rootKey.certificate?.commonName).toBe(trust.gun);
    expect(rootKey.holder).toBe('elsewhere');
    expect(overview.adminRoles[3]!.keys[0]!.holder).toBe('server');
  });

  it('a key file <canonical id>.key in the trust dir private/ folder means this machine holds it', async () => {
    const { cache, gun, trustDir } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const rootId = trust.root.signed.roles.root.keyids[0]!;
    mkdirSync(join(trustDir, 'private'), { recursive: true });
    writeFileSync(join(trustDir, 'private', `${canonicalKeyId(trust.root.signed.keys[rootId]!)}.key`), 'not read');
    const o = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, now: SAMPLE_CLOCK });
    expect(o.adminRoles[0]!.keys[0]!.holder).toBe('this-machine');
  });

  it('a key whose public key is on a configured hardware token is held by the token', async () => {
    const { cache, gun, trustDir } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const rootId = trust.root.signed.roles.root.keyids[0]!;
    const tokenKeyIds = new Set([canonicalKeyId(trust.root.signed.keys[rootId]!)]);
    const o = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, tokenKeyIds, warnings: ['token note'], now: SAMPLE_CLOCK });
    expect(o.adminRoles[0]!.keys[0]!.holder).toBe('hardware-token');
    expect(o.adminRoles[1]!.keys[0]!.holder).toBe('elsewhere');
    expect(o.warnings).toContain('token note');
  });

  it('timeline: every role and the root certificate, soonest first, with warning levels', async () => {
    const { overview } = await overviewOf('rotated', { withRegistry: false });
    const roles = overview.timeline
      .filter((e) => e.kind === 'role')
      .map((e) => e.role)
      .sort();
    expect(roles).toEqual(['root', 'snapshot', 'targets', 'timestamp']);
    expect(overview.timeline.some((e) => e.kind === 'certificate')).toBe(true);
    const times = overview.timeline.map((e) => e.expires);
    expect([...times].sort()).toEqual(times);
    expect(expiryLevel('targets', new Date(SAMPLE_CLOCK.getTime() - 1), SAMPLE_CLOCK)).toBe('expired');
    expect(expiryLevel('targets', new Date(SAMPLE_CLOCK.getTime() + 5 * 86400_000), SAMPLE_CLOCK)).toBe('soon');
    expect(expiryLevel('timestamp', new Date(SAMPLE_CLOCK.getTime() + 5 * 86400_000), SAMPLE_CLOCK)).toBe('ok');
  });

  it('trust graph: root → targets → delegations → tags, with thresholds and key counts', async () => {
    const { overview } = await overviewOf('team-before-bob-removal', { withRegistry: false });
    const ids = overview.graph.nodes.map((n) => n.id);
    expect(ids.slice(0, 2)).toEqual(['root', 'targets']);
    expect(ids).toEqual(expect.arrayContaining(['targets/releases', 'targets/alice', 'targets/bob', 'tag:v1', 'tag:bob-only']));
    expect(overview.graph.edges).toContainEqual({ from: 'targets', to: 'targets/alice' });
    expect(overview.graph.edges).toContainEqual({ from: 'targets/bob', to: 'tag:bob-only' });
    const root = overview.graph.nodes[0]!;
    expect(root.threshold).toBe(1);
    expect(root.keyCount).toBe(1);
    for (const e of overview.graph.edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
    }
    expect(GRAPH_TAGS_PER_ROLE).toBeGreaterThan(0);
  });

  it('trust graph: a role with many tags draws a few and one "+N more" node', async () => {
    const { cache, gun, trustDir } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const [, meta] = Object.entries(trust.targets.signed.targets)[0]!;
    for (let i = 0; i < 20; i++) trust.targets.signed.targets[`extra-${i}`] = meta;
    const total = Object.keys(trust.targets.signed.targets).length;
    const o = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, now: SAMPLE_CLOCK });
    const tagNodes = o.graph.nodes.filter((n) => n.kind === 'tag');
    expect(tagNodes).toHaveLength(GRAPH_TAGS_PER_ROLE);
    expect(o.graph.nodes.find((n) => n.kind === 'more')).toMatchObject({ id: 'more:targets', label: `+${total - GRAPH_TAGS_PER_ROLE} more` });
    expect(o.tags).toHaveLength(total);
  });

  it('no trust data: an empty state with every registry tag unsigned', () => {
    const o = repositoryOverview({
      name: 'example.com/a/b',
      registryTags: [{ tag: 'latest', digest: 'sha256:00' }],
      trustDir: '/nonexistent',
      now: SAMPLE_CLOCK,
    });
    expect(o.hasTrustData).toBe(false);
    expect(o.tags).toEqual([
      {
        tag: 'latest',
        verdict: 'unsigned',
        registryDigest: 'sha256:00',
        signedDigest: undefined,
        size: undefined,
        signers: [],
        registryError: undefined,
      },
    ]);
    expect(o.graph.nodes).toEqual([]);
    expect(summarySchema.parse(overviewSummary(o))).toMatchObject({ hasTrustData: false, tagCount: 1 });
  });

  it('summary: counts and the nearest expiry', async () => {
    const { overview } = await overviewOf('team');
    const s = overviewSummary(overview);
    expect(s.counts.signed).toBe(3);
    expect(s.nearestExpiry?.role).toBe('timestamp');
  });
});
