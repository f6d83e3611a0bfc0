/**
 * Classic cosign signatures: the tag `sha256-<hex>.sig` in the image's repository, an OCI image
 * manifest whose layers are simple-signing payloads with their signature annotations.
 *
 * Writing appends a layer to what is there (never overwrites): read, add, PUT, then read again after
 * a short pause and write again if another writer's PUT dropped our layer. Registries have no
 * compare-and-swap on tags; this loses nothing when writers overlap within the settle time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { TrustDeskError, toErrorValue, type ErrorValue } from '../base/errors.js';
import type { LayerInput } from './classic-verify.js';
import { descriptors, type Descriptor, type OciClient } from '../remote/oci-client.js';
import { digestTagStem, OCI_CONFIG, OCI_MANIFEST, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from './simple-signing.js';

export function signatureTag(imageDigest: string): string {
  return `${digestTagStem(imageDigest)}.sig`;
}

export interface ReadLayer extends LayerInput {
  digest: string;
}

export interface ClassicRead {
  tag: string;
  /** The signature manifest's digest, when there is one. */
  manifestDigest?: string;
  layers: ReadLayer[];
  /** Layers whose blob could not be read (listed, never counted as signatures). */
  unreadable: { digest: string; error: ErrorValue }[];
}

/** Every layer of the image's `.sig` manifest, with its payload bytes. No manifest: no layers. */
export async function readClassicSignatures(oci: OciClient, repo: string, imageDigest: string): Promise<ClassicRead> {
  const tag = signatureTag(imageDigest);
  const m = await oci.getManifest(repo, tag);
  const out: ClassicRead = { tag, layers: [], unreadable: [] };
  if (!m) return out;
  out.manifestDigest = m.digest;
  for (const d of descriptors(m.json.layers)) {
    try {
      const payload = await oci.getBlob(repo, d.digest);
      out.layers.push({ digest: d.digest, mediaType: d.mediaType, payload, annotations: d.annotations ?? {} });
    } catch (err) {
      out.unreadable.push({ digest: d.digest, error: toErrorValue(err) });
    }
  }
  return out;
}

/** The config cosign writes for a signature image: one diff ID per (uncompressed) layer. */
function signatureConfig(layers: Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
}

function sameSignature(d: Descriptor, payloadDigest: string, signature: string): boolean {
  return d.digest === payloadDigest && d.annotations?.[SIGNATURE_ANNOTATION] === signature;
}

export interface AppendResult {
  tag: string;
  manifestDigest: string;
  /** Layers before ours (kept). */
  kept: number;
  /** The same signature was already there: nothing written. */
  alreadyPresent: boolean;
  attempts: number;
}

export interface AppendOptions {
  /** Pause before the re-read that checks no other writer dropped our layer (ms, default 150–300). */
  settleMs?: () => number;
  maxAttempts?: number;
}

/** Appends one signature layer (payload + base64 DER signature) to the image's `.sig` manifest. */
export async function appendClassicSignature(
  oci: OciClient,
  repo: string,
  imageDigest: string,
  payload: Buffer,
  signature: string,
  opts: AppendOptions = {},
): Promise<AppendResult> {
  const tag = signatureTag(imageDigest);
  const blob = await oci.pushBlob(repo, payload);
  const ours: Descriptor = {
    mediaType: SIMPLESIGNING_MEDIA_TYPE,
    size: blob.size,
    digest: blob.digest,
    annotations: { [SIGNATURE_ANNOTATION]: signature },
  };
  const settle = opts.settleMs ?? (() => randomInt(150, 300));
  const maxAttempts = opts.maxAttempts ?? 6;
  let wrote = false;
  let kept = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await oci.getManifest(repo, tag, { push: true });
    if (current && current.mediaType !== OCI_MANIFEST && current.mediaType !== 'application/vnd.docker.distribution.manifest.v2+json') {
      throw new TrustDeskError('REGISTRY_ERROR', `${repo}:${tag} is a ${current.mediaType}, not a signature image manifest; not touching it`);
    }
    const layers = current ? descriptors(current.json.layers) : [];
    if (current && layers.some((l) => sameSignature(l, ours.digest, signature))) {
      // Present before we wrote anything (an earlier run), or our earlier write is visible after all.
      if (wrote) return { tag, manifestDigest: current.digest, kept, alreadyPresent: false, attempts: attempt };
      return { tag, manifestDigest: current.digest, kept: layers.length - 1, alreadyPresent: true, attempts: attempt };
    }
    // First write, or another writer's PUT dropped our layer: merge onto what is there now.
    kept = layers.length;
    // Keep every existing layer exactly as it is (descriptor and annotations), then ours.
    const rawLayers = current && Array.isArray(current.json.layers) ? (current.json.layers as unknown[]) : [];
    const all = [...layers, ours];
    const config = signatureConfig(all);
    const cfg = await oci.pushBlob(repo, config);
    const manifest: Record<string, unknown> = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, size: cfg.size, digest: cfg.digest },
      layers: [...rawLayers, ours],
    };
    if (current && typeof current.json.annotations === 'object') manifest.annotations = current.json.annotations;
    const bytes = Buffer.from(JSON.stringify(manifest));
    await oci.putManifest(repo, tag, bytes, OCI_MANIFEST);
    wrote = true;
    await sleep(settle());
    const check = await oci.getManifest(repo, tag, { push: true });
    if (check && descriptors(check.json.layers).some((l) => sameSignature(l, ours.digest, signature))) {
      return { tag, manifestDigest: check.digest, kept, alreadyPresent: false, attempts: attempt };
    }
  }
  throw new TrustDeskError(
    'PUBLISH_CONFLICT',
    `${repo}:${tag} kept changing under other writers; the signature was not kept after ${maxAttempts} attempts`,
  );
}
