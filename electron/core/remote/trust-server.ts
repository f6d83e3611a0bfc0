/**
 * What reading and publishing share about a notary-server: its https base URL, the TUF paths under
 * `/v2/<gun>/_trust/tuf/`, and its error bodies `{"errors":[{"code","message","detail"}]}`.
 */
import { TrustDeskError } from '../base/errors.js';
import type { HttpRequest, HttpResponse } from './http-client.js';

/** Something that sends a request, authenticating for `scope` when the server asks (auth.ts). */
export interface Requester {
  request(req: HttpRequest, scope?: string): Promise<HttpResponse>;
}

/** notary reads at most 1 KiB of an error body; so do we. */
export const ERROR_BODY_PREVIEW = 1024;

export interface ServerError {
  /** notary's error code (INVALID_UPDATE, VERSION, ...), when the body had one. */
  serverCode?: string;
  message: string;
  detail?: string;
}

export function serverError(res: HttpResponse): ServerError {
  const text = res.body.subarray(0, ERROR_BODY_PREVIEW).toString('utf8');
  try {
    const e = JSON.parse(text)?.errors?.[0];
    if (e?.code) {
      const detail = e.detail === undefined ? undefined : typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail);
      return { serverCode: String(e.code), message: String(e.message ?? ''), ...(detail ? { detail } : {}) };
    }
  } catch {
    // not JSON
  }
  return { message: text.trim().slice(0, 200) || `HTTP ${res.status}` };
}

/** `CODE: message` (or the body's first words) for an error message. */
export function serverErrorText(res: HttpResponse): string {
  const e = serverError(res);
  return e.serverCode ? `${e.serverCode}: ${e.message}`.trim() : e.message;
}

/** A notary-server at an https URL (docker refuses anything else, and so do we). */
export class TrustServerEndpoint {
  readonly serverUrl: string;

  constructor(
    serverUrl: string,
    protected readonly http: Requester,
  ) {
    if (!/^https:\/\//i.test(serverUrl)) {
      throw new TrustDeskError('INSECURE_URL', `valid https URL required for trust server, got ${serverUrl}`);
    }
    this.serverUrl = serverUrl.replace(/\/+$/, '');
  }

  protected url(gun: string, file: string): string {
    return `${this.serverUrl}/v2/${gun}/_trust/tuf/${file}`;
  }
}
