/**
 * Read-only registry (OCI distribution / Docker Registry v2) client: tag lists and manifest digests,
 * the registry side of a DCT verdict (the OCI distribution spec's tags and manifests endpoints).
 *
 * - Every manifest request sends all four manifest media types in `Accept`, so the registry serves what
 *   was pushed (and signed): no schema-1 down-conversion, no silent platform pick from a list.
 * - A digest is `sha256:` + hex SHA-256 of the exact body bytes; `Docker-Content-Digest` is verified
 *   when a body is fetched, and trusted from HEAD only together with Content-Length.
 * - Tag lists follow `Link: <…>; rel="next"` within the same origin, with caps on pages and tags.
 */

import { createHash } from 'node:crypto';
import { TrustDeskError, toErrorValue, type ErrorValue } from '../base/errors.js';
import { digestProblem, isValidRepository, isValidTag, registryApiHost } from '../base/reference.js';
import { AuthenticatedClient, type HttpRequester, type Requester } from './auth.js';
import type { Credentials } from './docker-config.js';
import { describeUrl, type HttpResponse } from './http-client.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** The Accept header for manifests: all four types, in this order. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex].join(', ');

const SCHEMA1_TYPES = new Set(['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']);

export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TAGS_PAGE_MAX_BYTES = 8 * 1024 * 1024;
const ERROR_BODY_PREVIEW = 64 * 1024;

export interface ManifestDigest {
  /** `sha256:<hex>` of the exact manifest bytes. */
  digest: string;
  /** Length of the manifest bytes. */
  size: number;
  /** Media type as served (Content-Type without parameters). */
  mediaType: string;
}

export interface Manifest extends ManifestDigest {
  bytes: Buffer;
}

/** Per-tag outcome of `manifestDigests`: one tag's failure does not fail the others. */
export type ManifestDigestResult = ({ ok: true } & ManifestDigest) | { ok: false; error: ErrorValue };

export interface ListTagsOptions {
  /** Most tags accepted in total (10 000); more is RESPONSE_TOO_LARGE. */
  max?: number;
  /** Most pages followed (100); more is RESPONSE_TOO_LARGE. */
  maxPages?: number;
  /** Page size asked for with `?n=` (not sent unless given). */
  pageSize?: number;
}

export interface RegistryClientOptions {
  /** e.g. `https://registry-1.docker.io`, `https://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** Usually an AuthenticatedClient; any Requester works (HttpClient for an open registry). */
  client: Requester;
  /** Name used in messages (default: the base URL's host). */
  registry?: string;
  maxManifestBytes?: number;
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const t = contentType.split(';')[0]?.trim().toLowerCase();
  return t === undefined || t === '' ? undefined : t;
}

/** Targets of `Link` header entries whose `rel` includes `next` (RFC 8288), in order. */
export function parseLinkNext(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of values) {
    // Each link-value: `<target>` followed by its `; name=value` params, up to the next `<`.
    const re = /<([^>]*)>([^<]*)/g;
    for (let m = re.exec(v); m !== null; m = re.exec(v)) {
      const params = m[2] ?? '';
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next') && m[1] !== undefined) out.push(m[1]);
    }
  }
  return out;
}

interface RegistryErrorEntry {
  code?: string;
  message?: string;
}

function registryErrors(res: HttpResponse): RegistryErrorEntry[] {
  try {
    const body = JSON.parse(res.body.subarray(0, ERROR_BODY_PREVIEW).toString('utf8')) as unknown;
    const errors = (body as { errors?: unknown })?.errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => {
        const entry: RegistryErrorEntry = {};
        if (typeof e.code === 'string') entry.code = e.code;
        if (typeof e.message === 'string') entry.message = e.message;
        return entry;
      });
  } catch {
    return [];
  }
}

export class RegistryClient {
  readonly baseUrl: string;
  readonly registry: string;
  private readonly client: Requester;
  private readonly maxManifestBytes: number;

  /** A client for a registry name (`docker.io` → `https://registry-1.docker.io`) with token auth. */
  static forRegistry(
    registry: string,
    opts: { http: HttpRequester; credentials?: Credentials | (() => Promise<Credentials | undefined>); maxManifestBytes?: number },
  ): RegistryClient {
    const authOpts: ConstructorParameters<typeof AuthenticatedClient>[0] = { http: opts.http };
    if (opts.credentials !== undefined) authOpts.credentials = opts.credentials;
    const options: RegistryClientOptions = {
      baseUrl: `https://${registryApiHost(registry)}`,
      client: new AuthenticatedClient(authOpts),
      registry,
    };
    if (opts.maxManifestBytes !== undefined) options.maxManifestBytes = opts.maxManifestBytes;
    return new RegistryClient(options);
  }

  constructor(opts: RegistryClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    let host: string;
    try {
      host = new URL(this.baseUrl).host;
    } catch (err) {
      throw new TrustDeskError('INVALID_ARGUMENT', `invalid registry URL: ${opts.baseUrl}`, { cause: err });
    }
    this.registry = opts.registry ?? host;
    this.client = opts.client;
    this.maxManifestBytes = opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  }

  /** `GET /v2/`: throws unless the registry answers 200 (after authentication). */
  async ping(): Promise<void> {
    const res = await this.client.request({ url: `${this.baseUrl}/v2/`, maxBytes: ERROR_BODY_PREVIEW });
    if (res.status !== 200) throw this.error(res, 'the registry API (/v2/)');
  }

  /** Every tag of a repository, following pagination, sorted (code-unit order), without duplicates. */
  async listTags(repository: string, opts: ListTagsOptions = {}): Promise<string[]> {
    this.checkRepository(repository);
    const max = opts.max ?? 10_000;
    const maxPages = opts.maxPages ?? 100;
    const scope = this.scope(repository);
    let url: URL | undefined = new URL(`${this.baseUrl}/v2/${repository}/tags/list`);
    if (opts.pageSize !== undefined) url.searchParams.set('n', String(opts.pageSize));
    const origin = url.origin;
    const tags = new Set<string>();
    const visited = new Set<string>();
    let pages = 0;

    while (url !== undefined) {
      if (pages >= maxPages) {
        throw new TrustDeskError(
          'RESPONSE_TOO_LARGE',
          `tag list of ${this.registry}/${repository} has more than ${maxPages} pages; stopped there (raise maxPages to list more)`,
        );
      }
      pages++;
      visited.add(url.href);
      const res = await this.client.request({ url: url.href, maxBytes: TAGS_PAGE_MAX_BYTES }, scope);
      if (res.status !== 200) throw this.error(res, `repository ${repository}`, 'REGISTRY_NAME_UNKNOWN');
      let body: unknown;
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch (err) {
        throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} returned a tag list for ${repository} that is not JSON`, { cause: err });
      }
      const list = (body as { tags?: unknown })?.tags;
      if (list !== null && list !== undefined && !Array.isArray(list)) {
        throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} returned a malformed tag list for ${repository}`);
      }
      for (const t of list ?? []) {
        if (typeof t !== 'string') {
          throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} returned a non-string tag for ${repository}`);
        }
        tags.add(t);
        if (tags.size > max) {
          throw new TrustDeskError(
            'RESPONSE_TOO_LARGE',
            `repository ${this.registry}/${repository} has more than ${max} tags; stopped there (raise max to list more)`,
          );
        }
      }

      const next = parseLinkNext(res.headers.link)[0];
      if (next === undefined) {
        url = undefined;
        break;
      }
      let nextUrl: URL;
      try {
        nextUrl = new URL(next, url);
      } catch (err) {
        throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} sent an invalid Link header: ${next}`, { cause: err });
      }
      if (nextUrl.origin !== origin) {
        throw new TrustDeskError(
          'REGISTRY_ERROR',
          `${this.registry} sent a next-page link to another server (${describeUrl(nextUrl)}); not following it`,
        );
      }
      if (visited.has(nextUrl.href)) {
        throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} sent a next-page link that loops back to ${describeUrl(nextUrl)}`);
      }
      url = nextUrl;
    }
    return [...tags].sort();
  }

  /**
   * Digest, size and media type of the manifest a tag (or digest) points at. Uses HEAD when the
   * registry answers with `Docker-Content-Digest` and Content-Length, else GETs and hashes the body.
   */
  async manifestDigest(repository: string, ref: string): Promise<ManifestDigest> {
    this.checkRepository(repository);
    this.checkRef(ref);
    const head = await this.client.request(
      { method: 'HEAD', url: this.manifestUrl(repository, ref), headers: { Accept: MANIFEST_ACCEPT }, maxBytes: 0 },
      this.scope(repository),
    );
    if (head.status === 200) {
      const digest = header(head, 'docker-content-digest');
      const length = header(head, 'content-length');
      const mediaType = mediaTypeOf(header(head, 'content-type'));
      const usable =
        digest !== undefined &&
        digest.startsWith('sha256:') &&
        digestProblem(digest) === undefined &&
        length !== undefined &&
        /^\d+$/.test(length) &&
        mediaType !== undefined &&
        !SCHEMA1_TYPES.has(mediaType) &&
        mediaType !== 'application/json' &&
        (!ref.includes(':') || ref === digest);
      if (usable) return { digest, size: Number(length), mediaType };
    }
    // No usable HEAD (or an error status, whose body only GET shows): fetch and hash the bytes.
    const { digest, size, mediaType } = await this.getManifest(repository, ref);
    return { digest, size, mediaType };
  }

  /** The manifest bytes for a tag or digest, verified against `Docker-Content-Digest` and a requested digest. */
  async getManifest(repository: string, ref: string): Promise<Manifest> {
    this.checkRepository(repository);
    this.checkRef(ref);
    const what = `manifest ${repository}${ref.includes(':') ? '@' : ':'}${ref}`;
    const res = await this.client.request(
      { url: this.manifestUrl(repository, ref), headers: { Accept: MANIFEST_ACCEPT }, maxBytes: this.maxManifestBytes },
      this.scope(repository),
    );
    if (res.status !== 200) throw this.error(res, what, 'MANIFEST_UNKNOWN');
    const bytes = res.body;

    let mediaType = mediaTypeOf(header(res, 'content-type'));
    if (mediaType === undefined || mediaType === 'application/json' || mediaType === 'text/plain') {
      try {
        const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
        if (typeof declared === 'string' && declared !== '') mediaType = declared;
      } catch {
        // not JSON: keep what the header said
      }
    }
    if (mediaType !== undefined && SCHEMA1_TYPES.has(mediaType)) {
      throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} served a schema 1 manifest for ${what}; schema 1 is not supported`);
    }
    if (mediaType === undefined) {
      throw new TrustDeskError('REGISTRY_ERROR', `${this.registry} served ${what} without a media type`);
    }

    const digest = `sha256:${sha256Hex(bytes)}`;
    const check = (expected: string, source: string): void => {
      const colon = expected.indexOf(':');
      const algorithm = expected.slice(0, colon);
      if (algorithm !== 'sha256' && algorithm !== 'sha512') {
        throw new TrustDeskError('REGISTRY_ERROR', `${source} for ${what} uses an unsupported digest algorithm: ${expected}`);
      }
      const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
      if (actual !== expected) {
        throw new TrustDeskError('HASH_MISMATCH', `${this.registry} served ${what} whose ${algorithm} is ${actual}, but ${source} says ${expected}`);
      }
    };
    const announced = header(res, 'docker-content-digest');
    if (announced !== undefined && announced !== '') check(announced.trim(), 'Docker-Content-Digest');
    if (ref.includes(':')) check(ref, 'the requested digest');
    return { digest, size: bytes.length, mediaType, bytes };
  }

  /**
   * `manifestDigest` for many tags with at most `concurrency` (8) requests in flight. Every tag gets
   * an entry, in input order: its digest, or the error value that tag alone failed with.
   */
  async manifestDigests(
    repository: string,
    tags: readonly string[],
    opts: { concurrency?: number } = {},
  ): Promise<Map<string, ManifestDigestResult>> {
    const unique = [...new Set(tags)];
    const results = new Array<ManifestDigestResult | undefined>(unique.length);
    const concurrency = Math.max(1, Math.min(opts.concurrency ?? 8, unique.length || 1));
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < unique.length; i = next++) {
        const tag = unique[i] as string;
        try {
          results[i] = { ok: true, ...(await this.manifestDigest(repository, tag)) };
        } catch (err) {
          results[i] = { ok: false, error: toErrorValue(err) };
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const out = new Map<string, ManifestDigestResult>();
    unique.forEach((tag, i) => {
      out.set(tag, results[i] ?? { ok: false, error: { code: 'INTERNAL', message: 'no result' } });
    });
    return out;
  }

  private scope(repository: string): string {
    return `repository:${repository}:pull`;
  }

  private manifestUrl(repository: string, ref: string): string {
    return `${this.baseUrl}/v2/${repository}/manifests/${ref}`;
  }

  private checkRepository(repository: string): void {
    if (!isValidRepository(repository)) {
      throw new TrustDeskError('INVALID_REFERENCE', `invalid repository name ${JSON.stringify(repository)}`);
    }
  }

  private checkRef(ref: string): void {
    if (ref.includes(':')) {
      const problem = digestProblem(ref);
      if (problem !== undefined) throw new TrustDeskError('INVALID_REFERENCE', problem);
    } else if (!isValidTag(ref)) {
      throw new TrustDeskError('INVALID_REFERENCE', `invalid tag ${JSON.stringify(ref)}`);
    }
  }

  /** Maps a non-2xx registry answer to a TrustDeskError. */
  private error(res: HttpResponse, what: string, notFound?: 'REGISTRY_NAME_UNKNOWN' | 'MANIFEST_UNKNOWN'): TrustDeskError {
    const errors = registryErrors(res);
    const first = errors[0];
    const detail = first !== undefined ? `${first.code ?? 'ERROR'}${first.message ? `: ${first.message}` : ''}` : `HTTP ${res.status}`;
    const codes = new Set(errors.map((e) => e.code));
    if (codes.has('NAME_UNKNOWN')) {
      return new TrustDeskError('REGISTRY_NAME_UNKNOWN', `${what}: repository not found in ${this.registry} (${detail})`);
    }
    if (codes.has('MANIFEST_UNKNOWN')) {
      return new TrustDeskError('MANIFEST_UNKNOWN', `${what} not found in ${this.registry} (${detail})`);
    }
    if (res.status === 404 && notFound !== undefined) {
      return new TrustDeskError(notFound, `${what} not found in ${this.registry} (HTTP 404)`);
    }
    if (res.status === 401) return new TrustDeskError('AUTH_REQUIRED', `${this.registry} requires authentication for ${what} (${detail})`);
    if (res.status === 403) return new TrustDeskError('AUTH_FAILED', `${this.registry} denied access to ${what} (${detail})`);
    if (res.status === 429) {
      return new TrustDeskError('REGISTRY_ERROR', `${this.registry} is rate limiting requests (${detail}); try again later`);
    }
    if (first !== undefined) {
      return new TrustDeskError('REGISTRY_ERROR', `${this.registry} answered HTTP ${res.status} for ${what} (${detail})`);
    }
    return new TrustDeskError('HTTP_ERROR', `${this.registry} answered HTTP ${res.status} for ${what}`);
  }
}
