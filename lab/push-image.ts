/**
 * Pushes a test image to the lab registry through the Registry v2 HTTP API
 * (blob POST + PUT uploads, then the manifest), without any Docker engine.
 */
import { httpsRequest } from './https.js';
import { buildImage, type BuiltImage, type ManifestFormat } from './image.js';

/** What pushing needs from a lab (a `Lab` fits). */
export interface RegistryTarget {
  registryUrl: string;
  caFile: string;
}

export interface PushedImage {
  /** `sha256:<hex>` of the manifest bytes, confirmed by the registry's `Docker-Content-Digest`. */
  digest: string;
  size: number;
  manifestBytes: Buffer;
  mediaType: string;
  repo: string;
  tag: string;
  /** Child manifests of a list/index. */
  children: Array<{ digest: string; size: number; mediaType: string }>;
}

export interface PushOptions {
  /** Seed for a deterministic image; ignored when `image` is given. */
  seed?: string;
  format?: ManifestFormat;
  /** A prebuilt image (see `buildImage`). */
  image?: BuiltImage;
}

function fail(what: string, status: number, body: Buffer): never {
  throw new Error(`registry: ${what} -> HTTP ${status}: ${body.toString('utf8').slice(0, 500)}`);
}

async function pushBlob(t: RegistryTarget, repo: string, digest: string, bytes: Buffer): Promise<void> {
  const base = `${t.registryUrl}/v2/${repo}/blobs`;
  const head = await httpsRequest({ url: `${base}/${digest}`, method: 'HEAD', ca: t.caFile });
  if (head.status === 200) return;
  const start = await httpsRequest({ url: `${base}/uploads/`, method: 'POST', ca: t.caFile });
  if (start.status !== 202) fail(`POST ${base}/uploads/`, start.status, start.body);
  const location = start.headers.location;
  if (!location) throw new Error('registry: upload POST without Location');
  const url = new URL(location, t.registryUrl);
  url.searchParams.set('digest', digest);
  const put = await httpsRequest({
    url,
    method: 'PUT',
    ca: t.caFile,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  if (put.status !== 201) fail(`PUT blob ${digest}`, put.status, put.body);
  if (put.headers['docker-content-digest'] !== digest) {
    throw new Error(`registry: blob digest ${String(put.headers['docker-content-digest'])} != ${digest}`);
  }
}

async function putManifest(t: RegistryTarget, repo: string, reference: string, img: BuiltImage): Promise<void> {
  for (const child of img.children) await putManifest(t, repo, child.digest, child);
  for (const b of img.blobs) await pushBlob(t, repo, b.digest, b.bytes);
  const res = await httpsRequest({
    url: `${t.registryUrl}/v2/${repo}/manifests/${reference}`,
    method: 'PUT',
    ca: t.caFile,
    headers: { 'Content-Type': img.mediaType },
    body: img.manifestBytes,
  });
  if (res.status !== 201) fail(`PUT manifest ${repo}:${reference}`, res.status, res.body);
  const served = res.headers['docker-content-digest'];
  if (served !== img.digest) throw new Error(`registry: manifest digest ${String(served)} != own sha256 ${img.digest}`);
}

/** Pushes `image` (or one built from `seed`/`format`) as `repo:tag`; returns the manifest digest and bytes. */
export async function pushImage(t: RegistryTarget, repo: string, tag: string, opts: PushOptions = {}): Promise<PushedImage> {
  const img = opts.image ?? buildImage(opts.seed ?? `${repo}:${tag}`, opts.format ?? 'docker');
  await putManifest(t, repo, tag, img);
  return {
    digest: img.digest,
    size: img.size,
    manifestBytes: img.manifestBytes,
    mediaType: img.mediaType,
    repo,
    tag,
    children: img.children.map((c) => ({ digest: c.digest, size: c.size, mediaType: c.mediaType })),
  };
}
