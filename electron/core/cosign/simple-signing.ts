/**
 * Cosign's media types, annotations and the "simple signing" payload (critical.identity /
 * critical.image / critical.type) that a classic cosign signature signs.
 */
import { TrustDeskError } from '../base/errors.js';

export const SIMPLESIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const COSIGN_TYPE = 'cosign container image signature';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  type: string;
  optional: unknown;
}

export { sha256Digest } from '../remote/oci-client.js';

/** `sha256:<hex>` → `sha256-<hex>` (the prefix of cosign's tags). */
export function digestTagStem(digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new TrustDeskError('INVALID_REFERENCE', `not a sha256 digest: ${digest}`);
  return digest.replace(':', '-');
}

/** The payload cosign writes, byte for byte in its field order (Go's encoding/json of its struct). */
export function makePayload(dockerReference: string, manifestDigest: string): Buffer {
  const p = {
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: COSIGN_TYPE },
    optional: null,
  };
  return Buffer.from(JSON.stringify(p), 'utf8');
}

/** Reads a simple-signing payload; COSIGN_PAYLOAD_INVALID when it is not one. */
export function parsePayload(bytes: Buffer): SimpleSigningPayload {
  let j: unknown;
  try {
    j = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TrustDeskError('METADATA_MALFORMED', 'the signed payload is not JSON');
  }
  const critical = (j as { critical?: Record<string, unknown> })?.critical;
  const identity = critical?.identity as Record<string, unknown> | undefined;
  const image = critical?.image as Record<string, unknown> | undefined;
  const ref = identity?.['docker-reference'];
  const digest = image?.['docker-manifest-digest'];
  const type = critical?.type;
  if (typeof digest !== 'string' || typeof type !== 'string') {
    throw new TrustDeskError('METADATA_MALFORMED', 'the signed payload has no critical.image.docker-manifest-digest or critical.type');
  }
  if (type.toLowerCase() !== COSIGN_TYPE)
    throw new TrustDeskError('METADATA_MALFORMED', `the signed payload's type is "${type}", not "${COSIGN_TYPE}"`);
  return {
    dockerReference: typeof ref === 'string' ? ref : '',
    manifestDigest: digest,
    type,
    optional: (j as { optional?: unknown }).optional ?? null,
  };
}
