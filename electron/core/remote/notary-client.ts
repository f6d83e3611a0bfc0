/**
 * Reads trust data from a notary-server (`GET /v2/<gun>/_trust/tuf/...`), as the notary client does.
 * A MetadataSource for the updater: it only fetches and maps HTTP failures to typed errors; every
 * trust decision is the TrustedMetadataStore's. See ../shared/reference/notary-server-api.md.
 */
import { TrustDeskError } from '../errors.js';
import type { MetadataSource } from '../repository-updater.js';
import type { HttpRequest, HttpResponse } from './http-client.js';

/** Something that sends a request, authenticating for `scope` when the server asks (auth.ts). */
export interface Requester {
  request(req: HttpRequest, scope?: string): Promise<HttpResponse>;
}

/** notary reads at most 1 KiB of an error body; so do we. */
const ERROR_BODY_PREVIEW = 1024;

function serverErrorDetail(res: HttpResponse): string {
  const text = res.body.subarray(0, ERROR_BODY_PREVIEW).toString('utf8');
  try {
    const e = JSON.parse(text)?.errors?.[0];
    if (e?.code) return `${e.code}: ${e.message ?? ''}`.trim();
  } catch {
    // not JSON: fall through
  }
  return text.trim().slice(0, 200) || `HTTP ${res.status}`;
}

export class NotaryClient implements MetadataSource {
  readonly serverUrl: string;

  constructor(serverUrl: string, private readonly http: Requester) {
    if (!/^https:\/\//i.test(serverUrl)) {
      throw new TrustDeskError('INSECURE_URL', `valid https URL required for trust server, got ${serverUrl}`);
    }
    this.serverUrl = serverUrl.replace(/\/+$/, '');
  }

  private url(gun: string, file: string): string {
    return `${this.serverUrl}/v2/${gun}/_trust/tuf/${file}`;
  }

  private async get(gun: string, file: string, maxBytes: number): Promise<Buffer> {
    const res = await this.http.request({ method: 'GET', url: this.url(gun, file), maxBytes }, `repository:${gun}:pull`);
    if (res.status === 200) return res.body;
    if (res.status === 404) {
      throw new TrustDeskError('METADATA_NOT_FOUND', `${file} of ${gun} is not on the trust server ${this.serverUrl}`);
    }
    if (res.status === 401 || res.status === 403) {
      throw new TrustDeskError('AUTH_FAILED', `trust server refused access to ${gun} (HTTP ${res.status}): ${serverErrorDetail(res)}`);
    }
    throw new TrustDeskError(
      'HTTP_ERROR',
      `trust server ${this.serverUrl} answered HTTP ${res.status} for ${file} of ${gun}: ${serverErrorDetail(res)}`,
    );
  }

  fetchRole(gun: string, role: string, opts: { maxBytes: number; checksumHex?: string }): Promise<Buffer> {
    return this.get(gun, opts.checksumHex ? `${role}.${opts.checksumHex}.json` : `${role}.json`, opts.maxBytes);
  }

  fetchRootVersion(gun: string, version: number, opts: { maxBytes: number }): Promise<Buffer> {
    return this.get(gun, `${version}.root.json`, opts.maxBytes);
  }
}
