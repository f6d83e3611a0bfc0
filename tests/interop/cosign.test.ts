/**
 * cosign signatures on the real lab registry (distribution 2.8: no referrers API, so bundles go to
 * the OCI fallback tag):
 *  - `trustdesk migrate cosign` on the app scenario: the plan signs only the tag whose DCT signature
 *    verifies and matches (v1), the report gives the cosign verify lines, cosign.pub is written;
 *  - what was written is read back by a reader that shares no code with the writer (raw HTTPS here,
 *    @sigstore/verify 3 with no tlog/CT/timestamp, and `openssl dgst -verify`);
 *  - `trustdesk cosign verify`: valid, wrong key, a payload naming another image, a truncated
 *    signature, an unrelated attachment, and two writers at once (both signatures kept);
 *  - keys: a notary key of the trust dir signs; cosign key export/import round trip.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLab, buildApp, pushTag, httpsRequest, runCommand, type Lab, type ScenarioDescriptor } from '../../lab/index.js';
import { sigstoreVerifyBundle, sigstoreVerifyClassic } from '../support/sigstore-verify.js';
import { TrustSession, parseReference } from '../../electron/core/session/trust-session.js';
import { appendClassicSignature } from '../../electron/core/cosign/classic.js';
import { makePayload, SIMPLESIGNING_MEDIA_TYPE } from '../../electron/core/cosign/simple-signing.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { makeSoftHsm, softHsmAvailable } from '../support/softhsm.js';
import { writeDockerConfig } from '../../lab/index.js';
import { SettingsStore } from '../../electron/app/settings-store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const PW = { COSIGN_PASSWORD: 'cosign-test-password' };

let lab: Lab;
let app: ScenarioDescriptor;
let work: string;

function trustdesk(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false, timeoutMs: 90_000, ...(cwd ? { cwd } : {}) });
}

// --- the independent reader: raw HTTPS, no TrustDesk code ---
async function get(path: string, accept?: string): Promise<{ status: number; body: Buffer }> {
  const r = await httpsRequest({ url: `${lab.registryUrl}${path}`, ca: lab.caFile, ...(accept ? { headers: { Accept: accept } } : {}) });
  return { status: r.status, body: r.body };
}
async function rawSigLayers(repo: string, digest: string): Promise<{ payload: Buffer; signature: string; mediaType: string }[]> {
  const m = await get(`/v2/${repo}/manifests/${digest.replace(':', '-')}.sig`, 'application/vnd.oci.image.manifest.v1+json');
  if (m.status !== 200) return [];
  const layers = (JSON.parse(m.body.toString()) as { layers: { digest: string; mediaType: string; annotations?: Record<string, string> }[] }).layers;
  return Promise.all(
    layers.map(async (l) => ({
      payload: (await get(`/v2/${repo}/blobs/${l.digest}`)).body,
      signature: l.annotations?.['dev.cosignproject.cosign/signature'] ?? '',
      mediaType: l.mediaType,
    })),
  );
}
function opensslVerify(pubPem: string, payload: Buffer, sigB64: string): boolean {
  const d = mkdtempSync(join(work, 'ossl-'));
  writeFileSync(join(d, 'k.pub'), pubPem);
  writeFileSync(join(d, 'p'), payload);
  writeFileSync(join(d, 's'), Buffer.from(sigB64, 'base64'));
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-verify', join(d, 'k.pub'), '-signature', join(d, 's'), join(d, 'p')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'trustdesk-cosign-'));
  lab = await startLab();
  app = await buildApp(lab, { name: 'cosign-app' });
}, 240_000);

afterAll(async () => {
  await lab?.stop();
});

describe('migrate DCT → cosign on the lab', () => {
  let pubPem: string;
  let pub: KeyObject;
  const prefix = () => join(work, 'cosign');

  it('cosign key generate writes an encrypted cosign.key and cosign.pub', async () => {
    const r = await trustdesk(['cosign', 'key', 'generate', '-o', prefix()], PW);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(`${prefix()}.key`, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    pubPem = readFileSync(`${prefix()}.pub`, 'utf8');
    pub = createPublicKey(pubPem);
  });

  it('the dry run plans exactly the tags whose DCT signature verifies and matches (v1), and writes nothing', async () => {
    const r = await trustdesk(['migrate', 'cosign', '--key', `${prefix()}.key`, '--dry-run', app.gun], PW);
    expect(r.code).toBe(0);
    writeFileSync(join(work, 'plan.txt'), r.stdout);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.includes(`${app.gun}:v1 `))).toMatch(/^\s+SIGN\s/);
    for (const t of ['latest', 'revoked', 'v2', 'unpushed']) expect(lines.find((l) => l.includes(`${app.gun}:${t} `))).toMatch(/^\s+skip\s/);
    expect(r.stdout).toContain('1 to sign, 0 already signed, 4 skipped');
    expect(await rawSigLayers(app.repo, app.tags.v1!.registryDigest!)).toEqual([]);
  });

  it('--out to a folder that does not exist: refused before the first signature is pushed (INVALID_ARGUMENT, never INTERNAL)', async () => {
    const missing = join(work, 'no-such-out', 'dir');
    const r = await trustdesk(['migrate', 'cosign', '--key', `${prefix()}.key`, '--out', missing, app.gun], PW);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^INVALID_ARGUMENT: the output folder .* does not exist: create it first .*nothing was signed\n$/);
    expect(r.stdout).toBe('');
    expect(await rawSigLayers(app.repo, app.tags.v1!.registryDigest!)).toEqual([]);
  });

  it('the migration signs v1; the report has the cosign verify line; cosign.pub is written', async () => {
    const out = mkdtempSync(join(work, 'out-'));
    const r = await trustdesk(['migrate', 'cosign', '--key', `${prefix()}.key`, '--out', out, app.gun], PW);
    writeFileSync(join(work, 'report.txt'), r.stdout);
    expect(r.code).toBe(0);
    const d = app.tags.v1!.registryDigest!;
    expect(r.stdout).toContain(`cosign verify --key cosign.pub --insecure-ignore-tlog ${app.gun}@${d}`);
    expect(r.stdout).toMatch(/1 signed, 0 already signed, 4 skipped, 0 failed/);
    expect(r.stderr).toContain(`[1/1] ${app.gun}:v1: signing`);
    expect(readFileSync(join(out, 'cosign.pub'), 'utf8')).toBe(pubPem);
  });

  it('an independent reader finds the classic signature: @sigstore/verify and openssl accept it, payload names v1 and its digest', async () => {
    const d = app.tags.v1!.registryDigest!;
    const layers = await rawSigLayers(app.repo, d);
    expect(layers).toHaveLength(1);
    const [l] = layers;
    expect(l!.mediaType).toBe(SIMPLESIGNING_MEDIA_TYPE);
    const p = JSON.parse(l!.payload.toString());
    expect(p.critical).toEqual({
      identity: { 'docker-reference': `${app.gun}:v1` },
      image: { 'docker-manifest-digest': d },
      type: 'cosign container image signature',
    });
    expect(() => sigstoreVerifyClassic(l!.payload, l!.signature, pub)).not.toThrow();
    expect(opensslVerify(pubPem, l!.payload, l!.signature)).toBe(true);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => sigstoreVerifyClassic(l!.payload, l!.signature, other)).toThrow();
  });

  it('run again: nothing to do (already signed); with --bundle the bundle form is attached via the fallback tag', async () => {
    const again = await trustdesk(['migrate', 'cosign', '--key', `${prefix()}.key`, '--dry-run', app.gun], PW);
    expect(again.stdout).toContain('0 to sign, 1 already signed, 4 skipped');
    const out = mkdtempSync(join(work, 'out-'));
    const r = await trustdesk(['migrate', 'cosign', '--key', `${prefix()}.key`, '--bundle', '--out', out, '--json', app.gun], PW);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { report: { tags: { tag: string; outcome: string; bundle?: string; keptSignatures?: number }[] } };
    expect(j.report.tags.find((t) => t.tag === 'v1')).toMatchObject({ outcome: 'signed', bundle: 'fallback-tag' });
    // Independent read: the fallback index, the referrer manifest, the bundle blob; verified by sigstore-js.
    const d = app.tags.v1!.registryDigest!;
    const idx = await get(`/v2/${app.repo}/manifests/${d.replace(':', '-')}`, 'application/vnd.oci.image.index.v1+json');
    expect(idx.status).toBe(200);
    const entries = JSON.parse(idx.body.toString()).manifests as { digest: string; artifactType: string }[];
    expect(entries.map((e) => e.artifactType)).toEqual(['application/vnd.dev.sigstore.bundle.v0.3+json']);
    const m = JSON.parse(
      (await get(`/v2/${app.repo}/manifests/${entries[0]!.digest}`, 'application/vnd.oci.image.manifest.v1+json')).body.toString(),
    );
    expect(m.subject.digest).toBe(d);
    const bundle = JSON.parse((await get(`/v2/${app.repo}/blobs/${m.layers[0].digest}`)).body.toString());
    expect(() => sigstoreVerifyBundle(bundle, pub)).not.toThrow();
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(st.subject[0].digest.sha256).toBe(d.slice(7));
    // The classic layer is still the only one (same signature not appended twice).
    expect(await rawSigLayers(app.repo, d)).toHaveLength(1);
  });

  it('trustdesk cosign verify: v1 verified in both formats; wrong key refused; unsigned v2 not verified', async () => {
    const ok = await trustdesk(['cosign', 'verify', '--key', `${prefix()}.pub`, '--json', `${app.gun}:v1`]);
    expect(ok.code).toBe(0);
    const [res] = JSON.parse(ok.stdout);
    expect(res).toMatchObject({ verified: true, validFormats: ['classic', 'bundle'], referrersSource: 'fallback-tag' });
    const wrongPem = createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    writeFileSync(join(work, 'wrong.pub'), wrongPem);
    const wrong = await trustdesk(['cosign', 'verify', '--key', join(work, 'wrong.pub'), `${app.gun}:v1`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('NOT verified');
    expect(wrong.stdout).toMatch(/classic\s+invalid-signature/);
    const v2 = await trustdesk(['cosign', 'verify', '--key', `${prefix()}.pub`, `${app.gun}:v2`]);
    expect(v2.code).toBe(1);
    expect(v2.stdout).toContain('no cosign signatures');
  });
});

describe('the app: cosign:tags feeds the tags table', () => {
  it('every tag with its cosign state for a key file; cosign own tags left out; errors as values', async () => {
    const handlers = createHandlers({
      settings: new SettingsStore(mkdtempSync(join(work, 'settings-'))),
      version: '0.0.0-test',
      openExternal: async () => undefined,
      env: { ...process.env, ...lab.env },
    });
    const r = (await handlers.invoke('cosign:tags', { name: app.gun, keyFile: join(work, 'cosign.pub') })) as {
      ok: boolean;
      value: { keyId: string; referrersSource: string; tags: { tag: string; state: string; formats: string[] }[] };
    };
    expect(r.ok).toBe(true);
    const byTag = Object.fromEntries(r.value.tags.map((t) => [t.tag, t]));
    expect(Object.keys(byTag).sort()).toEqual(['latest', 'revoked', 'v1', 'v2']);
    expect(byTag.v1).toMatchObject({ state: 'valid', formats: ['classic', 'bundle'] });
    expect(byTag.v2).toMatchObject({ state: 'none', formats: [] });
    expect(r.value.referrersSource).toBe('fallback-tag');
    expect(r.value.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(r.value)).not.toMatch(/BEGIN/);
    const wrong = (await handlers.invoke('cosign:tags', { name: app.gun, keyFile: join(work, 'wrong.pub') })) as {
      ok: boolean;
      value: { tags: { tag: string; state: string }[] };
    };
    expect(wrong.value.tags.find((t) => t.tag === 'v1')!.state).toBe('invalid');
    const missing = await handlers.invoke('cosign:tags', { name: app.gun, keyFile: join(work, 'nope.pub') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'KEY_NOT_FOUND' } });
  });
});

describe('negative cases and concurrent writers', () => {
  let session: TrustSession;
  const keys = [0, 1].map(() => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  const pemOf = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(() => {
    session = new TrustSession({ env: { ...process.env, ...lab.env } });
  });
  afterAll(() => session.close());

  async function verifyJson(pub: KeyObject, image: string) {
    const f = join(mkdtempSync(join(work, 'k-')), 'k.pub');
    writeFileSync(f, pemOf(pub));
    const r = await trustdesk(['cosign', 'verify', '--key', f, '--json', image]);
    return { code: r.code, result: JSON.parse(r.stdout)[0] as { verified: boolean; signatures: { format: string; verdict: string }[] } };
  }

  it('a payload naming another image, a truncated signature, an unrelated attachment: none verifies', async () => {
    const img = await pushTag(lab, 'cosign-neg', 'x');
    const other = await pushTag(lab, 'cosign-neg', 'y');
    const ref = parseReference(`${lab.registryHost}/lab/cosign-neg:x`);
    const oci = await session.ociClient(ref);
    const k = keys[0]!;
    // Signed by the key, but for y's digest, stored under x's .sig tag.
    const foreign = makePayload(`${ref.gun}:x`, other.digest);
    await appendClassicSignature(oci, ref.repository, img.digest, foreign, nodeSign('sha256', foreign, k.privateKey).toString('base64'));
    // x's own payload with a truncated signature.
    const own = makePayload(`${ref.gun}:x`, img.digest);
    const full = nodeSign('sha256', own, k.privateKey);
    await appendClassicSignature(oci, ref.repository, img.digest, own, full.subarray(0, full.length - 4).toString('base64'));
    // An unrelated attachment in the fallback referrers index.
    const blob = Buffer.from('not a signature');
    const up = await oci.pushBlob(ref.repository, blob);
    const empty = await oci.pushBlob(ref.repository, Buffer.from('{}'));
    const art = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'text/plain',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: 2 },
        layers: [{ mediaType: 'text/plain', digest: up.digest, size: up.size }],
        subject: { mediaType: img.mediaType, digest: img.digest, size: img.size },
      }),
    );
    const put = await oci.putManifest(
      ref.repository,
      `sha256:${(await import('node:crypto')).createHash('sha256').update(art).digest('hex')}`,
      art,
      'application/vnd.oci.image.manifest.v1+json',
    );
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: put.digest, size: art.length, artifactType: 'text/plain' }],
      }),
    );
    await oci.putManifest(ref.repository, img.digest.replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');

    const { code, result } = await verifyJson(k.publicKey, `${ref.gun}:x`);
    expect(code).toBe(1);
    expect(result.verified).toBe(false);
    expect(result.signatures.map((s) => `${s.format}:${s.verdict}`)).toEqual([
      'classic:digest-mismatch',
      'classic:invalid-signature',
      'bundle:unsupported',
    ]);
    // The payload naming y verifies as a signature (openssl agrees) but is for another image.
    const layers = await rawSigLayers(ref.repository, img.digest);
    expect(opensslVerify(pemOf(k.publicKey), layers[0]!.payload, layers[0]!.signature)).toBe(true);
    expect(opensslVerify(pemOf(k.publicKey), layers[1]!.payload, layers[1]!.signature)).toBe(false);
  });

  it('two writers at once: both signatures are kept, with what was there before', async () => {
    const img = await pushTag(lab, 'cosign-race', 'v1');
    const ref = parseReference(`${lab.registryHost}/lab/cosign-race:v1`);
    const oci = await session.ociClient(ref);
    const payload = makePayload(`${ref.gun}:v1`, img.digest);
    const sigs = keys.map((k) => nodeSign('sha256', payload, k.privateKey).toString('base64'));
    const before = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await appendClassicSignature(oci, ref.repository, img.digest, payload, nodeSign('sha256', payload, before.privateKey).toString('base64'));
    for (let round = 0; round < 3; round++) {
      const s = sigs.map((_, i) => nodeSign('sha256', payload, keys[i]!.privateKey).toString('base64'));
      await Promise.all(s.map((sig) => appendClassicSignature(oci, ref.repository, img.digest, payload, sig, { settleMs: () => 200 })));
      const layers = await rawSigLayers(ref.repository, img.digest);
      for (const sig of s) expect(layers.map((l) => l.signature)).toContain(sig);
    }
    const layers = await rawSigLayers(ref.repository, img.digest);
    expect(layers).toHaveLength(7);
    for (const k of [before, ...keys]) expect((await verifyJson(k.publicKey, `${ref.gun}:v1`)).result.verified).toBe(true);
  });
});

describe('keys for migration', () => {
  it('a notary key of the trust dir signs (notary:KEYID), and cosign key export/import round-trips it', async () => {
    const gun = `${lab.registryHost}/lab/cosign-notary`;
    const list = await trustdesk(['key', 'list', '--json']);
    const keys = JSON.parse(list.stdout).keys as { keyId: string; role?: string; gun?: string }[];
    const k = keys.find((x) => x.role === 'targets' && x.gun === app.gun);
    expect(k).toBeDefined();
    const out = mkdtempSync(join(work, 'out-'));
    const r = await trustdesk(['migrate', 'cosign', '--key', `notary:${k!.keyId}`, '--out', out, app.gun]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 signed, 0 already signed, 4 skipped, 0 failed/);
    const v = await trustdesk(['cosign', 'verify', '--key', join(out, 'cosign.pub'), `${app.gun}:v1`]);
    expect(v.code).toBe(0);
    // Export in cosign's format, import into a fresh trust dir; the same public key comes out.
    const prefix = join(out, 'exported');
    const ex = await trustdesk(['cosign', 'key', 'export', k!.keyId, '-o', prefix], PW);
    expect(ex.stderr).toBe('');
    expect(readFileSync(`${prefix}.key`, 'utf8')).toContain('ENCRYPTED SIGSTORE PRIVATE KEY');
    expect(readFileSync(`${prefix}.pub`, 'utf8')).toBe(readFileSync(join(out, 'cosign.pub'), 'utf8'));
    const fresh = mkdtempSync(join(work, 'trust-'));
    const im = await trustdesk(['cosign', 'key', 'import', `${prefix}.key`, '--trust-dir', fresh], { ...PW });
    expect(im.stderr).toBe('');
    expect(im.code).toBe(0);
    expect(existsSync(join(fresh, 'private', `${k!.keyId}.key`))).toBe(true);
    void gun;
  });
});

describe.skipIf(!softHsmAvailable())('a PKCS#11 token key (SoftHSM2) signs cosign signatures', () => {
  it('token:KEYID: raw r||s from the token becomes a DER signature that openssl and @sigstore/verify accept', async () => {
    const h = makeSoftHsm([]);
    try {
      h.addToken('cosign-tok', '246810');
      const config = mkdtempSync(join(work, 'tok-'));
      await writeDockerConfig(config, lab.caFile, [lab.notaryHost, lab.registryHost]);
      const env = { ...h.env, DOCKER_CONFIG: config, TRUSTDESK_TOKEN_PIN: '246810' };
      const gen = await trustdesk(['token', 'generate', '--module', h.module, '--token', 'cosign-tok'], env);
      expect(gen.code).toBe(0);
      const keyId = /([0-9a-f]{64})/.exec(gen.stdout)![1]!;
      const out = mkdtempSync(join(work, 'out-'));
      const r = await trustdesk(['migrate', 'cosign', '--key', `token:${keyId}`, '--out', out, app.gun], env);
      expect(r.stdout).toMatch(/1 signed, \d+ already signed, 4 skipped, 0 failed/);
      expect(r.code).toBe(0);
      const pubPem = readFileSync(join(out, 'cosign.pub'), 'utf8');
      const v = await trustdesk(['cosign', 'verify', '--key', `token:${keyId}`, `${app.gun}:v1`], env);
      expect(v.code).toBe(0);
      const layers = await rawSigLayers(app.repo, app.tags.v1!.registryDigest!);
      const mine = layers.filter((l) => opensslVerify(pubPem, l.payload, l.signature));
      expect(mine).toHaveLength(1);
      expect(() => sigstoreVerifyClassic(mine[0]!.payload, mine[0]!.signature, createPublicKey(pubPem))).not.toThrow();
    } finally {
      h.cleanup();
    }
  });
});
