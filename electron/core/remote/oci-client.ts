/**
 * What cosign needs of a registry beyond tags and manifests: blobs (GET verified by digest, POST+PUT
 * upload), manifest PUT, and OCI 1.1 referrers. Pull scope to read, `pull,push` to write.
 */
import { createHash } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import type { Requester } from './auth.js';
import type { HttpResponse } from './http-client.js';
import { MANIFEST_ACCEPT } from './registry-client.js';

const MAX_MANIFEST = 4 * 1024 * 1024;
/** Signature payloads and bundles are small; a bigger "signature" blob is refused. */
export const MAX_SIGNATURE_BLOB = 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class OciClient {
  constructor(
    readonly baseUrl: string,
    private readonly client: Requester,
    readonly registry: string,
  ) {}

  private scope(repo: string, push: boolean): string {
    return `repository:${repo}:${push ? 'pull,push' : 'pull'}`;
  }

  private fail(res: HttpResponse, what: string): TrustDeskError {
    const body = res.body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ');
    if (res.status === 401) return new TrustDeskError('AUTH_REQUIRED', `${this.registry} requires authentication for ${what}`);
    if (res.status === 403) return new TrustDeskError('AUTH_FAILED', `${this.registry} denied ${what}`);
    return new TrustDeskError('REGISTRY_ERROR', `${this.registry} answered HTTP ${res.status} for ${what}${body ? `: ${body}` : ''}`);
  }

  /** A manifest or index by tag or digest; undefined when the registry has none (404). */
  async getManifest(repo: string, ref: string, opts: { push?: boolean } = {}): Promise<FetchedManifest | undefined> {
    const res = await this.client.request(
      { url: `${this.baseUrl}/v2/${repo}/manifests/${ref}`, headers: { Accept: MANIFEST_ACCEPT }, maxBytes: MAX_MANIFEST },
      this.scope(repo, opts.push ?? false),
    );
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.fail(res, `manifest ${repo}:${ref}`);
    const digest = sha256Digest(res.body);
    if (ref.startsWith('sha256:') && ref !== digest)
      throw new TrustDeskError('HASH_MISMATCH', `${this.registry} served ${repo}@${ref} with digest ${digest}`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} served a manifest for ${repo}:${ref} that is not JSON`);
    }
    const ct = header(res, 'content-type')?.split(';')[0]?.trim();
    const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (ct ?? '');
    return { bytes: res.body, digest, mediaType, json };
  }

  /** A blob, verified against its digest and bounded in size. */
  async getBlob(repo: string, digest: string, maxBytes = MAX_SIGNATURE_BLOB): Promise<Buffer> {
    const res = await this.client.request({ url: `${this.baseUrl}/v2/${repo}/blobs/${digest}`, maxBytes }, this.scope(repo, false));
    if (res.status !== 200) throw this.fail(res, `blob ${repo}@${digest}`);
    const actual = sha256Digest(res.body);
    if (actual !== digest) throw new TrustDeskError('HASH_MISMATCH', `${this.registry} served blob ${digest} whose sha256 is ${actual}`);
    return res.body;
  }

  /** Uploads a blob (HEAD first; POST then PUT with the digest, what distribution 2.8 supports). */
  async pushBlob(repo: string, bytes: Buffer): Promise<Descriptor & { mediaType: '' }> {
    const digest = sha256Digest(bytes);
    const scope = this.scope(repo, true);
    const head = await this.client.request({ method: 'HEAD', url: `${this.baseUrl}/v2/${repo}/blobs/${digest}`, maxBytes: 0 }, scope);
    if (head.status !== 200) {
      const start = await this.client.request(
        { method: 'POST', url: `${this.baseUrl}/v2/${repo}/blobs/uploads/`, maxBytes: 64 * 1024, body: Buffer.alloc(0) },
        scope,
      );
      if (start.status !== 202) throw this.fail(start, `starting a blob upload to ${repo}`);
      const location = header(start, 'location');
      if (!location) throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} started an upload without a Location`);
      const url = new URL(location, this.baseUrl);
      if (url.origin !== new URL(this.baseUrl).origin)
        throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} sent the upload to another server (${url.origin})`);
      url.searchParams.set('digest', digest);
      const put = await this.client.request(
        { method: 'PUT', url: url.href, headers: { 'Content-Type': 'application/octet-stream' }, body: bytes, maxBytes: 64 * 1024 },
        scope,
      );
      if (put.status !== 201) throw this.fail(put, `uploading blob ${digest} to ${repo}`);
    }
    return { mediaType: '', digest, size: bytes.length };
  }

  /** PUT a manifest by tag or digest; returns its digest and whether the registry took its `subject` (OCI-Subject). */
  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<{ digest: string; subjectAccepted: boolean }> {
    const res = await this.client.request(
      { method: 'PUT', url: `${this.baseUrl}/v2/${repo}/manifests/${ref}`, headers: { 'Content-Type': mediaType }, body: bytes, maxBytes: 64 * 1024 },
      this.scope(repo, true),
    );
    if (res.status !== 201) throw this.fail(res, `writing manifest ${repo}:${ref}`);
    const digest = sha256Digest(bytes);
    const served = header(res, 'docker-content-digest');
    if (served !== undefined && served !== digest)
      throw new TrustDeskError('HASH_MISMATCH', `${this.registry} stored manifest ${repo}:${ref} as ${served}, not ${digest}`);
    return { digest, subjectAccepted: header(res, 'oci-subject') !== undefined };
  }

  /**
   * The OCI 1.1 referrers of a digest, or undefined when the registry has no referrers API (404 and
   * friends: then the fallback tag `sha256-<hex>` is where referrers live).
   */
  async referrers(repo: string, digest: string): Promise<Descriptor[] | undefined> {
    const res = await this.client.request(
      {
        url: `${this.baseUrl}/v2/${repo}/referrers/${digest}`,
        headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
        maxBytes: MAX_MANIFEST,
      },
      this.scope(repo, false),
    );
    if (res.status !== 200) return undefined;
    const ct = header(res, 'content-type')?.split(';')[0]?.trim();
    if (ct !== 'application/vnd.oci.image.index.v1+json') return undefined;
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { manifests?: unknown };
      return Array.isArray(j.manifests) ? descriptors(j.manifests) : [];
    } catch {
      return undefined;
    }
  }
}

/** The well-formed descriptors of a list (manifests / layers); others are dropped. */
export function descriptors(list: unknown): Descriptor[] {
  if (!Array.isArray(list)) return [];
  const out: Descriptor[] = [];
  for (const d of list) {
    if (typeof d !== 'object' || d === null) continue;
    const o = d as Record<string, unknown>;
    if (typeof o.mediaType !== 'string' || typeof o.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(o.digest) || typeof o.size !== 'number')
      continue;
    const desc: Descriptor = { mediaType: o.mediaType, digest: o.digest, size: o.size };
    if (typeof o.artifactType === 'string') desc.artifactType = o.artifactType;
    if (typeof o.annotations === 'object' && o.annotations !== null) {
      desc.annotations = Object.fromEntries(
        Object.entries(o.annotations as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    }
    out.push(desc);
  }
  return out;
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** `sha256:<hex>` of bytes, as OCI content digests are written. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
