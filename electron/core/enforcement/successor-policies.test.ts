/**
 * The successor policies against the real CRD schemas (Kyverno v1.19 ClusterPolicy and
 * ImageValidatingPolicy, policy-controller ClusterImagePolicy; strict: a misspelled field fails), and
 * the same in substance as the upstream example policies (keys, references, log settings).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { writeSuccessorPolicies, k8sName, type PolicySet, type PolicyKey, type WrittenPolicies } from './successor-policies.js';

const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/successor-policies');
const schema = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as object;

let clusterPolicy: ValidateFunction;
let ivp: ValidateFunction;
let cip: ValidateFunction;

beforeAll(() => {
  const ajv = new Ajv({ allErrors: true });
  clusterPolicy = ajv.compile(schema('clusterpolicy.kyverno.io-v1.schema.json'));
  ivp = ajv.compile(schema('imagevalidatingpolicy.policies.kyverno.io-v1beta1.schema.json'));
  cip = ajv.compile(schema('clusterimagepolicy.policy.sigstore.dev-v1alpha1.schema.json'));
});

function key(name: string, signers: string[] = []): PolicyKey {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { name, keyId: `${name}`.padEnd(64, '0'), pem, signers };
}

function policySet(over: Partial<PolicySet> = {}): PolicySet {
  return {
    mode: 'enforce',
    rejectUnmatched: false,
    keys: [key('alice', ['alice'])],
    scopes: [{ kind: 'repository', pattern: 'registry.example.com:5000/acme/app', count: 1 }],
    provenance: {
      generatedAt: '2026-12-02T12:00:00.000Z',
      generator: 'trustdesk migrate policy',
      repositories: [
        {
          gun: 'registry.example.com:5000/acme/app',
          rootKeyIds: ['a'.repeat(64)],
          signers: [{ name: 'alice', threshold: 1, keyIds: ['b'.repeat(64)] }],
        },
      ],
    },
    ...over,
  };
}

function file(w: WrittenPolicies, path: string): string {
  const f = w.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${w.files.map((x) => x.path).join(', ')}`);
  return f.text;
}

function docs(text: string): Record<string, any>[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, any>)
    .filter(Boolean);
}

function expectValid(validate: ValidateFunction, text: string): void {
  const all = docs(text);
  expect(all.length).toBeGreaterThan(0);
  for (const d of all) {
    const ok = validate(d);
    expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
  }
}

describe('Kyverno', () => {
  it('the ClusterPolicy validates against the v1 CRD schema and says what the conformance example says for a key without a log', () => {
    const w = writeSuccessorPolicies(policySet(), ['kyverno']);
    const text = file(w, 'kyverno/clusterpolicy.yaml');
    expectValid(clusterPolicy, text);
    expect(text.startsWith('# Kyverno ClusterPolicy')).toBe(true);
    expect(text).toContain('# Repository registry.example.com:5000/acme/app: root key aaaaaaaaaaaa');
    const [mine] = docs(text);
    const [example] = docs(readFileSync(join(FIXTURES, 'kyverno-conformance-multiple-attestors.yaml'), 'utf8'));
    const ours = mine!.spec.rules[0].verifyImages[0];
    const theirs = example!.spec.rules[0].verifyImages[0];
    // Same shape and settings as upstream's keyed rule: key attestor, tlog and SCT off, Enforce, digest mutation/verification on.
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(ours.attestors[0].entries[0].keys).sort()).toEqual(Object.keys(theirs.attestors[0].entries[0].keys).sort());
    expect(ours.attestors[0].entries[0].keys.rekor).toEqual(theirs.attestors[0].entries[0].keys.rekor);
    expect(ours.attestors[0].entries[0].keys.ctlog).toEqual(theirs.attestors[0].entries[0].keys.ctlog);
    expect(ours).toMatchObject({ failureAction: 'Enforce', mutateDigest: true, verifyDigest: true, required: true });
    expect(ours.attestors[0].count).toBe(1);
    expect(ours.attestors[0].entries[0].keys.publicKeys).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/);
    // Tag and digest references, so a pod pinned by digest is checked too.
    expect(ours.imageReferences).toEqual(['registry.example.com:5000/acme/app:*', 'registry.example.com:5000/acme/app@*']);
    expect(mine!.spec.rules[0].match).toEqual(example!.spec.rules[0].match);
  });

  it('several keys with a threshold: one entry with every key, count = threshold; audit mode turns mutateDigest off', () => {
    const set = policySet({
      keys: [key('alice', ['alice']), key('bob', ['bob'])],
      scopes: [{ kind: 'repository', pattern: 'docker.io/acme/app', count: 2 }],
      mode: 'audit',
    });
    const w = writeSuccessorPolicies(set, ['kyverno']);
    const text = file(w, 'kyverno/clusterpolicy.yaml');
    expectValid(clusterPolicy, text);
    const v = docs(text)[0]!.spec.rules[0].verifyImages[0];
    expect(v).toMatchObject({ failureAction: 'Audit', mutateDigest: false });
    expect(v.attestors[0].count).toBe(2);
    expect(v.attestors[0].entries[0].keys.publicKeys.match(/BEGIN PUBLIC KEY/g)).toHaveLength(2);
    const iv = file(w, 'kyverno/imagevalidatingpolicy.yaml');
    expectValid(ivp, iv);
    const [p] = docs(iv);
    expect(p!.spec.validationActions).toEqual(['Audit', 'Warn']);
    expect(p!.spec.attestors.map((a: any) => a.name)).toEqual(['key1_alice', 'key2_bob']);
    expect(p!.spec.validations[0].expression).toBe(
      'images.containers.map(image, verifyImageSignatures(image, [attestors.key1_alice, attestors.key2_bob])).all(e, e >= 2)',
    );
  });

  it('the ImageValidatingPolicy validates against its CRD schema; the no-log switches are the IVP ones', () => {
    const w = writeSuccessorPolicies(policySet(), ['kyverno']);
    const text = file(w, 'kyverno/imagevalidatingpolicy.yaml');
    expectValid(ivp, text);
    const [p] = docs(text);
    expect(p!.apiVersion).toBe('policies.kyverno.io/v1');
    expect(p!.spec.attestors[0].cosign.ctlog).toEqual({ insecureIgnoreTlog: true, insecureIgnoreSCT: true });
    expect(p!.spec.validationConfigurations).toEqual({ mutateDigest: true, verifyDigest: true, required: true });
    expect(p!.spec.matchImageReferences).toEqual([
      { glob: 'registry.example.com:5000/acme/app:*' },
      { glob: 'registry.example.com:5000/acme/app@*' },
    ]);
  });

  it('a misspelled field would be caught by the schema (the test can fail)', () => {
    const w = writeSuccessorPolicies(policySet(), ['kyverno']);
    const [d] = docs(file(w, 'kyverno/clusterpolicy.yaml'));
    d!.spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.rekor = { ignoreTLog: true };
    expect(clusterPolicy(d)).toBe(false);
  });
});

describe('policy-controller', () => {
  it("the ClusterImagePolicy validates, keeps ctlog out like upstream's key-no-rekor fixture, and globs Docker Hub as index.docker.io", () => {
    const set = policySet({
      keys: [key('alice', ['alice']), key('bob')],
      scopes: [
        { kind: 'repository', pattern: 'docker.io/acme/app', count: 1 },
        { kind: 'glob', pattern: 'registry.example.com/team/*', count: 1 },
      ],
    });
    const w = writeSuccessorPolicies(set, ['policy-controller']);
    const text = file(w, 'policy-controller/clusterimagepolicy.yaml');
    expectValid(cip, text);
    const [hub, team] = docs(text);
    const [example] = docs(readFileSync(join(FIXTURES, 'cip-key-no-rekor.yaml'), 'utf8'));
    expect(Object.keys(hub!.spec.authorities[0].key)).toEqual(Object.keys(example!.spec.authorities[0].key));
    for (const a of hub!.spec.authorities) expect(a.ctlog).toBeUndefined();
    expect(hub!.spec.images).toEqual([{ glob: 'index.docker.io/acme/app:**' }, { glob: 'index.docker.io/acme/app@**' }]);
    expect(team!.spec.images).toEqual([{ glob: 'registry.example.com/team/**' }]);
    expect(hub!.spec.mode).toBe('enforce');
    expect(hub!.metadata.name).toBe('trustdesk-docker-io-acme-app');
  });

  it('count > 1 and "?" globs are listed as not translated', () => {
    const set = policySet({
      keys: [key('a'), key('b')],
      scopes: [
        { kind: 'glob', pattern: 'r.example/app-?', count: 1 },
        { kind: 'repository', pattern: 'r.example/x', count: 2 },
      ],
    });
    const w = writeSuccessorPolicies(set, ['policy-controller']);
    expect(w.untranslatable.map((u) => u.message)).toEqual([
      expect.stringContaining('r.example/app-?: "?"'),
      expect.stringContaining('r.example/x: 2 of 2 keys'),
    ]);
  });
});

describe('containers policy.json + registries.d', () => {
  it('one key: sigstoreSigned with keyData = base64 of the PEM text and matchRepository; other images untouched; attachments on', () => {
    const set = policySet();
    const w = writeSuccessorPolicies(set, ['containers']);
    const policy = JSON.parse(file(w, 'containers/policy.json'));
    expect(policy).toEqual({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: {
        docker: {
          'registry.example.com:5000/acme/app': [
            { type: 'sigstoreSigned', keyData: Buffer.from(set.keys[0]!.pem).toString('base64'), signedIdentity: { type: 'matchRepository' } },
          ],
        },
      },
    });
    const reg = file(w, 'containers/registries.d/trustdesk-migrated.yaml');
    expect(reg).toMatch(/^# containers-registries.d/);
    expect(YAML.parse(reg)).toEqual({ docker: { 'registry.example.com:5000/acme/app': { 'use-sigstore-attachments': true } } });
    expect(file(w, 'containers/README.txt')).toContain('Generated by trustdesk migrate policy at 2026-12-02T12:00:00.000Z');
    expect(w.needsContainersImage533).toBe(false);
  });

  it('several keys, any one: keyDatas, with the containers/image 5.33 requirement in the header and the notes; all keys: one requirement each', () => {
    const any = writeSuccessorPolicies(policySet({ keys: [key('a'), key('b')] }), ['containers']);
    expect(any.needsContainersImage533).toBe(true);
    expect(JSON.parse(file(any, 'containers/policy.json')).transports.docker['registry.example.com:5000/acme/app'][0].keyDatas).toHaveLength(2);
    expect(file(any, 'containers/README.txt')).toContain('keyDatas (several keys, any one of them) needs containers/image 5.33 or later');
    expect(any.notes[0]!.message).toContain('containers/image ≥ 5.33');
    const all = writeSuccessorPolicies(
      policySet({ keys: [key('a'), key('b')], scopes: [{ kind: 'repository', pattern: 'r.example/x', count: 2 }] }),
      ['containers'],
    );
    expect(all.needsContainersImage533).toBe(false);
    expect(JSON.parse(file(all, 'containers/policy.json')).transports.docker['r.example/x'].map((r: any) => Object.keys(r).sort())).toEqual([
      ['keyData', 'signedIdentity', 'type'],
      ['keyData', 'signedIdentity', 'type'],
    ]);
  });

  it('daemon.json globs: a namespace glob becomes a namespace scope, a mid-name glob is not translated; enforced rejects by default', () => {
    const w = writeSuccessorPolicies(
      policySet({
        rejectUnmatched: true,
        scopes: [
          { kind: 'glob', pattern: 'registry.example.com/team/*', count: 1 },
          { kind: 'glob', pattern: 'registry.example.com/app-*', count: 1 },
        ],
      }),
      ['containers'],
    );
    const policy = JSON.parse(file(w, 'containers/policy.json'));
    expect(policy.default).toEqual([{ type: 'reject' }]);
    expect(Object.keys(policy.transports.docker)).toEqual(['registry.example.com/team']);
    expect(w.untranslatable.map((u) => u.message)).toEqual([expect.stringContaining('registry.example.com/app-*: containers policy scopes')]);
  });
});

describe('CI snippet', () => {
  it('verifies with cosign (no tlog), then pulls the verified digest; the keys are written beside it', () => {
    const w = writeSuccessorPolicies(policySet(), ['ci']);
    const sh = file(w, 'ci/verify-and-pull.sh');
    expect(sh).toContain('cosign verify --key "$here/$key" --insecure-ignore-tlog=true --output json "$image"');
    expect(sh).toContain('$pull "$repo@$digest"');
    expect(file(w, 'ci/keys/key1-alice.pub')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(YAML.parse(file(w, 'ci/github-actions.yml')).steps[1].run).toBe(
      "sh ci/verify-and-pull.sh 'registry.example.com:5000/acme/app:${{ github.sha }}'",
    );
  });
});

it('k8sName makes DNS-1123 names of at most 63 characters', () => {
  expect(k8sName('trustdesk', '127.0.0.1:5000/lab/Team/*')).toBe('trustdesk-127-0-0-1-5000-lab-team-all');
  expect(k8sName('trustdesk', `r.example/${'x'.repeat(100)}`).length).toBeLessThanOrEqual(63);
});
