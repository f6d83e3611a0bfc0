/**
 * Reads tests/fixtures/cosign-samples (made by the real cosign and skopeo) for tests.
 * Their symbolic links are checked out as small text files holding the target path; a target that is
 * not in the samples reads as missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LayerInput } from '../../electron/core/cosign/classic-verify.js';

export const COSIGN_SAMPLES = resolve(import.meta.dirname, '../fixtures/cosign-samples');

export function readSampleFile(path: string, depth = 0): Buffer | undefined {
  if (!existsSync(path) || depth > 4) return undefined;
  const b = readFileSync(path);
  if (b.length < 200 && b.toString('utf8').startsWith('../')) return readSampleFile(resolve(dirname(path), b.toString('utf8').trim()), depth + 1);
  return b;
}

/** A `signature-N` file (`\0sigstore-json\n` + JSON) as a layer; undefined when missing or unreadable. */
export function sampleSignature(dir: string, n: number): LayerInput | undefined {
  const b = readSampleFile(join(COSIGN_SAMPLES, dir, `signature-${n}`));
  if (!b) return undefined;
  const prefix = '\x00sigstore-json\n';
  if (b.subarray(0, prefix.length).toString('latin1') !== prefix) return undefined;
  const j = JSON.parse(b.subarray(prefix.length).toString('utf8')) as { mimeType: string; payload: string; annotations?: Record<string, string> };
  return { mediaType: j.mimeType, payload: Buffer.from(j.payload, 'base64'), annotations: j.annotations ?? {} };
}

export function sampleManifest(dir: string): Buffer | undefined {
  return readSampleFile(join(COSIGN_SAMPLES, dir, 'manifest.json'));
}

export function samplePublicKey(name: 'cosign.pub' | 'cosign2.pub'): string {
  return readFileSync(join(COSIGN_SAMPLES, name), 'utf8');
}
