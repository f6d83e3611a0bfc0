/**
 * The one HTTPS client every remote call goes through (notary server, registry, token servers).
 *
 * - Node `https` with keep-alive Agents (at most `maxSocketsPerHost`, default 8, sockets per host),
 *   one Agent per distinct TLS material so a CA or client certificate configured for one host is never
 *   offered to or trusted for another.
 * - `https:` only unless `allowHttp` (tests, explicit user opt-in): INSECURE_URL otherwise.
 * - A total deadline per request (connect + TLS + headers + body + redirects): NETWORK_TIMEOUT.
 * - A hard body limit per request: RESPONSE_TOO_LARGE as soon as Content-Length announces more or the
 *   streamed body passes it; the socket is destroyed, nothing more is read.
 * - Up to 5 redirects for GET/HEAD, dropping Authorization when the host changes.
 * - Transport errors become TrustDeskErrors: NETWORK_UNREACHABLE, NETWORK_TIMEOUT, TLS_ERROR, HTTP_ERROR.
 * - Proxies with docker's (Go's) rules (see proxy-rules.ts): https URLs tunnel through `HTTPS_PROXY`
 *   with CONNECT (https-proxy-agent), http URLs go through `HTTP_PROXY` (http-proxy-agent); one
 *   keep-alive agent per (proxy, TLS material). TLS to the server is unchanged through the tunnel: same
 *   CA, client certificate and host name check. A proxy that is down or answers CONNECT with anything
 *   but 200 is NETWORK_UNREACHABLE naming the proxy; its credentials never appear in a message.
 *
 * Non-2xx statuses are returned, not thrown: callers know what a 404 means for them.
 */

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { HttpProxyAgent } from 'http-proxy-agent';
import type { HttpsProxyAgent } from 'https-proxy-agent';
import { TrustDeskError } from '../base/errors.js';
import { ProxyRules, redactProxyUrl, type ProxySettings } from './proxy-rules.js';
import type { HttpTraceEvent, HttpTraceHook } from './http-trace.js';

export interface TlsMaterial {
  /** Extra CA certificates (PEM), added to Node's default root store, never replacing it. */
  ca?: Buffer[];
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  /** Skip server certificate verification entirely (docker's loopback rule); explicit only. */
  insecureSkipVerify?: boolean;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method?: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Overrides the client's default deadline for this request. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Final URL, after redirects. */
  url: string;
}

export interface HttpClientOptions {
  /** TLS settings for a `host[:port]` (as in the URL; no port when it is 443). */
  tlsFor?: (hostPort: string) => TlsMaterial;
  /** Default total deadline per request, ms (30 000). */
  timeoutMs?: number;
  /** Allow plain `http:` URLs (tests / explicit opt-in only). */
  allowHttp?: boolean;
  /** Keep-alive sockets per host (8). */
  maxSocketsPerHost?: number;
  /** Redirects followed for GET/HEAD (5). */
  maxRedirects?: number;
  userAgent?: string;
  /** Proxy settings (docker's HTTPS_PROXY / HTTP_PROXY / NO_PROXY); none: direct connections. */
  proxy?: ProxySettings;
  /** Air-gapped mode: every request is refused before any socket is opened. */
  offline?: boolean;
  /** Receives the timeline of every attempt (http-trace.ts); none: nothing is measured. */
  trace?: HttpTraceHook;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** A redirect's own body is drained (to keep the socket) only up to this size. */
const REDIRECT_BODY_DRAIN_MAX = 64 * 1024;

/** OpenSSL/Node verification codes meaning "the chain does not end in a trusted CA". */
const UNKNOWN_AUTHORITY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);
const CERT_CODES = new Set([
  ...UNKNOWN_AUTHORITY_CODES,
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
]);
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'temporary DNS failure',
  EAI_FAIL: 'DNS failure',
  EAI_NONAME: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host is down',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network is down',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  EADDRNOTAVAIL: 'address not available',
};

interface ErrnoLike {
  code?: unknown;
  message?: unknown;
}

/** Origin and path of a URL, without credentials, query or fragment (queries may carry signed tokens). */
export function describeUrl(url: URL | string): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return String(url);
  }
}

/**
 * The proxy agents, loaded the first time a request goes through a proxy: most runs use none, and
 * the two packages (with `debug` and its terminal probing) cost start-up time for every command.
 */
interface ProxyAgentClasses {
  HttpProxyAgent: typeof HttpProxyAgent;
  HttpsProxyAgent: typeof HttpsProxyAgent;
}
let proxyAgentClasses: ProxyAgentClasses | undefined;
let proxyAgentsLoading: Promise<ProxyAgentClasses> | undefined;

async function loadProxyAgents(): Promise<ProxyAgentClasses> {
  proxyAgentsLoading ??= Promise.all([import('http-proxy-agent'), import('https-proxy-agent')]).then(([h, s]) => {
    proxyAgentClasses = { HttpProxyAgent: h.HttpProxyAgent, HttpsProxyAgent: s.HttpsProxyAgent };
    return proxyAgentClasses;
  });
  return proxyAgentsLoading;
}

/** Maps a Node transport error to a TrustDeskError. */
export function mapTransportError(err: unknown, url: string): TrustDeskError {
  if (err instanceof TrustDeskError) return err;
  const e = (err ?? {}) as ErrnoLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' ? e.message : String(err);
  const where = describeUrl(url);

  if (UNKNOWN_AUTHORITY_CODES.has(code)) {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: certificate signed by unknown authority (${code}: ${text})`, {
      cause: err,
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: certificate has expired or is not yet valid (${code}: ${text})`, {
      cause: err,
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: certificate is not valid for this host (${text})`, {
      cause: err,
    });
  }
  if (CERT_CODES.has(code)) {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: ${text} (${code})`, { cause: err });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(text)) {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: ${text} (is the server speaking plain HTTP on this port?)`, {
      cause: err,
    });
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || (code === 'EPROTO' && /SSL|TLS/i.test(text))) {
    return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: ${text}`, { cause: err });
  }
  if (code === 'ETIMEDOUT') {
    return new TrustDeskError('NETWORK_TIMEOUT', `connection to ${where} timed out (${code})`, { cause: err });
  }
  const network = NETWORK_CODES[code];
  if (network !== undefined) {
    if (code === 'ECONNRESET' && /TLS|secure/i.test(text)) {
      return new TrustDeskError('TLS_ERROR', `TLS error talking to ${where}: ${text}`, { cause: err });
    }
    return new TrustDeskError('NETWORK_UNREACHABLE', `cannot reach ${where}: ${network} (${code})`, { cause: err });
  }
  if (code.startsWith('HPE_')) {
    return new TrustDeskError('HTTP_ERROR', `malformed HTTP response from ${where}: ${text}`, { cause: err });
  }
  return new TrustDeskError('NETWORK_UNREACHABLE', `cannot reach ${where}: ${text}${code ? ` (${code})` : ''}`, {
    cause: err,
  });
}

function materialKey(m: TlsMaterial): string {
  const h = createHash('sha256');
  const part = (label: string, b: Buffer | undefined): void => {
    h.update(`${label}:${b === undefined ? -1 : b.length}:`);
    if (b !== undefined) h.update(b);
  };
  for (const ca of m.ca ?? []) part('ca', ca);
  part('cert', m.cert);
  part('key', m.key);
  h.update(m.insecureSkipVerify === true ? 'insecure' : 'verify');
  return h.digest('hex');
}

/** A proxy's status text, made safe to print (it is the proxy's own words). */
function cleanStatusText(text: unknown): string {
  return typeof text === 'string'
    ? text
        .replace(/[^\x20-\x7e]/g, '')
        .slice(0, 100)
        .trim()
    : '';
}

/** Where a request goes: the agent, and the proxy in between (credentials stripped) if any. */
interface Route {
  agent: http.Agent;
  proxy?: URL;
  /** The proxy as messages name it (credentials shown as `***`). */
  proxyLabel?: string;
  /** TLS options for the server behind the tunnel (the proxy agents take them per request). */
  tunnelTls?: TunnelTls;
}

type TunnelTls = https.RequestOptions & { secureContext?: tls.SecureContext };

/** The proxy URL without its credentials (they travel as a Proxy-Authorization header instead). */
function splitProxyCredentials(proxy: URL): { url: URL; headers: Record<string, string> } {
  const url = new URL(proxy.href);
  const headers: Record<string, string> = {};
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers };
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

interface Attempt {
  response: HttpResponse;
  /** Set when the response is a redirect that is to be followed (its body was discarded). */
  location?: string;
}

class RetryableReuseError extends Error {
  constructor(readonly original: unknown) {
    super('reused keep-alive socket was closed by the server');
  }
}

/**
 * A TLS context trusting the system roots plus the material's CAs. Without `ca`, Node's context
 * starts from its shared default root store, and `addCACert` adds to it: far cheaper than passing
 * every system root as PEM again. Falls back to the explicit list if that internal hook is absent.
 */
function secureContextFor(material: TlsMaterial): tls.SecureContext {
  const base: tls.SecureContextOptions = { minVersion: 'TLSv1.2' };
  if (material.cert !== undefined) base.cert = material.cert;
  if (material.key !== undefined) base.key = material.key;
  const extra = material.ca ?? [];
  const ctx = tls.createSecureContext(base) as tls.SecureContext & { context?: { addCACert?: (pem: Buffer) => void } };
  const add = ctx.context?.addCACert;
  if (typeof add === 'function') {
    for (const pem of extra) add.call(ctx.context, pem);
    return ctx;
  }
  return tls.createSecureContext(extra.length > 0 ? { ...base, ca: [...tls.rootCertificates, ...extra] } : base);
}

export class HttpClient {
  private readonly tlsFor: (hostPort: string) => TlsMaterial;
  private readonly timeoutMs: number;
  private readonly allowHttp: boolean;
  private readonly maxSockets: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly httpsAgents = new Map<string, https.Agent>();
  private httpAgent: http.Agent | undefined;
  private readonly proxySettings: ProxySettings;
  private proxyRules: ProxyRules | undefined;
  /** Agents through a proxy, per proxy URL (and TLS material for https). */
  private readonly proxyAgents = new Map<string, http.Agent>();
  /** TLS contexts for servers behind a proxy, per agent (built once, as for direct agents). */
  private readonly tunnelContexts = new Map<string, tls.SecureContext>();
  /** Aborts connections to proxies still waiting for a CONNECT answer when the client closes. */
  private readonly proxyAbort = new AbortController();
  private closed = false;
  private readonly offline: boolean;
  private readonly trace: HttpTraceHook | undefined;
  private readonly tracedSockets = new WeakSet<object>();

  constructor(opts: HttpClientOptions = {}) {
    this.offline = opts.offline ?? false;
    this.trace = opts.trace;
    this.tlsFor = opts.tlsFor ?? (() => ({}));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.allowHttp = opts.allowHttp ?? false;
    this.maxSockets = opts.maxSocketsPerHost ?? 8;
    this.maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.userAgent = opts.userAgent ?? 'trustdesk/0.1';
    this.proxySettings = opts.proxy ?? {};
  }

  /** The proxy a URL would go through (credentials shown as `***`), or undefined: direct. */
  proxyFor(url: string): string | undefined {
    const p = this.rules().proxyFor(new URL(url));
    return p === undefined ? undefined : redactProxyUrl(p);
  }

  /** The proxy rules, parsed at first use (an invalid proxy setting fails requests, not construction). */
  private rules(): ProxyRules {
    this.proxyRules ??= new ProxyRules(this.proxySettings);
    return this.proxyRules;
  }

  /** Number of distinct HTTPS agents (one per TLS material) created so far. */
  get agentCount(): number {
    return this.httpsAgents.size;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new TrustDeskError('INTERNAL', 'HttpClient used after close()');
    if (this.offline)
      throw new TrustDeskError(
        'NETWORK_UNREACHABLE',
        `offline (air-gapped) mode: no connection is made (${describeUrl(req.url)}); do this step on the online machine`,
      );
    const method = req.method ?? 'GET';
    if (!Number.isFinite(req.maxBytes) || req.maxBytes < 0) {
      throw new TrustDeskError('INVALID_ARGUMENT', `maxBytes must be a non-negative number, got ${req.maxBytes}`);
    }
    let url = this.checkUrl(req.url);
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;

    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const deadline = new Deadline(timeoutMs);
    try {
      const follow = method === 'GET' || method === 'HEAD';
      for (let redirects = 0; ; redirects++) {
        let attempt: Attempt;
        if (proxyAgentClasses === undefined && this.rules().proxyFor(url) !== undefined) await loadProxyAgents();
        try {
          attempt = await this.attempt(method, url, headers, req.body, req.maxBytes, deadline, follow);
        } catch (err) {
          if (!(err instanceof RetryableReuseError)) throw err;
          // The server closed an idle keep-alive socket just as we reused it: one fresh try.
          try {
            attempt = await this.attempt(method, url, headers, req.body, req.maxBytes, deadline, follow);
          } catch (err2) {
            throw err2 instanceof RetryableReuseError ? mapTransportError(err2.original, url.href) : err2;
          }
        }
        if (attempt.location === undefined) return attempt.response;
        if (redirects >= this.maxRedirects) {
          throw new TrustDeskError('TOO_MANY_REDIRECTS', `too many redirects (more than ${this.maxRedirects}) starting at ${describeUrl(req.url)}`);
        }
        let next: URL;
        try {
          next = new URL(attempt.location, url);
        } catch (err) {
          throw new TrustDeskError('HTTP_ERROR', `invalid redirect location from ${describeUrl(url)}: ${attempt.location}`, {
            cause: err,
          });
        }
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.allowHttp)) {
          throw new TrustDeskError('INSECURE_URL', `refusing redirect from ${describeUrl(url)} to non-https URL ${describeUrl(next)}`);
        }
        if (next.host !== url.host || next.protocol !== url.protocol) delete headers.authorization;
        url = next;
      }
    } finally {
      deadline.clear();
    }
  }

  /** Destroys every pooled socket. The client cannot be used afterwards. */
  close(): void {
    this.closed = true;
    for (const agent of this.httpsAgents.values()) agent.destroy();
    this.httpsAgents.clear();
    this.httpAgent?.destroy();
    this.httpAgent = undefined;
    for (const agent of this.proxyAgents.values()) agent.destroy();
    this.proxyAgents.clear();
    this.tunnelContexts.clear();
    this.proxyAbort.abort();
  }

  private checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (err) {
      throw new TrustDeskError('INVALID_ARGUMENT', `invalid URL: ${raw}`, { cause: err });
    }
    if (url.protocol === 'https:') return url;
    if (url.protocol === 'http:' && this.allowHttp) return url;
    throw new TrustDeskError('INSECURE_URL', `refusing non-https URL ${describeUrl(url)} (only https:// is allowed)`);
  }

  private routeFor(url: URL): Route {
    const proxy = this.rules().proxyFor(url);
    if (proxy === undefined) return { agent: this.agentFor(url) };
    const { url: bare, headers } = splitProxyCredentials(proxy);
    const pool: http.AgentOptions & { headers: Record<string, string>; signal: AbortSignal } = {
      keepAlive: true,
      maxSockets: this.maxSockets,
      maxFreeSockets: this.maxSockets,
      scheduling: 'lifo',
      headers,
      // net.connect honours it: a CONNECT still unanswered when the client closes is dropped.
      signal: this.proxyAbort.signal,
    };
    if (url.protocol === 'http:') {
      const key = `http|${proxy.href}`;
      let agent = this.proxyAgents.get(key);
      if (agent === undefined) {
        agent = new proxyAgentClasses!.HttpProxyAgent(bare, pool);
        this.proxyAgents.set(key, agent);
      }
      return { agent, proxy: bare, proxyLabel: redactProxyUrl(proxy) };
    }
    const material = this.tlsFor(url.host);
    const key = `https|${proxy.href}|${materialKey(material)}`;
    let agent = this.proxyAgents.get(key);
    if (agent === undefined) {
      agent = new proxyAgentClasses!.HttpsProxyAgent(bare, pool);
      this.proxyAgents.set(key, agent);
    }
    // The proxy agents read the server's TLS options from each request (agent options configure the
    // connection to the proxy itself). The host name is checked explicitly: an IP host gets no SNI,
    // and without this Node would check the certificate against the proxy's host.
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const tunnelTls: TunnelTls = {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: material.insecureSkipVerify !== true,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(hostname, cert),
    };
    if ((material.ca !== undefined && material.ca.length > 0) || material.cert !== undefined) {
      tunnelTls.secureContext = this.secureContextOf(key, material);
    }
    return { agent, proxy: bare, proxyLabel: redactProxyUrl(proxy), tunnelTls };
  }

  private secureContextOf(key: string, material: TlsMaterial): tls.SecureContext {
    let ctx = this.tunnelContexts.get(key);
    if (ctx === undefined) {
      ctx = secureContextFor(material);
      this.tunnelContexts.set(key, ctx);
    }
    return ctx;
  }

  private agentFor(url: URL): http.Agent {
    if (url.protocol === 'http:') {
      this.httpAgent ??= new http.Agent({ keepAlive: true, maxSockets: this.maxSockets, scheduling: 'lifo' });
      return this.httpAgent;
    }
    const material = this.tlsFor(url.host);
    const key = materialKey(material);
    let agent = this.httpsAgents.get(key);
    if (agent === undefined) {
      const options: https.AgentOptions = {
        keepAlive: true,
        maxSockets: this.maxSockets,
        maxFreeSockets: this.maxSockets,
        scheduling: 'lifo',
        minVersion: 'TLSv1.2',
        rejectUnauthorized: material.insecureSkipVerify !== true,
      };
      // Node's `ca` replaces the default store; docker adds to the system pool, so keep both. The
      // secure context is built once per agent: passing `ca` per connection would re-parse the whole
      // root store for every socket (and key every request on the concatenated PEMs).
      if ((material.ca !== undefined && material.ca.length > 0) || material.cert !== undefined) {
        options.secureContext = secureContextFor(material);
      }
      agent = new https.Agent(options);
      this.httpsAgents.set(key, agent);
    }
    return agent;
  }

  private attempt(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: Buffer | undefined,
    maxBytes: number,
    deadline: Deadline,
    followRedirects: boolean,
  ): Promise<Attempt> {
    return new Promise<Attempt>((resolve, reject) => {
      const where = describeUrl(url);
      let settled = false;
      let req: http.ClientRequest | undefined;
      let res: http.IncomingMessage | undefined;
      let gotResponse = false;

      /** The timeline of this attempt, kept only when a trace hook is set. */
      const traced: HttpTraceEvent | undefined = this.trace
        ? { method, host: url.host, path: url.pathname, start: performance.now(), end: 0, reused: false, bytes: 0 }
        : undefined;
      const finish = (fn: () => void, err?: unknown): void => {
        if (settled) return;
        settled = true;
        deadline.offExpire(onExpire);
        if (traced) {
          traced.end = performance.now();
          if (err !== undefined) traced.error = (err as { code?: string }).code ?? 'ERROR';
          this.trace!(traced);
        }
        fn();
      };
      const fail = (err: unknown): void => {
        finish(() => {
          res?.destroy();
          req?.destroy();
          reject(err);
        }, err);
      };
      let route: Route | undefined;
      /** Through a proxy: whether the tunnel (or the proxy connection, for http) is established. */
      let tunnelOpen = false;
      const viaProxy = (): string => route?.proxyLabel ?? '';
      const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
      const onExpire = (): void => {
        const waiting = route?.proxy && !tunnelOpen && req?.reusedSocket !== true ? ` (waiting for proxy ${viaProxy()})` : '';
        fail(
          new TrustDeskError(
            'NETWORK_TIMEOUT',
            `request to ${where} timed out after ${deadline.timeoutMs} ms${gotResponse ? ' while reading the response body' : waiting}`,
          ),
        );
      };
      if (deadline.expired) {
        onExpire();
        return;
      }
      deadline.onExpire(onExpire);

      try {
        route = this.routeFor(url);
      } catch (err) {
        fail(err);
        return;
      }
      const outgoing: Record<string, string> = { ...headers };
      if (body !== undefined) outgoing['content-length'] = String(body.length);
      const options: TunnelTls = { method, agent: route.agent, headers: outgoing, ...route.tunnelTls };
      try {
        req = (url.protocol === 'https:' ? https : http).request(url, options);
      } catch (err) {
        fail(mapTransportError(err, url.href));
        return;
      }

      if (traced) {
        req.once('socket', (socket) => {
          traced.socket = performance.now();
          // req.reusedSocket misses a socket handed to a queued request: remember the ones seen.
          traced.reused = this.tracedSockets.has(socket);
          if (traced.reused) return;
          this.tracedSockets.add(socket);
          socket.once('connect', () => (traced.connect = performance.now()));
          socket.once('secureConnect', () => (traced.tls = performance.now()));
        });
      }

      if (route.proxy) {
        req.on('proxyConnect', (connect: { statusCode?: number; statusText?: string }) => {
          if (connect.statusCode === undefined || connect.statusCode === 200) {
            tunnelOpen = true;
            return;
          }
          const status = `${connect.statusCode}${cleanStatusText(connect.statusText) ? ` ${cleanStatusText(connect.statusText)}` : ''}`;
          const hint =
            connect.statusCode === 407 || connect.statusCode === 401 ? '; the proxy wants credentials (user:password@ in the proxy URL)' : '';
          fail(new TrustDeskError('NETWORK_UNREACHABLE', `proxy ${viaProxy()} refused CONNECT to ${target} (${status})${hint}`));
        });
      }

      req.on('error', (err) => {
        if (route?.proxy && !tunnelOpen && req?.reusedSocket !== true && !(err instanceof TrustDeskError)) {
          const mapped = mapTransportError(err, url.href);
          const code = (err as ErrnoLike).code;
          const why =
            typeof code === 'string' && NETWORK_CODES[code] ? `${NETWORK_CODES[code]} (${code})` : mapped.message.replace(/^cannot reach \S+: /, '');
          fail(
            new TrustDeskError(
              mapped.code === 'NETWORK_TIMEOUT' ? 'NETWORK_TIMEOUT' : 'NETWORK_UNREACHABLE',
              `cannot reach proxy ${viaProxy()} (for ${target}): ${why}`,
              {
                cause: err,
              },
            ),
          );
          return;
        }
        if (!gotResponse && req?.reusedSocket === true && (method === 'GET' || method === 'HEAD')) {
          const code = (err as ErrnoLike).code;
          if (code === 'ECONNRESET' || code === 'EPIPE') {
            fail(new RetryableReuseError(err));
            return;
          }
        }
        fail(mapTransportError(err, url.href));
      });

      req.on('response', (incoming) => {
        res = incoming;
        gotResponse = true;
        const status = incoming.statusCode ?? 0;
        if (traced) {
          traced.firstByte = performance.now();
          traced.status = status;
        }
        const responseHeaders = incoming.headers as Record<string, string | string[] | undefined>;
        const location = headerValue(responseHeaders, 'location');
        const isRedirect = followRedirects && REDIRECT_STATUSES.has(status) && location !== undefined;
        const bodyless = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
        const limit = isRedirect ? REDIRECT_BODY_DRAIN_MAX : maxBytes;

        /** Past the limit: follow a redirect without reading its body, or refuse the response. */
        const overLimit = (why: string): void => {
          if (isRedirect) {
            finish(() => {
              incoming.destroy();
              resolve({ response: { status, headers: responseHeaders, body: Buffer.alloc(0), url: url.href }, location });
            });
            return;
          }
          fail(new TrustDeskError('RESPONSE_TOO_LARGE', `response ${why} from ${where} exceeds the limit of ${maxBytes} bytes`));
        };

        const announced = headerValue(responseHeaders, 'content-length');
        if (!bodyless && announced !== undefined && /^\d+$/.test(announced) && Number(announced) > limit) {
          overLimit(`(Content-Length ${announced} bytes)`);
          return;
        }

        const chunks: Buffer[] = [];
        let received = 0;
        incoming.on('data', (chunk: Buffer) => {
          if (settled) return;
          received += chunk.length;
          if (received > limit) {
            overLimit('body');
            return;
          }
          chunks.push(chunk);
        });
        incoming.on('end', () => {
          if (traced) traced.bytes = received;
          finish(() => {
            const response: HttpResponse = {
              status,
              headers: responseHeaders,
              body: isRedirect ? Buffer.alloc(0) : Buffer.concat(chunks, received),
              url: url.href,
            };
            resolve(isRedirect ? { response, location } : { response });
          });
        });
        incoming.on('error', (err) => fail(mapTransportError(err, url.href)));
        incoming.on('close', () => {
          if (!incoming.complete) {
            fail(
              new TrustDeskError(
                'NETWORK_UNREACHABLE',
                `connection to ${where} closed before the response body was complete (${received} bytes received)`,
              ),
            );
          }
        });
      });

      req.end(body);
    });
  }
}

/** One timer per logical request, shared by its redirects and retries. */
class Deadline {
  private readonly listeners = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(readonly timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      for (const l of [...this.listeners]) l();
      this.listeners.clear();
    }, timeoutMs);
  }

  onExpire(l: () => void): void {
    this.listeners.add(l);
  }

  offExpire(l: () => void): void {
    this.listeners.delete(l);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
