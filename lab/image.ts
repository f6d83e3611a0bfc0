/**
 * Deterministic test images built in memory from a seed: a one-file tar layer
 * (gzip), a config blob and a manifest (Docker schema 2 or OCI), or a list/index
 * of two such manifests. Nothing here touches the network.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** `docker`: schema 2 manifest; `oci`: OCI manifest; `docker-list` / `oci-index`: two children (amd64, arm64). */
export type ManifestFormat = 'docker' | 'oci' | 'docker-list' | 'oci-index';

export interface Blob {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** A manifest and everything it references. */
export interface BuiltImage {
  /** `sha256:<hex>` of `manifestBytes`. */
  digest: string;
  /** `manifestBytes.length`. */
  size: number;
  /** The exact bytes pushed and signed (compact JSON, no trailing newline). */
  manifestBytes: Buffer;
  mediaType: string;
  /** Config and layer blobs (empty for a list/index). */
  blobs: Blob[];
  /** Child manifests of a list/index (pushed by digest first). */
  children: BuiltImage[];
}

export function sha256(bytes: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

function tarField(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'ascii');
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar archive with regular files, owner 0:0, mode 0644, mtime 0, in the given order. */
export function tarFiles(files: Array<{ name: string; content: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    if (Buffer.byteLength(f.name) > 100) throw new Error(`tar name too long: ${f.name}`);
    const h = Buffer.alloc(512, 0);
    tarField(h, 0, 100, f.name);
    tarField(h, 100, 8, octal(0o644, 8));
    tarField(h, 108, 8, octal(0, 8));
    tarField(h, 116, 8, octal(0, 8));
    tarField(h, 124, 12, octal(f.content.length, 12));
    tarField(h, 136, 12, octal(0, 12));
    tarField(h, 148, 8, '        ');
    tarField(h, 156, 1, '0');
    tarField(h, 257, 6, 'ustar\0');
    tarField(h, 263, 2, '00');
    tarField(h, 265, 32, 'root');
    tarField(h, 297, 32, 'root');
    let sum = 0;
    for (const b of h) sum += b;
    tarField(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    parts.push(h, f.content, Buffer.alloc((512 - (f.content.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function descriptor(mediaType: string, bytes: Buffer): { mediaType: string; size: number; digest: string } {
  return { mediaType, size: bytes.length, digest: sha256(bytes) };
}

function buildSingle(seed: string, oci: boolean, architecture: string): BuiltImage {
  const tar = tarFiles([{ name: 'lab/seed.txt', content: Buffer.from(`${seed}\n`) }]);
  const layer = gzipSync(tar, { level: 9 });
  const config = json({
    architecture,
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/true'] },
    created: '1970-01-01T00:00:00Z',
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `trustdesk lab seed ${seed}` }],
  });
  const configType = oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig;
  const layerType = oci ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer;
  const mediaType = oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType,
    config: descriptor(configType, config),
    layers: [descriptor(layerType, layer)],
  });
  return {
    digest: sha256(manifestBytes),
    size: manifestBytes.length,
    manifestBytes,
    mediaType,
    blobs: [
      { digest: sha256(config), mediaType: configType, bytes: config },
      { digest: sha256(layer), mediaType: layerType, bytes: layer },
    ],
    children: [],
  };
}

/** Builds a deterministic image for `seed` (same seed, same bytes). */
export function buildImage(seed: string, format: ManifestFormat = 'docker'): BuiltImage {
  if (format === 'docker' || format === 'oci') return buildSingle(seed, format === 'oci', 'amd64');
  const oci = format === 'oci-index';
  const children = (['amd64', 'arm64'] as const).map((arch) => buildSingle(`${seed}/${arch}`, oci, arch));
  const mediaType = oci ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList;
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c, i) => ({
      ...descriptor(c.mediaType, c.manifestBytes),
      platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
    })),
  });
  return { digest: sha256(manifestBytes), size: manifestBytes.length, manifestBytes, mediaType, blobs: [], children };
}
