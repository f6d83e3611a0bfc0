/**
 * Sigstore bundles (v0.3) attached as OCI 1.1 referrers (cosign v3's format): an image manifest with
 * `artifactType` = the bundle media type, the empty config, one layer holding the bundle JSON, and
 * `subject` = the image. Registries without the referrers API (distribution 2.8) get the OCI
 * fallback tag `sha256-<hex>`, an index listing the referrers, which we append to (never overwrite).
 *
 * The bundle we write is key-based: a DSSE envelope of an in-toto statement whose subject is the
 * image digest (predicate type https://sigstore.dev/cosign/sign/v1), no transparency-log entry and no
 * timestamp (verifiers must be told to need none: cosign's --insecure-ignore-tlog, or thresholds of 0).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash, createPublicKey, randomInt, type KeyObject } from 'node:crypto';
import { TrustDeskError, toErrorValue, type ErrorValue } from '../base/errors.js';
import { decodeBase64, verifyDer } from '../signing/ecdsa.js';
import { descriptors, type Descriptor, type OciClient } from '../remote/oci-client.js';
import { digestTagStem, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, SIGSTORE_BUNDLE_MEDIA_TYPE } from './simple-signing.js';

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const EMPTY_JSON = Buffer.from('{}');

/** DSSE pre-authentication encoding: what a DSSE signature signs. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const t = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${payload.length} `), payload]);
}

/** The hint we put in a bundle for a public key: hex SHA-256 of its SPKI DER. */
export function keyHint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function statementFor(name: string, imageDigest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: INTOTO_STATEMENT_V1,
      subject: [{ name, digest: { sha256: imageDigest.slice('sha256:'.length) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    }),
  );
}

/** A v0.3 bundle around a DSSE envelope; `sign` returns a DER signature over the PAE. */
export async function makeBundle(name: string, imageDigest: string, publicKey: KeyObject, sign: (data: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const payload = statementFor(name, imageDigest);
  const sig = await sign(pae(INTOTO_PAYLOAD_TYPE, payload));
  const bundle = {
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: keyHint(publicKey) }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: INTOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
  return Buffer.from(JSON.stringify(bundle));
}

export type BundleVerdict = 'valid' | 'invalid-signature' | 'digest-mismatch' | 'unsupported';

export interface BundleCheck {
  verdict: BundleVerdict;
  detail: string;
  /** The referrer manifest that carried it. */
  manifestDigest: string;
}

/** Checks a bundle's DSSE signature with `key` and that its statement's subject is `imageDigest`. */
export function checkBundle(bundleBytes: Buffer, key: KeyObject, imageDigest: string, manifestDigest = ''): BundleCheck {
  const out = (verdict: BundleVerdict, detail: string): BundleCheck => ({ verdict, detail, manifestDigest });
  let b: { mediaType?: unknown; dsseEnvelope?: { payload?: unknown; payloadType?: unknown; signatures?: unknown } };
  try {
    b = JSON.parse(bundleBytes.toString('utf8'));
  } catch {
    return out('unsupported', 'the bundle is not JSON');
  }
  if (typeof b.mediaType !== 'string' || !b.mediaType.startsWith('application/vnd.dev.sigstore.bundle'))
    return out('unsupported', 'not a Sigstore bundle');
  const env = b.dsseEnvelope;
  if (!env) return out('unsupported', 'a message-signature bundle (TrustDesk reads DSSE bundles)');
  if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures))
    return out('unsupported', 'malformed DSSE envelope');
  const payload = decodeBase64(env.payload);
  if (!payload) return out('unsupported', 'the DSSE payload is not base64');
  const signed = pae(env.payloadType, payload);
  const ok = env.signatures.some((s: unknown) => {
    const sig = typeof (s as { sig?: unknown })?.sig === 'string' ? decodeBase64((s as { sig: string }).sig) : undefined;
    return sig !== undefined && verifyDer(key, signed, sig);
  });
  if (!ok) return out('invalid-signature', 'the DSSE signature does not verify with this key');
  if (env.payloadType !== INTOTO_PAYLOAD_TYPE) return out('unsupported', `DSSE payload of type ${env.payloadType}`);
  let st: { subject?: unknown };
  try {
    st = JSON.parse(payload.toString('utf8'));
  } catch {
    return out('unsupported', 'the in-toto statement is not JSON');
  }
  const hex = imageDigest.slice('sha256:'.length);
  const subjects = Array.isArray(st.subject) ? st.subject : [];
  if (!subjects.some((s: unknown) => (s as { digest?: { sha256?: unknown } })?.digest?.sha256 === hex)) {
    return out('digest-mismatch', `signed by this key, but the statement's subject is not ${imageDigest}`);
  }
  return out('valid', `DSSE bundle signed by this key for ${imageDigest}`);
}

export interface BundleRead {
  /** Where referrers were found: the referrers API or the fallback tag. */
  source: 'referrers-api' | 'fallback-tag' | 'none';
  bundles: { manifestDigest: string; bytes: Buffer }[];
  /** Referrers that are not bundles (other attachments), by artifact type. */
  others: { manifestDigest: string; artifactType: string }[];
  unreadable: { manifestDigest: string; error: ErrorValue }[];
}

async function referrerList(oci: OciClient, repo: string, imageDigest: string): Promise<{ source: BundleRead['source']; list: Descriptor[] }> {
  const api = await oci.referrers(repo, imageDigest);
  if (api !== undefined) return { source: 'referrers-api', list: api };
  const idx = await oci.getManifest(repo, digestTagStem(imageDigest));
  if (!idx) return { source: 'none', list: [] };
  return { source: 'fallback-tag', list: descriptors(idx.json.manifests) };
}

/** The bundles attached to an image (referrers API first, else the fallback tag). */
export async function readBundles(oci: OciClient, repo: string, imageDigest: string): Promise<BundleRead> {
  const { source, list } = await referrerList(oci, repo, imageDigest);
  const out: BundleRead = { source, bundles: [], others: [], unreadable: [] };
  for (const d of list) {
    try {
      const m = await oci.getManifest(repo, d.digest);
      if (!m) throw new TrustDeskError('MANIFEST_UNKNOWN', `referrer ${d.digest} is listed but not in the repository`);
      const artifactType = typeof m.json.artifactType === 'string' ? m.json.artifactType : (d.artifactType ?? '');
      const subject = m.json.subject as { digest?: unknown } | undefined;
      if (subject?.digest !== imageDigest) {
        out.others.push({ manifestDigest: d.digest, artifactType: `${artifactType} (subject is not this image)` });
        continue;
      }
      const layer = descriptors(m.json.layers).find(
        (l) => l.mediaType === SIGSTORE_BUNDLE_MEDIA_TYPE || l.mediaType.startsWith('application/vnd.dev.sigstore.bundle'),
      );
      if (!artifactType.startsWith('application/vnd.dev.sigstore.bundle') || !layer) {
        out.others.push({ manifestDigest: d.digest, artifactType: artifactType || m.mediaType });
        continue;
      }
      out.bundles.push({ manifestDigest: d.digest, bytes: await oci.getBlob(repo, layer.digest) });
    } catch (err) {
      out.unreadable.push({ manifestDigest: d.digest, error: toErrorValue(err) });
    }
  }
  return out;
}

export interface AttachResult {
  manifestDigest: string;
  /** The registry indexed it itself (OCI-Subject), or we appended it to the fallback tag. */
  via: 'referrers-api' | 'fallback-tag';
}

/** Attaches a bundle to an image: the referrer manifest by digest, then the fallback tag if needed. */
export async function attachBundle(
  oci: OciClient,
  repo: string,
  subject: { digest: string; mediaType: string; size: number },
  bundle: Buffer,
  opts: { now?: Date; settleMs?: () => number } = {},
): Promise<AttachResult> {
  const empty = await oci.pushBlob(repo, EMPTY_JSON);
  const layer = await oci.pushBlob(repo, bundle);
  const annotations = {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
    'org.opencontainers.image.created': (opts.now ?? new Date()).toISOString(),
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    config: { mediaType: OCI_EMPTY, digest: empty.digest, size: empty.size },
    layers: [{ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, digest: layer.digest, size: layer.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const put = await oci.putManifest(repo, `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, OCI_MANIFEST);
  if (put.subjectAccepted) return { manifestDigest: put.digest, via: 'referrers-api' };
  // No referrers API: append to the fallback index (re-read after writing, as for .sig tags).
  const ours: Descriptor = { mediaType: OCI_MANIFEST, digest: put.digest, size: bytes.length, artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE, annotations };
  const tag = digestTagStem(subject.digest);
  const settle = opts.settleMs ?? (() => randomInt(150, 300));
  for (let attempt = 1; attempt <= 6; attempt++) {
    const current = await oci.getManifest(repo, tag, { push: true });
    if (current && current.mediaType !== OCI_INDEX)
      throw new TrustDeskError('REGISTRY_ERROR', `${repo}:${tag} is a ${current.mediaType}, not a referrers index; not touching it`);
    const raw = current && Array.isArray(current.json.manifests) ? (current.json.manifests as unknown[]) : [];
    if (descriptors(raw).some((d) => d.digest === ours.digest)) return { manifestDigest: put.digest, via: 'fallback-tag' };
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...raw, ours] };
    await oci.putManifest(repo, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX);
    await sleep(settle());
    const check = await oci.getManifest(repo, tag, { push: true });
    if (check && descriptors(check.json.manifests).some((d) => d.digest === ours.digest)) return { manifestDigest: put.digest, via: 'fallback-tag' };
  }
  throw new TrustDeskError('PUBLISH_CONFLICT', `${repo}:${tag} kept changing under other writers; the bundle is stored but not listed`);
}
