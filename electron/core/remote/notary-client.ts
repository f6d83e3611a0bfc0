/**
 * Reads trust data from a notary-server (`GET /v2/<gun>/_trust/tuf/...`), as the notary client does.
 * A MetadataSource for the updater: it only fetches and maps HTTP failures to typed errors; every
 * trust decision is the TrustedMetadataStore's. The paths and status codes are notary-server's
 * (notary `server/server.go` routes).
 */
import { TrustDeskError } from '../base/errors.js';
import type { MetadataSource } from '../tuf/repository-updater.js';
import { TrustServerEndpoint, serverErrorText } from './trust-server.js';

export type { Requester } from './trust-server.js';

export class NotaryClient extends TrustServerEndpoint implements MetadataSource {
  private async get(gun: string, file: string, maxBytes: number): Promise<Buffer> {
    const res = await this.http.request({ method: 'GET', url: this.url(gun, file), maxBytes }, `repository:${gun}:pull`);
    if (res.status === 200) return res.body;
    if (res.status === 404) {
      throw new TrustDeskError('METADATA_NOT_FOUND', `${file} of ${gun} is not on the trust server ${this.serverUrl}`);
    }
    if (res.status === 401 || res.status === 403) {
      throw new TrustDeskError('AUTH_FAILED', `trust server refused access to ${gun} (HTTP ${res.status}): ${serverErrorText(res)}`);
    }
    throw new TrustDeskError(
      'HTTP_ERROR',
      `trust server ${this.serverUrl} answered HTTP ${res.status} for ${file} of ${gun}: ${serverErrorText(res)}`,
    );
  }

  fetchRole(gun: string, role: string, opts: { maxBytes: number; checksumHex?: string }): Promise<Buffer> {
    return this.get(gun, opts.checksumHex ? `${role}.${opts.checksumHex}.json` : `${role}.json`, opts.maxBytes);
  }

  fetchRootVersion(gun: string, version: number, opts: { maxBytes: number }): Promise<Buffer> {
    return this.get(gun, `${version}.root.json`, opts.maxBytes);
  }
}
