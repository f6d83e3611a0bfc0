/**
 * Verdict for one classic cosign signature layer: a simple-signing payload with its base64 DER
 * signature annotation, checked against a public key and the image's manifest digest.
 */
import type { KeyObject } from 'node:crypto';
import { isTrustDeskError } from '../base/errors.js';
import { decodeBase64, verifyDer } from '../signing/ecdsa.js';
import { parsePayload, sha256Digest, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE, CERTIFICATE_ANNOTATION } from './simple-signing.js';

export type SignatureVerdict =
  | 'valid' // signature by the key, payload names this image's digest
  | 'invalid-signature' // not signed by this key (or corrupt/truncated)
  | 'digest-mismatch' // signed by the key, but for another image
  | 'not-a-signature' // another attachment (media type, no signature annotation)
  | 'malformed'; // signature verified but the payload is not simple signing

export interface LayerInput {
  mediaType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

export interface SignatureCheck {
  verdict: SignatureVerdict;
  /** The payload's `docker-reference` (the tag binding), when it could be read. */
  dockerReference?: string;
  /** The digest the payload names. */
  payloadDigest?: string;
  /** sha256 of the payload bytes (the layer's digest). */
  layerDigest: string;
  /** The layer carries a certificate (keyless or PKI) rather than being key-signed only. */
  hasCertificate: boolean;
  detail: string;
}

/**
 * Checks one layer. `imageDigest` undefined means the image's manifest is unknown: a signature can
 * then never be `valid` (reported as digest-mismatch).
 */
export function checkClassicLayer(layer: LayerInput, key: KeyObject, imageDigest: string | undefined): SignatureCheck {
  const layerDigest = sha256Digest(layer.payload);
  const hasCertificate = typeof layer.annotations[CERTIFICATE_ANNOTATION] === 'string';
  const base = { layerDigest, hasCertificate };
  if (layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE) {
    return { ...base, verdict: 'not-a-signature', detail: `attachment of type ${layer.mediaType}, not a cosign signature` };
  }
  const sigText = layer.annotations[SIGNATURE_ANNOTATION];
  if (typeof sigText !== 'string') return { ...base, verdict: 'not-a-signature', detail: `layer without the ${SIGNATURE_ANNOTATION} annotation` };
  const sig = decodeBase64(sigText);
  if (!sig || !verifyDer(key, layer.payload, sig)) {
    return { ...base, verdict: 'invalid-signature', detail: 'the signature does not verify with this key' };
  }
  let payload;
  try {
    payload = parsePayload(layer.payload);
  } catch (err) {
    if (!isTrustDeskError(err)) throw err;
    return { ...base, verdict: 'malformed', detail: err.message };
  }
  const out = { ...base, dockerReference: payload.dockerReference, payloadDigest: payload.manifestDigest };
  if (imageDigest === undefined) return { ...out, verdict: 'digest-mismatch', detail: 'signed by this key, but the image manifest is unknown' };
  if (payload.manifestDigest !== imageDigest) {
    return { ...out, verdict: 'digest-mismatch', detail: `signed by this key for ${payload.manifestDigest}, not for this image (${imageDigest})` };
  }
  return { ...out, verdict: 'valid', detail: `signed by this key for ${imageDigest}` };
}
