import { describe, expect, it } from 'vitest';
import { isTrustDeskError } from '../base/errors.js';
import { ProxyRules, ipBytes, isLoopbackIp, mergeProxySettings, parseProxyUrl, proxySettingsFromEnv, redactProxyUrl } from './proxy-rules.js';

const P = 'http://proxy.corp:3128';

function via(noProxy: string, url: string, settings = { httpsProxy: P, httpProxy: P }): string | undefined {
  return new ProxyRules({ ...settings, noProxy }).proxyFor(new URL(url))?.href;
}
const proxied = (noProxy: string, url: string): boolean => via(noProxy, url) !== undefined;

describe('proxy settings from the environment (Go: getEnvAny upper-case, then lower-case)', () => {
  it('reads HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms; upper-case wins when set', () => {
    expect(proxySettingsFromEnv({ https_proxy: 'a', http_proxy: 'b', no_proxy: 'c' })).toEqual({ httpsProxy: 'a', httpProxy: 'b', noProxy: 'c' });
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'A', https_proxy: 'a', HTTP_PROXY: 'B', http_proxy: 'b', NO_PROXY: 'C', no_proxy: 'c' })).toEqual({
      httpsProxy: 'A',
      httpProxy: 'B',
      noProxy: 'C',
    });
  });
  it('an empty upper-case variable falls through to the lower-case one; none set: no proxy', () => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: '', https_proxy: 'a' })).toEqual({ httpsProxy: 'a' });
    expect(proxySettingsFromEnv({})).toEqual({});
    expect(new ProxyRules(proxySettingsFromEnv({})).proxyFor(new URL('https://notary.example'))).toBeUndefined();
  });
  it('REQUEST_METHOD (CGI): HTTP_PROXY is not used for http URLs, HTTPS_PROXY still is', () => {
    const s = proxySettingsFromEnv({ HTTP_PROXY: P, HTTPS_PROXY: P, REQUEST_METHOD: 'GET' });
    const r = new ProxyRules(s);
    expect(r.proxyFor(new URL('http://reg.example'))).toBeUndefined();
    expect(r.proxyFor(new URL('https://reg.example'))?.href).toBe(`${P}/`);
  });
  it("the app's Settings override field by field; an empty field means none", () => {
    const env = { httpsProxy: 'http://env:1', httpProxy: 'http://env:2', noProxy: 'a.example' };
    expect(mergeProxySettings(env, undefined)).toEqual(env);
    expect(mergeProxySettings(env, { httpsProxy: 'http://set:3' })).toEqual({ ...env, httpsProxy: 'http://set:3' });
    expect(mergeProxySettings(env, { httpsProxy: '', noProxy: ' b.example ' })).toEqual({ httpProxy: 'http://env:2', noProxy: 'b.example' });
  });
});

describe('which proxy a URL uses', () => {
  it('HTTPS_PROXY for https URLs, HTTP_PROXY for http URLs', () => {
    const r = new ProxyRules({ httpsProxy: 'http://s:1', httpProxy: 'http://p:2' });
    expect(r.proxyFor(new URL('https://notary.example:4443/v2/'))?.href).toBe('http://s:1/');
    expect(r.proxyFor(new URL('http://notary.example/'))?.href).toBe('http://p:2/');
    expect(new ProxyRules({ httpProxy: 'http://p:2' }).proxyFor(new URL('https://notary.example'))).toBeUndefined();
  });
  it('a value without a scheme is http:// (Go parseProxy); https:// proxies are kept; others refused', () => {
    expect(parseProxyUrl('proxy.corp:3128', 'HTTPS_PROXY').href).toBe('http://proxy.corp:3128/');
    expect(parseProxyUrl('10.0.0.1:3128', 'HTTPS_PROXY').href).toBe('http://10.0.0.1:3128/');
    expect(parseProxyUrl('https://proxy.corp', 'HTTPS_PROXY').href).toBe('https://proxy.corp/');
    expect(parseProxyUrl(' http://u:p@proxy.corp:8080 ', 'HTTPS_PROXY').password).toBe('p');
    let err: unknown;
    try {
      new ProxyRules({ httpsProxy: 'socks5://user:secret@proxy.corp:1080' });
    } catch (e) {
      err = e;
    }
    expect(isTrustDeskError(err) && err.code).toBe('INVALID_ARGUMENT');
    expect(String((err as Error).message)).not.toMatch(/secret/);
    expect(String((err as Error).message)).toMatch(/socks5/);
  });
  it('never proxies localhost or a loopback IP, whatever NO_PROXY says', () => {
    for (const u of [
      'https://localhost:4443',
      'https://LOCALHOST',
      'https://127.0.0.1:5000',
      'https://127.8.9.10',
      'https://[::1]:4443',
      'http://[::ffff:127.0.0.1]:80',
    ]) {
      expect(proxied('', u), u).toBe(false);
    }
    // Only the exact name: localhost.example or a non-loopback IP still go through the proxy.
    expect(proxied('', 'https://localhost.example')).toBe(true);
    expect(proxied('', 'https://128.0.0.1')).toBe(true);
    expect(proxied('', 'https://[::2]')).toBe(true);
  });
});

describe('NO_PROXY (Go httpproxy matching)', () => {
  it('* bypasses every host', () => {
    expect(proxied('*', 'https://notary.example')).toBe(false);
    expect(proxied('a.example, *', 'https://10.1.2.3')).toBe(false);
  });
  it('a domain matches itself and its subdomains, not a mere suffix', () => {
    expect(proxied('example.com', 'https://example.com')).toBe(false);
    expect(proxied('example.com', 'https://notary.example.com:4443')).toBe(false);
    expect(proxied('example.com', 'https://badexample.com')).toBe(true);
  });
  it('a leading dot or *. matches subdomains only', () => {
    for (const e of ['.example.com', '*.example.com']) {
      expect(proxied(e, 'https://example.com'), e).toBe(true);
      expect(proxied(e, 'https://a.b.example.com'), e).toBe(false);
    }
  });
  it('a port narrows a domain or IP entry; the URL port defaults to 443 / 80 by scheme', () => {
    expect(proxied('notary.example:4443', 'https://notary.example:4443')).toBe(false);
    expect(proxied('notary.example:4443', 'https://notary.example:5000')).toBe(true);
    expect(proxied('notary.example:443', 'https://notary.example')).toBe(false);
    expect(via('reg.example:80', 'http://reg.example')).toBeUndefined();
    expect(proxied('10.1.2.3:5000', 'https://10.1.2.3:5000')).toBe(false);
    expect(proxied('10.1.2.3:5000', 'https://10.1.2.3:5001')).toBe(true);
    expect(proxied('[fd00::1]:5000', 'https://[fd00::1]:5000')).toBe(false);
  });
  it('IPs and CIDRs match IP hosts; domain entries never match an IP host', () => {
    expect(proxied('10.1.2.3', 'https://10.1.2.3:4443')).toBe(false);
    expect(proxied('10.0.0.0/8', 'https://10.200.1.1')).toBe(false);
    expect(proxied('10.0.0.0/8', 'https://11.0.0.1')).toBe(true);
    expect(proxied('192.168.4.0/22', 'https://192.168.7.255')).toBe(false);
    expect(proxied('192.168.4.0/22', 'https://192.168.8.0')).toBe(true);
    expect(proxied('fd00::/8', 'https://[fd12::3]')).toBe(false);
    expect(proxied('fd00::/8', 'https://[fe80::1]')).toBe(true);
    expect(proxied('0.0.0.0/0', 'https://[fd12::3]')).toBe(true); // an IPv4 net holds no IPv6 host
    expect(proxied('3.2.1.10', 'https://3.2.1.10.example')).toBe(true);
    expect(proxied('1.10', 'https://3.2.1.10')).toBe(true);
  });
  it('is case-insensitive, trims spaces and skips empty or malformed entries', () => {
    expect(proxied(' , NOTARY.Example ,,', 'https://notary.example')).toBe(false);
    expect(proxied(':5000', 'https://notary.example:5000')).toBe(true);
    expect(proxied('notary.example', 'https://NOTARY.EXAMPLE')).toBe(false);
  });
  it('internationalised names are compared in their ASCII (punycode) form', () => {
    expect(proxied('bücher.example', 'https://www.xn--bcher-kva.example')).toBe(false);
  });
});

describe('helpers', () => {
  it('redacts credentials in proxy URLs', () => {
    expect(redactProxyUrl('http://alice:s3cret@proxy.corp:3128')).toBe('http://***@proxy.corp:3128');
    expect(redactProxyUrl('http://proxy.corp:3128/')).toBe('http://proxy.corp:3128');
    expect(redactProxyUrl('not a url')).toBe('(invalid proxy URL)');
  });
  it('parses IPs as Go does (IPv4 as v4-in-v6) and knows loopback', () => {
    expect(ipBytes('10.0.0.1')).toEqual(ipBytes('::ffff:10.0.0.1'));
    expect(ipBytes('fd00::1')?.[0]).toBe(0xfd);
    expect(ipBytes('fd00::1')?.[15]).toBe(1);
    expect(ipBytes('notary.example')).toBeUndefined();
    expect(isLoopbackIp(ipBytes('127.0.0.2')!)).toBe(true);
    expect(isLoopbackIp(ipBytes('::1')!)).toBe(true);
    expect(isLoopbackIp(ipBytes('::2')!)).toBe(false);
  });
});
