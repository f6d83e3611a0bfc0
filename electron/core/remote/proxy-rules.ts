/**
 * Which proxy a request goes through, with docker's rules: Go's `net/http.ProxyFromEnvironment`
 * (golang.org/x/net/http/httpproxy), which docker uses for the trust server, the registry and token auth.
 *
 * - Variables: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http URLs, `NO_PROXY` for exceptions.
 *   Each is read upper-case first, then lower-case: the first one that is set and non-empty wins
 *   (Go's `getEnvAny("HTTPS_PROXY", "https_proxy")`), so `HTTPS_PROXY` beats `https_proxy`.
 * - A proxy value without a scheme or host (`proxy.corp:3128`) is read as `http://proxy.corp:3128`.
 *   `http://` and `https://` proxies are supported; any other scheme (e.g. `socks5://`, which Go also
 *   accepts) is refused with INVALID_ARGUMENT rather than silently bypassed.
 * - Never proxied: the host `localhost` and any loopback IP (127.0.0.0/8, ::1), whatever NO_PROXY says.
 * - `NO_PROXY` is a comma-separated list, case-insensitive, spaces trimmed:
 *   `*` disables the proxy for every host; `10.0.0.0/8` or `fd00::/8` (CIDR) and `10.1.2.3` or
 *   `10.1.2.3:5000` or `[fd00::1]:5000` (IP, optionally with a port) match IP hosts only;
 *   `example.com` matches example.com and every subdomain; `.example.com` and `*.example.com` match
 *   subdomains only; a domain with `:port` matches only that port. Domain entries never match an IP
 *   host (a URL with an IP is matched by IP and CIDR entries only). The port compared is the URL's,
 *   or 443/80 by scheme when the URL has none. Malformed entries are ignored.
 * - `REQUEST_METHOD` set (a CGI environment): `HTTP_PROXY` is not used for http URLs (Go refuses it
 *   there, "httpoxy"); here such requests go direct.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { TrustDeskError } from '../base/errors.js';

/** Proxy settings: the three variables' values (empty or absent: none). */
export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
  /** A CGI environment (`REQUEST_METHOD` set): HTTP_PROXY is ignored, as Go does. */
  cgi?: boolean;
}

function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** The proxy settings of an environment, as Go's `httpproxy.FromEnvironment` reads them. */
export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const s: ProxySettings = {};
  const https = envAny(env, 'HTTPS_PROXY', 'https_proxy');
  const http = envAny(env, 'HTTP_PROXY', 'http_proxy');
  const no = envAny(env, 'NO_PROXY', 'no_proxy');
  if (https !== undefined) s.httpsProxy = https;
  if (http !== undefined) s.httpProxy = http;
  if (no !== undefined) s.noProxy = no;
  if (envAny(env, 'REQUEST_METHOD') !== undefined) s.cgi = true;
  return s;
}

/**
 * Settings given explicitly (the app's Settings) over the environment's: a field that is absent keeps
 * the environment's value, an empty string means "none".
 */
export function mergeProxySettings(
  base: ProxySettings,
  over: Partial<Record<'httpsProxy' | 'httpProxy' | 'noProxy', string>> | undefined,
): ProxySettings {
  if (!over) return base;
  const s: ProxySettings = { ...base };
  for (const k of ['httpsProxy', 'httpProxy', 'noProxy'] as const) {
    const v = over[k];
    if (v === undefined) continue;
    if (v.trim() === '') delete s[k];
    else s[k] = v.trim();
  }
  return s;
}

/** A proxy URL for messages and logs: scheme, host and port only; credentials shown as `***`. */
export function redactProxyUrl(proxy: URL | string): string {
  try {
    const u = typeof proxy === 'string' ? new URL(proxy) : proxy;
    const creds = u.username !== '' || u.password !== '' ? '***@' : '';
    return `${u.protocol}//${creds}${u.host}`;
  } catch {
    return '(invalid proxy URL)';
  }
}

/**
 * Parses a proxy value as Go does: a full URL, or `host[:port]` read as `http://host[:port]`.
 * Throws INVALID_ARGUMENT (without echoing the value, which may hold a password) when unusable.
 */
export function parseProxyUrl(value: string, variable: string): URL {
  const raw = value.trim();
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  // `proxy:3128` parses as scheme "proxy:" with no host; a bare IP:port does not parse at all.
  if (u === undefined || u.host === '' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      u = new URL(`http://${raw}`);
    } catch {
      throw new TrustDeskError('INVALID_ARGUMENT', `${variable} is not a valid proxy URL`);
    }
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TrustDeskError(
      'INVALID_ARGUMENT',
      `${variable} uses the ${u.protocol.slice(0, -1)} scheme; TrustDesk supports http:// and https:// proxies only`,
    );
  }
  if (u.hostname === '') throw new TrustDeskError('INVALID_ARGUMENT', `${variable} has no proxy host`);
  return u;
}

type Matcher = (host: string, port: string, ip: Uint8Array | undefined) => boolean;

/** IPv4 or IPv6 text → 16 bytes (IPv4 as ::ffff:a.b.c.d, as Go stores it); undefined if not an IP. */
export function ipBytes(text: string): Uint8Array | undefined {
  const v = isIP(text);
  if (v === 4) {
    const b = new Uint8Array(16);
    b[10] = 0xff;
    b[11] = 0xff;
    text.split('.').forEach((p, i) => (b[12 + i] = Number(p)));
    return b;
  }
  if (v !== 6) return undefined;
  let t = text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  // An embedded IPv4 tail becomes two hex groups.
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (m) {
    const q = m[2]!.split('.').map(Number);
    t = `${m[1]}${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  if (groups.length !== 8) return undefined;
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    b[2 * i] = n >> 8;
    b[2 * i + 1] = n & 0xff;
  });
  return b;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Go's `IP.IsLoopback`: 127.0.0.0/8 (also as ::ffff:127.x.y.z) or ::1. */
export function isLoopbackIp(b: Uint8Array): boolean {
  if (isV4Mapped(b)) return b[12] === 127;
  for (let i = 0; i < 15; i++) if (b[i] !== 0) return false;
  return b[15] === 1;
}

function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `a.b.c.d/n` or `x::/n` → a matcher on IP hosts; undefined when not a CIDR. */
function cidrMatcher(entry: string): Matcher | undefined {
  const slash = entry.indexOf('/');
  if (slash < 0) return undefined;
  const addr = entry.slice(0, slash);
  const bitsText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const family = isIP(addr);
  const net = ipBytes(addr);
  if (!family || !net) return undefined;
  const prefix = Number(bitsText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  const bits = prefix + (family === 4 ? 96 : 0);
  // Go's IPNet.Contains: an IPv4 network contains IPv4 hosts only, an IPv6 one IPv6 hosts only.
  return (_h, _p, ip) => {
    if (!ip) return false;
    if ((family === 4) !== isV4Mapped(ip)) return false;
    for (let i = 0; i < bits; i++) {
      const byte = i >> 3;
      const mask = 0x80 >> (i & 7);
      if ((ip[byte]! & mask) !== (net[byte]! & mask)) return false;
    }
    return true;
  };
}

/** Go's `net.SplitHostPort` for NO_PROXY entries: `host:port` or `[v6]:port`; undefined otherwise. */
function splitHostPort(s: string): { host: string; port: string } | undefined {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return undefined;
    return { host: s.slice(1, end), port: s.slice(end + 2) };
  }
  const i = s.lastIndexOf(':');
  if (i < 0 || s.indexOf(':') !== i) return undefined;
  return { host: s.slice(0, i), port: s.slice(i + 1) };
}

function toAscii(host: string): string {
  // eslint-disable-next-line no-control-regex -- the whole ASCII range: such a host needs no punycode
  if (/^[\x00-\x7f]*$/.test(host)) return host;
  const a = domainToASCII(host);
  return a === '' ? host : a;
}

/** The proxy decision for URLs, from one set of settings (parsed once). */
export class ProxyRules {
  private readonly httpsProxy: URL | undefined;
  private readonly httpProxy: URL | undefined;
  private readonly ipMatchers: Matcher[] = [];
  private readonly domainMatchers: Matcher[] = [];

  constructor(readonly settings: ProxySettings = {}) {
    this.httpsProxy = settings.httpsProxy ? parseProxyUrl(settings.httpsProxy, 'HTTPS_PROXY') : undefined;
    this.httpProxy = settings.httpProxy && !settings.cgi ? parseProxyUrl(settings.httpProxy, 'HTTP_PROXY') : undefined;
    this.parseNoProxy(settings.noProxy ?? '');
  }

  /** Whether any proxy is configured at all. */
  get enabled(): boolean {
    return this.httpsProxy !== undefined || this.httpProxy !== undefined;
  }

  /** The proxy for a URL, or undefined to connect directly. */
  proxyFor(url: URL): URL | undefined {
    const proxy = url.protocol === 'https:' ? this.httpsProxy : url.protocol === 'http:' ? this.httpProxy : undefined;
    if (proxy === undefined) return undefined;
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
    return this.useProxy(url.hostname.replace(/^\[|\]$/g, ''), port) ? proxy : undefined;
  }

  /** Go's `useProxy(canonicalAddr(url))`: false for localhost, loopback IPs and NO_PROXY matches. */
  useProxy(hostname: string, port: string): boolean {
    const host = toAscii(hostname.toLowerCase().trim());
    if (host === 'localhost') return false;
    const ip = ipBytes(host);
    if (ip && isLoopbackIp(ip)) return false;
    if (ip) for (const m of this.ipMatchers) if (m(host, port, ip)) return false;
    for (const m of this.domainMatchers) if (m(host, port, ip)) return false;
    return true;
  }

  private parseNoProxy(list: string): void {
    for (const raw of list.split(',')) {
      const p = raw.toLowerCase().trim();
      if (p === '') continue;
      if (p === '*') {
        this.ipMatchers.splice(0, Infinity, () => true);
        this.domainMatchers.splice(0, Infinity, () => true);
        return;
      }
      const cidr = cidrMatcher(p);
      if (cidr) {
        this.ipMatchers.push(cidr);
        continue;
      }
      let phost = p;
      let pport = '';
      const hp = splitHostPort(p);
      if (hp) {
        if (hp.host === '') continue;
        phost = hp.host;
        pport = hp.port;
      }
      const pip = ipBytes(phost);
      if (pip) {
        this.ipMatchers.push((_h, port, ip) => ip !== undefined && sameIp(pip, ip) && (pport === '' || pport === port));
        continue;
      }
      if (phost === '') continue;
      if (phost.startsWith('*.')) phost = phost.slice(1);
      const matchHost = !phost.startsWith('.');
      if (matchHost) phost = `.${phost}`;
      const suffix = toAscii(phost);
      this.domainMatchers.push((host, port, ip) => {
        if (ip) return false;
        if (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) return pport === '' || pport === port;
        return false;
      });
    }
  }
}
