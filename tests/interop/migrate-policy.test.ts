/**
 * `trustdesk migrate policy` on the lab: a repository with two delegations (alice, bob: made with the
 * real `docker trust` and `notary`), migrated to cosign with alice's key only, then:
 *  - the parity report names each difference: a tag signed only by bob (not migrated), a tag alice
 *    signed after the migration (no cosign signature yet), a tag signed only with cosign (content trust
 *    refused it), and refused by both (unsigned, digest mismatch, signed with another key);
 *  - the Kyverno and policy-controller documents validate against the CRD schemas;
 *  - the containers policy.json + registries.d make a real sigstore-enabled skopeo accept the migrated
 *    tags and refuse an unsigned tag, a digest-mismatched tag and a tag signed with another key (when
 *    that skopeo is named by TRUSTDESK_SKOPEO_SIGSTORE; the test reads nothing outside the repository
 *    otherwise, and says when this check did not run);
 *  - --from-daemon-json turns the engine's root-keys globs and mode into scopes and modes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import {
  startLab,
  buildTeamBefore,
  ensureSigner,
  notary,
  pushTag,
  runCommand,
  type Lab,
  type ScenarioDescriptor,
  type Signer,
} from '../../lab/index.js';
import { TrustSession, parseReference } from '../../electron/core/session/trust-session.js';
import { appendClassicSignature } from '../../electron/core/cosign/classic.js';
import { makePayload } from '../../electron/core/cosign/simple-signing.js';
import { notaryKeySigner } from '../../electron/core/signing/cosign/signing-key.js';
import { publicKeyFromPem } from '../../electron/core/signing/ecdsa.js';
import { canonicalKeyId, publicKeyJson } from '../../electron/core/tuf/keys.js';
import type { ParityReport } from '../../electron/core/use-cases/migrate/policy.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const FIXTURES = join(ROOT, 'tests/fixtures/successor-policies');
// An optional real verifier, named from outside (the tests never look beside the checkout).
const SKOPEO = process.env.TRUSTDESK_SKOPEO_SIGSTORE ?? 'skopeo-sigstore (TRUSTDESK_SKOPEO_SIGSTORE not set)';

let lab: Lab;
let team: ScenarioDescriptor;
let alice: Signer;
let bob: Signer;
let aliceId: string;
let work: string;
let out: string;
let report: ParityReport;
let policyRun: { code: number; stdout: string; stderr: string };

function trustdesk(args: string[]) {
  return runCommand(lab, process.execPath, [BIN, ...args], { check: false, timeoutMs: 120_000 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'trustdesk-policy-'));
  lab = await startLab();
  team = await buildTeamBefore(lab, { name: 'policy-team' });
  [alice, bob] = await Promise.all([ensureSigner(lab, 'alice', false), ensureSigner(lab, 'bob', true)]);
  aliceId = canonicalKeyId(publicKeyJson(publicKeyFromPem(readFileSync(alice.pubFile, 'utf8'))));
  const name = team.name;
  // Before the migration: v2 re-pushed (digest mismatch), cosign-only pushed (no DCT signature).
  await pushTag(lab, name, 'v2', 'v2-repushed');
  const cosignOnly = await pushTag(lab, name, 'cosign-only');
  const migrateOut = mkdtempSync(join(work, 'migrate-'));
  const m = await trustdesk(['migrate', 'cosign', '--key', `notary:${aliceId}`, '--out', migrateOut, team.gun]);
  if (m.code !== 0) throw new Error(`migrate cosign failed: ${m.stdout}\n${m.stderr}`);
  // After it: bob signs bob-later, alice signs alice-later, both in DCT only.
  const bobLater = await pushTag(lab, name, 'bob-later');
  await notary(lab, ['add', '-p', team.gun, 'bob-later', bobLater.file, '--roles', 'targets/releases', '--roles', 'targets/bob'], {
    trustDir: bob.trustDir,
    env: bob.env,
  });
  const aliceLater = await pushTag(lab, name, 'alice-later');
  await notary(lab, ['add', '-p', team.gun, 'alice-later', aliceLater.file, '--roles', 'targets/releases', '--roles', 'targets/alice'], {
    trustDir: alice.trustDir,
  });
  // cosign-only signed with alice's key; v3 (unsigned in DCT) signed with another key.
  const session = new TrustSession({ env: { ...process.env, ...lab.env } });
  try {
    const ref = parseReference(team.gun);
    const oci = await session.ociClient(ref);
    const signer = await notaryKeySigner(join(lab.dockerConfigDir, 'trust'), aliceId, { env: { ...process.env, ...lab.env } });
    const p1 = makePayload(`${team.gun}:cosign-only`, cosignOnly.digest);
    await appendClassicSignature(oci, ref.repository, cosignOnly.digest, p1, (await signer.sign(p1, 'test')).toString('base64'));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const v3 = team.tags.v3!.registryDigest!;
    const p2 = makePayload(`${team.gun}:v3`, v3);
    await appendClassicSignature(oci, ref.repository, v3, p2, nodeSign('sha256', p2, other.privateKey).toString('base64'));
  } finally {
    session.close();
  }
  out = mkdtempSync(join(work, 'policies-'));
  policyRun = await trustdesk(['migrate', 'policy', '--key', alice.pubFile, '-o', out, team.gun]);
  report = JSON.parse(readFileSync(join(out, 'parity-report.json'), 'utf8')) as ParityReport;
}, 400_000);

afterAll(async () => {
  await lab?.stop();
});

describe('migrate policy on the lab: the parity report', () => {
  it('exits 3 (differences) and writes every policy and the report', () => {
    expect(policyRun.stderr).toBe('');
    expect(policyRun.code).toBe(3);
    for (const f of [
      'containers/policy.json',
      'containers/registries.d/trustdesk-migrated.yaml',
      'containers/README.txt',
      'kyverno/clusterpolicy.yaml',
      'kyverno/imagevalidatingpolicy.yaml',
      'policy-controller/clusterimagepolicy.yaml',
      'ci/verify-and-pull.sh',
      'ci/github-actions.yml',
      'parity-report.txt',
      'parity-report.json',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(policyRun.stdout).toContain('The cosign policy does NOT accept exactly what content trust accepted');
  });

  it("alice's key is recognised as the delegation alice; bob is not migrated", () => {
    expect(report.keys).toEqual([{ name: 'alice', keyId: aliceId, signers: ['alice'] }]);
    const repo = report.repositories[0]!;
    expect(repo.signers).toEqual([
      { name: 'alice', threshold: 1, migrated: true },
      { name: 'bob', threshold: 1, migrated: false },
    ]);
    expect(repo.count).toBe(1);
  });

  it('each tag has both verdicts and the right difference', () => {
    const rows = Object.fromEntries(report.repositories[0]!.tags.map((t) => [t.tag, t]));
    const outcome = Object.fromEntries(
      Object.entries(rows).map(([k, v]) => [k, `${v.dct.accepts ? 'A' : 'R'}/${v.cosign.accepts ? 'A' : 'R'} ${v.outcome}`]),
    );
    expect(outcome).toEqual({
      v1: 'A/A same',
      'bob-only': 'A/A same',
      v2: 'R/R refused-by-both',
      v3: 'R/R refused-by-both',
      revoked: 'R/R refused-by-both',
      'bob-later': 'A/R signer-not-migrated',
      'alice-later': 'A/R no-cosign-signature-yet',
      'cosign-only': 'R/A cosign-only',
    });
    expect(rows.v2!.dct.verdict).toBe('digest-mismatch');
    expect(rows.v3!.cosign.detail).toBe('no cosign signature by a migrated key');
    expect(rows['bob-later']!.detail).toContain('only by bob, whose key was not migrated');
    expect(rows['bob-later']!.dct.signers).toEqual(['bob']);
    expect(rows['cosign-only']!.dct.verdict).toBe('unsigned');
    expect(report.counts).toEqual({ same: 2, 'refused-by-both': 3, 'signer-not-migrated': 1, 'no-cosign-signature-yet': 1, 'cosign-only': 1 });
    const text = readFileSync(join(out, 'parity-report.txt'), 'utf8');
    expect(text).toMatch(/bob-later\s+accept \(signed\)\s+refuse\s+DIFF signer not migrated/);
    expect(text).toBe(policyRun.stdout.slice(0, text.length));
  });

  it('--dry-run prints the same report and writes nothing', async () => {
    const dry = mkdtempSync(join(work, 'dry-'));
    const r = await trustdesk(['migrate', 'policy', '--key', alice.pubFile, '--dry-run', '--json', '-o', dry, team.gun]);
    expect(r.code).toBe(3);
    expect(readdirSync(dry)).toEqual([]);
    const j = JSON.parse(r.stdout) as { report: ParityReport; files: string[] };
    expect(j.report.counts).toEqual(report.counts);
    expect(j.files).toContain('containers/policy.json');
  });

  it('headers say what each file came from', () => {
    const cp = readFileSync(join(out, 'kyverno/clusterpolicy.yaml'), 'utf8');
    expect(cp).toContain(`# Repository ${team.gun}: root key `);
    expect(cp).toMatch(/#\s+signer alice \(threshold 1\): [0-9a-f]{12}/);
    expect(cp).toContain(`# Key alice: ${aliceId} (DCT signer alice)`);
    expect(readFileSync(join(out, 'containers/README.txt'), 'utf8')).toContain('Generated by trustdesk migrate policy at ');
  });
});

describe('the generated Kubernetes documents validate against the CRD schemas', () => {
  it('Kyverno ClusterPolicy, ImageValidatingPolicy and policy-controller ClusterImagePolicy', () => {
    const ajv = new Ajv({ allErrors: true });
    const cases: [string, string][] = [
      ['clusterpolicy.kyverno.io-v1.schema.json', 'kyverno/clusterpolicy.yaml'],
      ['imagevalidatingpolicy.policies.kyverno.io-v1beta1.schema.json', 'kyverno/imagevalidatingpolicy.yaml'],
      ['clusterimagepolicy.policy.sigstore.dev-v1alpha1.schema.json', 'policy-controller/clusterimagepolicy.yaml'],
    ];
    for (const [schema, file] of cases) {
      const validate = ajv.compile(JSON.parse(readFileSync(join(FIXTURES, schema), 'utf8')));
      const docs = YAML.parseAllDocuments(readFileSync(join(out, file), 'utf8')).map((d) => d.toJS());
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) expect(validate(d), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe('the containers policy judged by a real sigstore-enabled skopeo', () => {
  const available = existsSync(SKOPEO);
  if (!available)
    console.warn(
      `skopeo with sigstore not found at ${SKOPEO}: the containers policy was NOT checked by a real verifier (set TRUSTDESK_SKOPEO_SIGSTORE)`,
    );

  function skopeoCopy(tag: string): Promise<{ ok: boolean; stderr: string }> {
    const certDir = mkdtempSync(join(work, 'certs-'));
    copyFileSync(lab.caFile, join(certDir, 'ca.crt'));
    const dest = mkdtempSync(join(work, 'copy-'));
    return new Promise((done) => {
      execFile(
        SKOPEO,
        [
          '--policy',
          join(out, 'containers/policy.json'),
          '--registries.d',
          join(out, 'containers/registries.d'),
          'copy',
          '--src-cert-dir',
          certDir,
          `docker://${team.gun}:${tag}`,
          `dir:${dest}`,
        ],
        { timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work } },
        (err, _stdout, stderr) => done({ ok: !err, stderr: String(stderr) }),
      );
    });
  }

  it.skipIf(!available)('accepts the migrated tags; refuses unsigned, digest-mismatched and other-key tags', async () => {
    for (const tag of ['v1', 'bob-only', 'cosign-only']) {
      const r = await skopeoCopy(tag);
      expect(r.ok, `${tag}: ${r.stderr}`).toBe(true);
    }
    for (const tag of ['revoked', 'v2', 'v3', 'alice-later']) {
      const r = await skopeoCopy(tag);
      expect(r.ok, `${tag} should be refused`).toBe(false);
      expect(r.stderr, tag).toMatch(/Source image rejected/);
    }
  });
});

describe('--from-daemon-json', () => {
  it('root-keys globs become scopes, enforced becomes Enforce/reject, what cannot be translated is listed', async () => {
    const daemon = join(work, 'daemon.json');
    const rootId = '0'.repeat(64); // cosign has no root key: the pinned IDs are not carried over (said in the report)
    writeFileSync(
      daemon,
      JSON.stringify({
        'content-trust': { mode: 'enforced', 'trust-pinning': { 'root-keys': { [`${lab.registryHost}/lab/*`]: [rootId] }, 'official-images': true } },
      }),
    );
    const dir = mkdtempSync(join(work, 'daemon-'));
    const r = await trustdesk([
      'migrate',
      'policy',
      '--key',
      alice.pubFile,
      '--from-daemon-json',
      daemon,
      '--format',
      'containers,kyverno',
      '-o',
      dir,
      team.gun,
    ]);
    expect(r.stderr).toBe('');
    const policy = JSON.parse(readFileSync(join(dir, 'containers/policy.json'), 'utf8'));
    expect(policy.default).toEqual([{ type: 'reject' }]);
    expect(Object.keys(policy.transports.docker)).toEqual([`${lab.registryHost}/lab`]);
    const cp = YAML.parse(readFileSync(join(dir, 'kyverno/clusterpolicy.yaml'), 'utf8'));
    expect(cp.spec.rules.map((x: { verifyImages: { imageReferences: string[]; failureAction: string }[] }) => x.verifyImages[0])).toEqual([
      expect.objectContaining({ imageReferences: [`${lab.registryHost}/lab/*`], failureAction: 'Enforce' }),
    ]);
    expect(existsSync(join(dir, 'policy-controller'))).toBe(false);
    const j = JSON.parse(readFileSync(join(dir, 'parity-report.json'), 'utf8')) as ParityReport;
    const messages = j.untranslatable.map((u) => u.message).join('\n');
    expect(messages).toContain('root-keys pin Notary root keys');
    expect(messages).toContain('official-images');
    expect(messages).toContain('images outside these scopes are not refused: Kyverno');
  });

  it('a bad daemon.json is a usage error (exit 2) with every problem', async () => {
    const daemon = join(work, 'bad-daemon.json');
    writeFileSync(daemon, JSON.stringify({ 'content-trust': { mode: 'strict' } }));
    const r = await trustdesk(['migrate', 'policy', '--key', alice.pubFile, '--from-daemon-json', daemon, '--dry-run', team.gun]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^CONFIG_INVALID: .*mode/);
  });
});
