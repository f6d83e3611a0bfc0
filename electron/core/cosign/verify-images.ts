/**
 * `cosign verify` for images in a registry, with a public key: every classic signature of the
 * image's `.sig` tag and every bundle attached as a referrer (API or fallback tag), each with its own
 * verdict; an image verifies when at least one of them is valid for this key and this digest.
 * Results are plain values (IPC-safe).
 */
import type { KeyObject } from 'node:crypto';
import { toErrorValue, type ErrorValue } from '../base/errors.js';
import { parseReference, type ParsedReference } from '../base/reference.js';
import type { TrustSession } from '../session/trust-session.js';
import { checkClassicLayer, type SignatureVerdict } from './classic-verify.js';
import { readClassicSignatures } from './classic.js';
import { checkBundle, readBundles, type BundleVerdict } from './bundle.js';
import type { OciClient } from '../remote/oci-client.js';

export interface FoundSignature {
  format: 'classic' | 'bundle';
  verdict: SignatureVerdict | BundleVerdict | 'unreadable';
  /** Classic: the payload's docker-reference (the tag binding). */
  dockerReference?: string;
  /** Where it is: the layer digest (classic) or the referrer manifest digest (bundle). */
  digest: string;
  detail: string;
}

export interface ImageVerification {
  input: string;
  name: string;
  tag?: string;
  digest?: string;
  verified: boolean;
  /** Formats with at least one valid signature. */
  validFormats: ('classic' | 'bundle')[];
  signatures: FoundSignature[];
  referrersSource?: 'referrers-api' | 'fallback-tag' | 'none';
  error?: ErrorValue;
}

/** Every cosign signature of one image digest, checked with `key`. */
export async function verifyDigest(
  oci: OciClient,
  repo: string,
  digest: string,
  key: KeyObject,
): Promise<{ signatures: FoundSignature[]; referrersSource: 'referrers-api' | 'fallback-tag' | 'none' }> {
  const signatures: FoundSignature[] = [];
  const classic = await readClassicSignatures(oci, repo, digest);
  for (const l of classic.layers) {
    const c = checkClassicLayer(l, key, digest);
    signatures.push({
      format: 'classic',
      verdict: c.verdict,
      digest: l.digest,
      detail: c.detail,
      ...(c.dockerReference !== undefined ? { dockerReference: c.dockerReference } : {}),
    });
  }
  for (const u of classic.unreadable)
    signatures.push({ format: 'classic', verdict: 'unreadable', digest: u.digest, detail: `${u.error.code}: ${u.error.message}` });
  const bundles = await readBundles(oci, repo, digest);
  for (const b of bundles.bundles) {
    const c = checkBundle(b.bytes, key, digest, b.manifestDigest);
    signatures.push({ format: 'bundle', verdict: c.verdict, digest: b.manifestDigest, detail: c.detail });
  }
  for (const o of bundles.others)
    signatures.push({ format: 'bundle', verdict: 'unsupported', digest: o.manifestDigest, detail: `another attachment: ${o.artifactType}` });
  for (const u of bundles.unreadable)
    signatures.push({ format: 'bundle', verdict: 'unreadable', digest: u.manifestDigest, detail: `${u.error.code}: ${u.error.message}` });
  return { signatures, referrersSource: bundles.source };
}

export function summarise(signatures: FoundSignature[]): { verified: boolean; validFormats: ('classic' | 'bundle')[] } {
  const validFormats = (['classic', 'bundle'] as const).filter((f) => signatures.some((s) => s.format === f && s.verdict === 'valid'));
  return { verified: validFormats.length > 0, validFormats: [...validFormats] };
}

/** Verifies images given as NAME[:TAG] or NAME@DIGEST (no tag: latest). */
export async function verifyImages(session: TrustSession, inputs: string[], key: KeyObject): Promise<ImageVerification[]> {
  return Promise.all(
    inputs.map(async (input): Promise<ImageVerification> => {
      let ref: ParsedReference | undefined;
      try {
        ref = parseReference(input);
        const oci = await session.ociClient(ref);
        let digest = ref.digest;
        if (!digest) digest = (await (await session.registry(ref)).manifestDigest(ref.repository, ref.tag ?? 'latest')).digest;
        const { signatures, referrersSource } = await verifyDigest(oci, ref.repository, digest, key);
        return {
          input,
          name: ref.gun,
          ...(ref.tag ? { tag: ref.tag } : ref.digest ? {} : { tag: 'latest' }),
          digest,
          ...summarise(signatures),
          signatures,
          referrersSource,
        };
      } catch (err) {
        return { input, name: ref?.gun ?? input, verified: false, validFormats: [], signatures: [], error: toErrorValue(err) };
      }
    }),
  );
}
