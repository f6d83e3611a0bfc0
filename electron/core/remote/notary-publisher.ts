/**
 * Writes to a notary-server (notary-server-api.md §2–§3): the atomic multipart publish
 * `POST /v2/<gun>/_trust/tuf/` and the server-held keys `GET|POST <role>.key`.
 *
 * `GET timestamp.key` / `snapshot.key` CREATES a key on the server when the GUN has no root yet, so
 * it is called once per initialisation, never "to look". `POST` makes a new pending key (rotation).
 */
import { randomBytes } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { keyId, type PublicKeyJson } from '../tuf/keys.js';
import { TrustServerEndpoint, serverError, ERROR_BODY_PREVIEW, type ServerError } from './trust-server.js';
import type { HttpResponse } from './http-client.js';

const KEY_BODY_MAX = 64 * 1024;

/** A rejected publish: the server's code decides whether re-fetching and re-applying may help. */
export class PublishRejected extends TrustDeskError {
  constructor(
    readonly status: number,
    readonly server: ServerError,
    gun: string,
  ) {
    super(
      'PUBLISH_REJECTED',
      `trust server rejected the update of ${gun} (HTTP ${status}${server.serverCode ? ` ${server.serverCode}` : ''}): ${server.message}${server.detail ? ` ${server.detail}` : ''}`,
    );
  }

  /** VERSION or INVALID_UPDATE: someone else may have published in between. */
  get mayBeStale(): boolean {
    return this.status === 400 && (this.server.serverCode === 'VERSION' || this.server.serverCode === 'INVALID_UPDATE');
  }
}

export interface MetadataPart {
  /** `root`, `targets`, `snapshot` or `targets/<name>`. */
  role: string;
  raw: Buffer;
}

/** The multipart body notary's client sends: one `files` part per role, filename = role. */
export function multipartBody(parts: MetadataPart[], boundary = randomBytes(16).toString('hex')): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (!/^(root|targets|snapshot|targets(\/[^/\s"]+)+)$/.test(p.role)) {
      throw new TrustDeskError('INTERNAL', `not a role that can be published: ${p.role}`);
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${p.role}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        'utf8',
      ),
      p.raw,
      Buffer.from('\r\n', 'utf8'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export class NotaryPublisher extends TrustServerEndpoint {
  private refused(res: HttpResponse, gun: string, what: string): TrustDeskError {
    const e = serverError(res);
    const text = `${e.serverCode ? `${e.serverCode}: ` : ''}${e.message}${e.detail ? ` ${e.detail}` : ''}`;
    if (res.status === 401 || res.status === 403)
      return new TrustDeskError('AUTH_FAILED', `trust server refused ${what} for ${gun} (HTTP ${res.status}): ${text}`);
    return new TrustDeskError('HTTP_ERROR', `trust server ${this.serverUrl} answered HTTP ${res.status} to ${what} for ${gun}: ${text}`);
  }

  /** Sends every changed role in one atomic update. 400 → PublishRejected; others → HTTP_ERROR/AUTH_FAILED. */
  async publish(gun: string, parts: MetadataPart[]): Promise<void> {
    const { body, contentType } = multipartBody(parts);
    const res = await this.http.request(
      { method: 'POST', url: this.url(gun, ''), headers: { 'Content-Type': contentType }, body, maxBytes: ERROR_BODY_PREVIEW * 64 },
      `repository:${gun}:pull,push`,
    );
    if (res.status === 200 || res.status === 201 || res.status === 204) return;
    if (res.status === 400) throw new PublishRejected(res.status, serverError(res), gun);
    throw this.refused(res, gun, 'the update');
  }

  /**
   * The server's public key for `timestamp` or `snapshot`. GET creates one when the GUN has no root;
   * `rotate` POSTs for a new pending key. The key ID is recomputed from the canonical form.
   */
  async serverKey(gun: string, role: 'timestamp' | 'snapshot', opts: { rotate?: boolean } = {}): Promise<{ keyId: string; key: PublicKeyJson }> {
    const res = await this.http.request(
      {
        method: opts.rotate ? 'POST' : 'GET',
        url: this.url(gun, `${role}.key`),
        maxBytes: KEY_BODY_MAX,
        ...(opts.rotate ? { body: Buffer.alloc(0) } : {}),
      },
      opts.rotate ? `repository:${gun}:*` : `repository:${gun}:pull,push`,
    );
    if (res.status !== 200) throw this.refused(res, gun, `${opts.rotate ? 'rotating' : 'getting'} the ${role} key`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new TrustDeskError('METADATA_MALFORMED', `the ${role} key of ${gun} from the trust server is not JSON`);
    }
    const k = parsed as { keytype?: unknown; keyval?: { public?: unknown } };
    if (typeof k?.keytype !== 'string' || typeof k.keyval?.public !== 'string') {
      throw new TrustDeskError('METADATA_MALFORMED', `the ${role} key of ${gun} from the trust server is not a key object`);
    }
    const key: PublicKeyJson = { keytype: k.keytype, keyval: { private: null, public: k.keyval.public } };
    return { keyId: keyId(key), key };
  }
}
