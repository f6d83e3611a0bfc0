/**
 * Token authentication for registries and notary servers (distribution's token spec), over HttpClient.
 *
 * A request that comes back 401 carries a `WWW-Authenticate` challenge:
 *  - `Bearer realm=…,service=…[,scope=…]`: get a token from the realm (`?service=…&scope=…`, with Basic
 *    credentials when known, or the OAuth2 refresh-token form for an identity token), cache it per
 *    (realm, service, scope) until it expires (`expires_in`, default and minimum 60 s), and retry once;
 *  - `Basic realm=…`: retry once with `Authorization: Basic`.
 * A second 401 is AUTH_FAILED. Once a server's challenge is known, later requests send the
 * authorization up front, so a warm client costs no extra round trip. Scopes are the caller's
 * (`repository:<gun>:pull` for notary, `repository:<repo>:pull` for a registry); without one the
 * challenge's own `scope` is used.
 */

import { TrustDeskError } from '../base/errors.js';
import type { Credentials } from './docker-config.js';
import { describeUrl, type HttpRequest, type HttpResponse } from './http-client.js';

export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Auth-params with lower-cased names and unquoted values. */
  params: Record<string, string>;
}

/** Anything that sends a plain request (HttpClient, or a fake in tests). */
export interface HttpRequester {
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** Sends a request, authenticating for `scope` when the server asks. */
export interface Requester {
  request(req: HttpRequest, scope?: string | string[]): Promise<HttpResponse>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses `WWW-Authenticate` values (RFC 7235 §4.1 / RFC 6750 §3): several challenges per header or
 * several headers, auth-params with token or quoted-string values (backslash escapes, commas inside
 * quotes), case-insensitive scheme and parameter names. Malformed trailing input is ignored.
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const s = header;
  let pos = 0;
  const out: Challenge[] = [];

  const skipWs = (): void => {
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < s.length && TCHAR.test(s[pos] ?? '')) pos++;
    return s.slice(start, pos);
  };
  const readQuoted = (): string | undefined => {
    // at '"'
    pos++;
    let value = '';
    while (pos < s.length) {
      const c = s[pos];
      if (c === '\\' && pos + 1 < s.length) {
        value += s[pos + 1];
        pos += 2;
      } else if (c === '"') {
        pos++;
        return value;
      } else {
        value += c;
        pos++;
      }
    }
    return undefined; // unterminated
  };
  /** True when an auth-param (`name =`) starts at pos; does not move. */
  const paramAhead = (): boolean => {
    const save = pos;
    const name = readToken();
    skipWs();
    let isParam = name !== '' && s[pos] === '=';
    if (isParam) {
      // `abc==` is a token68, not the param `abc`: a value must be a token or a quoted string.
      pos++;
      skipWs();
      const next = s[pos] ?? '';
      isParam = next === '"' || TCHAR.test(next);
    }
    pos = save;
    return isParam;
  };

  while (pos < s.length) {
    while (pos < s.length && (s[pos] === ',' || s[pos] === ' ' || s[pos] === '\t')) pos++;
    if (pos >= s.length) break;
    const scheme = readToken();
    if (scheme === '') break; // garbage: stop
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skipWs();
    // token68 (e.g. `Negotiate abc==`): keep it as `token68`, not as params.
    if (!paramAhead() && pos < s.length && s[pos] !== ',') {
      const start = pos;
      while (pos < s.length && /[A-Za-z0-9\-._~+/]/.test(s[pos] ?? '')) pos++;
      while (pos < s.length && s[pos] === '=') pos++;
      if (pos > start) challenge.params.token68 = s.slice(start, pos);
      continue;
    }
    for (;;) {
      skipWs();
      if (!paramAhead()) break;
      const name = readToken().toLowerCase();
      skipWs();
      pos++; // '='
      skipWs();
      let value: string | undefined;
      if (s[pos] === '"') value = readQuoted();
      else value = readToken();
      if (value === undefined) return out; // unterminated quote: stop here
      challenge.params[name] = value;
      skipWs();
      if (s[pos] !== ',') break;
      // A comma: either the next auth-param of this challenge or the start of the next challenge.
      while (pos < s.length && (s[pos] === ',' || s[pos] === ' ' || s[pos] === '\t')) pos++;
      if (!paramAhead()) break;
    }
  }
  return out;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface AuthenticatedClientOptions {
  http: HttpRequester;
  /** Credentials for this server (docker: the registry's credentials, also for its notary server). */
  credentials?: Credentials | (() => Promise<Credentials | undefined>);
  /** Clock, ms (tests). */
  now?: () => number;
  /** Largest token response accepted (1 MiB). */
  tokenMaxBytes?: number;
  /** OAuth2 client_id sent with a refresh token. */
  clientId?: string;
}

const MIN_TOKEN_LIFETIME_S = 60;
/** Tokens are dropped this long before they expire, so one is never sent just as it dies. */
const EXPIRY_MARGIN_MS = 5_000;

function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

function hasBasic(c: Credentials | undefined): c is Credentials & { username: string; password: string } {
  return c !== undefined && typeof c.username === 'string' && c.username !== '' && typeof c.password === 'string';
}

function normaliseScopes(scope: string | string[] | undefined): string[] {
  const list = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope];
  return [...new Set(list.filter((s) => s !== ''))];
}

export class AuthenticatedClient implements Requester {
  private readonly http: HttpRequester;
  private readonly credentialSource: AuthenticatedClientOptions['credentials'];
  private credentialsPromise: Promise<Credentials | undefined> | undefined;
  private readonly now: () => number;
  private readonly tokenMaxBytes: number;
  private readonly clientId: string;
  /** Last challenge seen per origin (`https://host:port`). */
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(opts: AuthenticatedClientOptions) {
    this.http = opts.http;
    this.credentialSource = opts.credentials;
    this.now = opts.now ?? Date.now;
    this.tokenMaxBytes = opts.tokenMaxBytes ?? 1024 * 1024;
    this.clientId = opts.clientId ?? 'trustdesk';
  }

  /** Number of cached tokens (tests, diagnostics). */
  get cachedTokenCount(): number {
    return this.tokens.size;
  }

  async request(req: HttpRequest, scope?: string | string[]): Promise<HttpResponse> {
    const hasOwnAuth = Object.keys(req.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
    if (hasOwnAuth) return this.http.request(req);
    const origin = new URL(req.url).origin;
    const scopes = normaliseScopes(scope);

    const known = this.challenges.get(origin);
    const first = known === undefined ? undefined : await this.authorization(known, scopes, false, undefined);
    const res = await this.send(req, first);
    if (res.status !== 401) return res;

    const challenge = this.pickChallenge(res);
    if (challenge === undefined) {
      throw new TrustDeskError('AUTH_REQUIRED', `${describeUrl(req.url)} requires authentication but sent no usable WWW-Authenticate challenge`);
    }
    this.challenges.set(origin, challenge);
    const second = await this.authorization(challenge, scopes, true, first);
    // Resending what was just refused cannot help.
    const retried = second === first ? undefined : await this.send(req, second);
    if (retried !== undefined && retried.status !== 401) return retried;

    const creds = await this.credentials();
    const who = hasBasic(creds) ? `as ${creds.username}` : creds?.identityToken !== undefined ? 'with an identity token' : 'anonymously';
    const wanted = scopes.length > 0 ? scopes : challenge.params.scope !== undefined ? [challenge.params.scope] : [];
    throw new TrustDeskError(
      'AUTH_FAILED',
      `authentication failed for ${describeUrl(req.url)} ${who}${wanted.length > 0 ? ` (scope ${wanted.join(' ')})` : ''}: ` +
        `the server still answered 401${hasBasic(creds) ? '' : '; log in with docker login if the repository is private'}`,
    );
  }

  private send(req: HttpRequest, authorization: string | undefined): Promise<HttpResponse> {
    if (authorization === undefined) return this.http.request(req);
    return this.http.request({ ...req, headers: { ...(req.headers ?? {}), Authorization: authorization } });
  }

  private pickChallenge(res: HttpResponse): Challenge | undefined {
    const all = parseWwwAuthenticate(res.headers['www-authenticate']);
    return all.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined) ?? all.find((c) => c.scheme === 'basic');
  }

  private credentials(): Promise<Credentials | undefined> {
    if (this.credentialsPromise === undefined) {
      const src = this.credentialSource;
      this.credentialsPromise = typeof src === 'function' ? src() : Promise.resolve(src);
    }
    return this.credentialsPromise;
  }

  /**
   * The Authorization value for a challenge. `fresh` is set after a 401: a cached token equal to the
   * refused authorization is dropped (a token another request just fetched is kept and reused).
   */
  private async authorization(challenge: Challenge, scopes: string[], fresh: boolean, refused: string | undefined): Promise<string | undefined> {
    const creds = await this.credentials();
    if (challenge.scheme === 'basic') {
      if (hasBasic(creds)) return basicHeader(creds);
      if (!fresh) return undefined;
      throw new TrustDeskError(
        'AUTH_REQUIRED',
        `server requires a user name and password (Basic realm ${JSON.stringify(challenge.params.realm ?? '')}); log in with docker login`,
      );
    }
    const realm = challenge.params.realm;
    if (realm === undefined) return undefined;
    const service = challenge.params.service ?? '';
    const effective = scopes.length > 0 ? scopes : normaliseScopes(challenge.params.scope?.split(' '));
    const key = JSON.stringify([realm, service, [...effective].sort()]);
    const cached = this.tokens.get(key);
    if (fresh && cached !== undefined && `Bearer ${cached.token}` === refused) this.tokens.delete(key);
    const usable = this.tokens.get(key);
    if (usable !== undefined && usable.expiresAt > this.now()) return `Bearer ${usable.token}`;

    let inflight = this.pending.get(key);
    if (inflight === undefined) {
      inflight = this.fetchToken(realm, service, effective, creds).then(
        (t) => {
          this.tokens.set(key, t);
          this.pending.delete(key);
          return t;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, inflight);
    }
    return `Bearer ${(await inflight).token}`;
  }

  private async fetchToken(realm: string, service: string, scopes: string[], creds: Credentials | undefined): Promise<CachedToken> {
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch (err) {
      throw new TrustDeskError('AUTH_FAILED', `token realm is not a valid URL: ${realm}`, { cause: err });
    }
    const requestedAt = this.now();
    let res: HttpResponse | undefined;
    if (creds?.identityToken !== undefined) {
      // OAuth2 refresh-token grant (distribution's oauth.md).
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: this.clientId });
      if (service !== '') form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      res = await this.http.request({
        method: 'POST',
        url: realmUrl.href,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        maxBytes: this.tokenMaxBytes,
      });
      // Token servers without OAuth support: fall back to the GET form if we also have a password.
      if ((res.status === 404 || res.status === 405) && hasBasic(creds)) res = undefined;
    }
    if (res === undefined) {
      const url = new URL(realmUrl.href);
      if (service !== '') url.searchParams.append('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (hasBasic(creds)) headers.Authorization = basicHeader(creds);
      res = await this.http.request({ url: url.href, headers, maxBytes: this.tokenMaxBytes });
    }

    const where = describeUrl(realmUrl);
    if (res.status === 401 || res.status === 403) {
      const anonymous = !hasBasic(creds) && creds?.identityToken === undefined;
      throw new TrustDeskError(
        anonymous ? 'AUTH_REQUIRED' : 'AUTH_FAILED',
        anonymous
          ? `token server ${where} refused an anonymous token for ${scopes.join(' ') || 'this request'}; log in with docker login`
          : `token server ${where} rejected the credentials (HTTP ${res.status})`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new TrustDeskError('HTTP_ERROR', `token server ${where} answered HTTP ${res.status}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new TrustDeskError('AUTH_FAILED', `token server ${where} returned something that is not JSON`, { cause: err });
    }
    const obj = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const token =
      typeof obj.token === 'string' && obj.token !== ''
        ? obj.token
        : typeof obj.access_token === 'string' && obj.access_token !== ''
          ? obj.access_token
          : undefined;
    if (token === undefined) throw new TrustDeskError('AUTH_FAILED', `token server ${where} returned no token`);
    const expiresIn =
      typeof obj.expires_in === 'number' && Number.isFinite(obj.expires_in) ? Math.max(obj.expires_in, MIN_TOKEN_LIFETIME_S) : MIN_TOKEN_LIFETIME_S;
    return { token, expiresAt: requestedAt + expiresIn * 1000 - EXPIRY_MARGIN_MS };
  }
}
