import { createHash } from 'node:crypto';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticatedClient } from './auth.js';
import { HttpClient } from './http-client.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES, RegistryClient, parseLinkNext } from './registry-client.js';
import { json, makeTestPki, startHttpsServer, type TestPki, type TestServer } from '../../../tests/support/remote.js';
import { rejection } from '../../../tests/support/error-code.js';

let pki: TestPki;
let httpClient: HttpClient;
const servers: TestServer[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(async () => {
  await pki.cleanup();
});
afterEach(async () => {
  httpClient?.close();
  for (const s of servers.splice(0)) await s.close();
});

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function manifestBytes(mediaType: string, seed: string): Buffer {
  // Compact JSON with a deliberately odd key order: the digest must cover these bytes, not a re-serialisation.
  return Buffer.from(`{"schemaVersion":2,"mediaType":"${mediaType}","config":{"size":2,"digest":"${sha(seed)}","mediaType":"x"},"layers":[]}`);
}

interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
}

/** A registry that behaves like distribution 2.8.2 on the points that matter (see registry-api.md §3). */
async function fakeRegistry(
  opts: {
    tags?: Record<string, string[]>;
    manifests?: Record<string, StoredManifest>;
    pageSize?: number;
    linkStyle?: 'relative' | 'absolute' | 'foreign' | 'loop';
    headDigest?: boolean;
    wrongDigest?: boolean;
    delayMs?: number;
    tagsNull?: boolean;
  } = {},
): Promise<TestServer & { inFlightMax: () => number }> {
  let inFlight = 0;
  let inFlightMax = 0;
  let serverUrl = '';
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    res.on('finish', () => inFlight--);
    res.on('close', () => {
      if (!res.writableFinished) inFlight--;
    });
    const reply = (): void => {
      const url = new URL(req.url ?? '/', 'https://x');
      let m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
      if (m) {
        const repo = m[1] ?? '';
        const all = opts.tags?.[repo];
        if (all === undefined) {
          return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: repo } }] });
        }
        if (opts.tagsNull) return json(res, 200, { name: repo, tags: null });
        if (opts.pageSize === undefined) return json(res, 200, { name: repo, tags: all });
        const n = Number(url.searchParams.get('n') ?? opts.pageSize);
        const last = url.searchParams.get('last');
        const start = last === null ? 0 : all.indexOf(last) + 1;
        const page = all.slice(start, start + n);
        const headers: Record<string, string> = {};
        if (start + n < all.length) {
          const next = `/v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1] ?? '')}`;
          const style = opts.linkStyle ?? 'relative';
          const target =
            style === 'absolute'
              ? `${serverUrl}${next}`
              : style === 'foreign'
                ? `https://elsewhere.example.test${next}`
                : style === 'loop'
                  ? `/v2/${repo}/tags/list`
                  : next;
          headers.link = `<${target}>; rel="next"`;
        }
        return json(res, 200, { name: repo, tags: page }, headers);
      }
      m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
      if (m) {
        const repo = m[1] ?? '';
        const ref = decodeURIComponent(m[2] ?? '');
        const accept = req.headers.accept ?? '';
        if (opts.tags?.[repo] === undefined) {
          return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
        }
        const stored = ref.startsWith('sha256:')
          ? Object.values(opts.manifests ?? {}).find((x) => sha(x.bytes) === ref)
          : opts.manifests?.[`${repo}:${ref}`];
        if (stored === undefined) {
          return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: ref } }] });
        }
        if (!ref.startsWith('sha256:')) {
          if (stored.mediaType === MEDIA_TYPES.dockerManifest && !accept.includes(MEDIA_TYPES.dockerManifest)) {
            return json(res, 400, { errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] });
          }
          if (!accept.includes(stored.mediaType)) {
            return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'accept header does not support this manifest' }] });
          }
        }
        const headers: Record<string, string> = { 'content-type': stored.mediaType, 'content-length': String(stored.bytes.length) };
        if (opts.headDigest !== false || req.method === 'GET') {
          headers['docker-content-digest'] = opts.wrongDigest ? sha('something else') : sha(stored.bytes);
        }
        res.writeHead(200, headers);
        res.end(req.method === 'HEAD' ? undefined : stored.bytes);
        return;
      }
      json(res, 404, {});
    };
    if (opts.delayMs) setTimeout(reply, opts.delayMs);
    else reply();
  };
  const s = await startHttpsServer(pki.server, handler);
  serverUrl = s.url;
  servers.push(s);
  return Object.assign(s, { inFlightMax: () => inFlightMax });
}

function registryClient(s: TestServer, extra: { maxManifestBytes?: number } = {}): RegistryClient {
  httpClient = new HttpClient({ tlsFor: () => ({ ca: [pki.ca] }) });
  return new RegistryClient({ baseUrl: s.url, client: new AuthenticatedClient({ http: httpClient }), registry: s.hostPort, ...extra });
}

describe('parseLinkNext', () => {
  it('finds rel="next" targets, quoted or not, among several links', () => {
    expect(parseLinkNext('</v2/a/tags/list?n=2&last=b>; rel="next"')).toEqual(['/v2/a/tags/list?n=2&last=b']);
    expect(parseLinkNext('<https://h/v2/a/tags/list?last=x>;rel=next')).toEqual(['https://h/v2/a/tags/list?last=x']);
    expect(parseLinkNext('</first>; rel="first", </n>; title="a, b"; rel="prev next"')).toEqual(['/n']);
    expect(parseLinkNext(['</p>; rel="prev"', '</q>; rel="next"'])).toEqual(['/q']);
    expect(parseLinkNext(undefined)).toEqual([]);
    expect(parseLinkNext('garbage')).toEqual([]);
  });
});

describe('RegistryClient.listTags', () => {
  const many = ['v10', 'latest', 'v2', 'a', 'v1', 'b-1', 'v3'];

  it('returns every tag sorted for a registry without pagination (distribution 2.8 style)', async () => {
    const s = await fakeRegistry({ tags: { 'lab/app': ['latest', 'v1', 'v2', 'a', 'v10'] } });
    expect(await registryClient(s).listTags('lab/app')).toEqual(['a', 'latest', 'v1', 'v10', 'v2']);
  });

  it('follows relative Link headers across pages', async () => {
    const s = await fakeRegistry({ tags: { 'lab/app': many }, pageSize: 2 });
    expect(await registryClient(s).listTags('lab/app')).toEqual([...many].sort());
    expect(s.requests.map((r) => r.url)).toEqual([
      '/v2/lab/app/tags/list',
      '/v2/lab/app/tags/list?n=2&last=latest',
      '/v2/lab/app/tags/list?n=2&last=a',
      '/v2/lab/app/tags/list?n=2&last=b-1',
    ]);
  });

  it('follows absolute same-origin Link headers and sends ?n= when asked', async () => {
    const s = await fakeRegistry({ tags: { 'lab/app': many }, pageSize: 100, linkStyle: 'absolute' });
    expect(await registryClient(s).listTags('lab/app', { pageSize: 3 })).toEqual([...many].sort());
    expect(s.requests[0]?.url).toBe('/v2/lab/app/tags/list?n=3');
    expect(s.requests).toHaveLength(3);
  });

  it('refuses next links to another server and links that loop', async () => {
    const foreign = await fakeRegistry({ tags: { 'lab/app': many }, pageSize: 2, linkStyle: 'foreign' });
    const err = await rejection(registryClient(foreign).listTags('lab/app'));
    expect(err.code).toBe('REGISTRY_ERROR');
    expect(err.message).toContain('another server');
    const loop = await fakeRegistry({ tags: { 'lab/app': many }, pageSize: 2, linkStyle: 'loop' });
    expect((await rejection(registryClient(loop).listTags('lab/app'))).message).toContain('loops back');
  });

  it('caps pages and tags with a clear error', async () => {
    const s = await fakeRegistry({ tags: { 'lab/app': many }, pageSize: 2 });
    const pages = await rejection(registryClient(s).listTags('lab/app', { maxPages: 2 }));
    expect(pages.code).toBe('RESPONSE_TOO_LARGE');
    expect(pages.message).toMatch(/more than 2 pages/);
    const tags = await rejection(registryClient(s).listTags('lab/app', { max: 5 }));
    expect(tags.code).toBe('RESPONSE_TOO_LARGE');
    expect(tags.message).toMatch(/more than 5 tags/);
    expect(await registryClient(s).listTags('lab/app', { max: 7 })).toHaveLength(7);
  });

  it('maps NAME_UNKNOWN to REGISTRY_NAME_UNKNOWN, and tags: null to []', async () => {
    const s = await fakeRegistry({ tags: { 'lab/app': [] } });
    const err = await rejection(registryClient(s).listTags('lab/none'));
    expect(err.code).toBe('REGISTRY_NAME_UNKNOWN');
    expect(err.message).toContain('lab/none');
    expect(err.message).toContain('NAME_UNKNOWN');
    const empty = await fakeRegistry({ tags: { 'lab/app': [] }, tagsNull: true });
    expect(await registryClient(empty).listTags('lab/app')).toEqual([]);
  });

  it('rejects invalid repository names before sending anything', async () => {
    const s = await fakeRegistry();
    expect((await rejection(registryClient(s).listTags('Lab/App'))).code).toBe('INVALID_REFERENCE');
    expect((await rejection(registryClient(s).listTags('../x'))).code).toBe('INVALID_REFERENCE');
    expect(s.requests).toHaveLength(0);
  });
});

describe('RegistryClient manifests', () => {
  const v1 = { bytes: manifestBytes(MEDIA_TYPES.dockerManifest, 'v1'), mediaType: MEDIA_TYPES.dockerManifest };
  const oci = { bytes: manifestBytes(MEDIA_TYPES.ociManifest, 'oci'), mediaType: MEDIA_TYPES.ociManifest };
  const list = { bytes: manifestBytes(MEDIA_TYPES.dockerManifestList, 'list'), mediaType: MEDIA_TYPES.dockerManifestList };
  const index = { bytes: manifestBytes(MEDIA_TYPES.ociIndex, 'index'), mediaType: MEDIA_TYPES.ociIndex };
  const manifests = { 'lab/app:v1': v1, 'lab/app:oci': oci, 'lab/app:list': list, 'lab/app:index': index };
  const tags = { 'lab/app': ['v1', 'oci', 'list', 'index'] };

  it('sends all four media types in Accept and uses HEAD when it carries digest and length', async () => {
    const s = await fakeRegistry({ tags, manifests });
    const c = registryClient(s);
    for (const [tag, m] of [
      ['v1', v1],
      ['oci', oci],
      ['list', list],
      ['index', index],
    ] as const) {
      expect(await c.manifestDigest('lab/app', tag)).toEqual({ digest: sha(m.bytes), size: m.bytes.length, mediaType: m.mediaType });
    }
    expect(s.requests.map((r) => r.method)).toEqual(['HEAD', 'HEAD', 'HEAD', 'HEAD']);
    const accept = s.requests[0]?.headers.accept ?? '';
    expect(accept).toBe(MANIFEST_ACCEPT);
    for (const t of Object.values(MEDIA_TYPES)) expect(accept).toContain(t);
  });

  it('falls back to GET and hashes the exact bytes when HEAD has no Docker-Content-Digest', async () => {
    const s = await fakeRegistry({ tags, manifests, headDigest: false });
    expect(await registryClient(s).manifestDigest('lab/app', 'v1')).toEqual({
      digest: sha(v1.bytes),
      size: v1.bytes.length,
      mediaType: MEDIA_TYPES.dockerManifest,
    });
    expect(s.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(s.requests[1]?.headers.accept).toBe(MANIFEST_ACCEPT);
  });

  it('getManifest returns bytes, media type and digest, and checks a requested digest', async () => {
    const s = await fakeRegistry({ tags, manifests });
    const c = registryClient(s);
    const m = await c.getManifest('lab/app', 'index');
    expect(m.bytes.equals(index.bytes)).toBe(true);
    expect(m).toMatchObject({ digest: sha(index.bytes), size: index.bytes.length, mediaType: MEDIA_TYPES.ociIndex });
    const byDigest = await c.getManifest('lab/app', sha(index.bytes));
    expect(byDigest.digest).toBe(sha(index.bytes));
    expect((await c.manifestDigest('lab/app', sha(v1.bytes))).digest).toBe(sha(v1.bytes));
  });

  it('rejects a body that does not match Docker-Content-Digest', async () => {
    const s = await fakeRegistry({ tags, manifests, wrongDigest: true });
    const err = await rejection(registryClient(s).getManifest('lab/app', 'v1'));
    expect(err.code).toBe('HASH_MISMATCH');
    expect(err.message).toContain('Docker-Content-Digest');
    // HEAD's header alone is not checked against anything, but a GET-based digest is.
    const viaHead = await registryClient(s).manifestDigest('lab/app', 'v1');
    expect(viaHead.digest).toBe(sha('something else'));
  });

  it('maps unknown tags to MANIFEST_UNKNOWN and unknown repositories to REGISTRY_NAME_UNKNOWN', async () => {
    const s = await fakeRegistry({ tags, manifests });
    const c = registryClient(s);
    const tag = await rejection(c.manifestDigest('lab/app', 'nope'));
    expect(tag.code).toBe('MANIFEST_UNKNOWN');
    expect(tag.message).toContain('lab/app:nope');
    const repo = await rejection(c.manifestDigest('lab/none', 'v1'));
    expect(repo.code).toBe('REGISTRY_NAME_UNKNOWN');
  });

  it('caps the manifest size', async () => {
    const s = await fakeRegistry({ tags, manifests, headDigest: false });
    const err = await rejection(registryClient(s, { maxManifestBytes: 50 }).manifestDigest('lab/app', 'v1'));
    expect(err.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('rejects bad tags and digests before sending anything', async () => {
    const s = await fakeRegistry({ tags, manifests });
    const c = registryClient(s);
    expect((await rejection(c.manifestDigest('lab/app', '../v1'))).code).toBe('INVALID_REFERENCE');
    expect((await rejection(c.getManifest('lab/app', 'sha256:abc'))).code).toBe('INVALID_REFERENCE');
    expect(s.requests).toHaveLength(0);
  });

  it('manifestDigests runs a bounded pool and records failures per tag', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const many: Record<string, StoredManifest> = {};
    for (const n of names) many[`lab/app:${n}`] = { bytes: manifestBytes(MEDIA_TYPES.ociManifest, n), mediaType: MEDIA_TYPES.ociManifest };
    const s = await fakeRegistry({ tags: { 'lab/app': names }, manifests: many, delayMs: 20 });
    const c = registryClient(s);
    const result = await c.manifestDigests('lab/app', [...names, 'missing', 't0'], { concurrency: 4 });
    expect([...result.keys()]).toEqual([...names, 'missing']);
    for (const n of names) {
      const r = result.get(n);
      expect(r?.ok).toBe(true);
      if (r?.ok) expect(r.digest).toBe(sha(many[`lab/app:${n}`]?.bytes ?? ''));
    }
    const missing = result.get('missing');
    expect(missing?.ok).toBe(false);
    if (missing !== undefined && !missing.ok) expect(missing.error.code).toBe('MANIFEST_UNKNOWN');
    expect(s.inFlightMax()).toBeLessThanOrEqual(4);
    expect(s.inFlightMax()).toBeGreaterThan(1);

    const defaults = await registryClient(s).manifestDigests('lab/app', names);
    expect(defaults.size).toBe(20);
    expect(s.inFlightMax()).toBeLessThanOrEqual(8);
    expect((await c.manifestDigests('lab/app', [])).size).toBe(0);
  });
});

describe('RegistryClient with token auth', () => {
  it('asks for repository:<repo>:pull and reuses the token', async () => {
    const scopes: string[] = [];
    const tokens = await startHttpsServer(pki.server, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x');
      scopes.push(url.searchParams.getAll('scope').join(' '));
      json(res, 200, { token: 'T' });
    });
    servers.push(tokens);
    const s = await startHttpsServer(pki.server, (req, res) => {
      if (req.headers.authorization !== 'Bearer T') {
        return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="reg"` });
      }
      json(res, 200, { name: 'lab/app', tags: ['b', 'a'] });
    });
    servers.push(s);
    const c = registryClient(s);
    expect(await c.listTags('lab/app')).toEqual(['a', 'b']);
    expect(await c.listTags('lab/app')).toEqual(['a', 'b']);
    expect(scopes).toEqual(['repository:lab/app:pull']);
  });

  it('forRegistry points Docker Hub at its API host', () => {
    httpClient = new HttpClient();
    expect(RegistryClient.forRegistry('docker.io', { http: httpClient }).baseUrl).toBe('https://registry-1.docker.io');
    expect(RegistryClient.forRegistry('127.0.0.1:5000', { http: httpClient }).baseUrl).toBe('https://127.0.0.1:5000');
  });
});
