import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CHANNELS, CONTRACT } from '../../shared/ipc/contract.js';
import { API_CHANNELS, makeTrustdeskApi } from '../../shared/ipc/api.js';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { isAllowedExternalUrl } from './external-links.js';
import { repositoryOverview } from '../core/use-cases/repository/repository-overview.js';
import { updateRepository } from '../core/tuf/repository-updater.js';
import { sampleTrustDir, SAMPLE_CLOCK } from '../../tests/support/samples.js';
import { unpackOverview } from '../../shared/tag-table.js';
import type { RepositoryOverviewWire } from '../../shared/view-model.js';

function setup(opts: Partial<Parameters<typeof createHandlers>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-'));
  const settings = new SettingsStore(dir);
  const opened: string[] = [];
  const handlers = createHandlers({
    settings,
    version: '0.0.0-test',
    openExternal: async (u) => void opened.push(u),
    env: { DOCKER_CONFIG: join(dir, 'docker') },
    ...opts,
  });
  return { dir, settings, handlers, opened };
}

const MALFORMED: unknown[] = [
  undefined,
  null,
  42,
  'text',
  [],
  [1, 2],
  { bogus: true },
  { name: 7 },
  { name: 'x'.repeat(5000) },
  { url: 5 },
  { offline: 'yes', name: 1 },
];

describe('IPC contract', () => {
  it('the preload API lists exactly the contract channels', () => {
    expect([...API_CHANNELS].sort()).toEqual([...CHANNELS].sort());
  });

  it('the preload side imports no schemas (zod stays out of the sandboxed preload)', () => {
    const api = readFileSync(join(import.meta.dirname, '../../shared/ipc/api.ts'), 'utf8');
    const imports = api.split('\n').filter((l) => /^import\s/.test(l));
    expect(imports.filter((l) => !/^import type\s/.test(l))).toEqual([]);
  });

  it('every channel rejects malformed payloads with INVALID_ARGUMENT, as a value', async () => {
    const { handlers } = setup();
    for (const channel of CHANNELS) {
      for (const payload of MALFORMED) {
        const r = await handlers.invoke(channel, payload);
        expect(r.ok, `${channel} accepted ${JSON.stringify(payload)}`).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('INVALID_ARGUMENT');
      }
    }
  });

  it('settings payloads are bounded', async () => {
    const { handlers } = setup();
    for (const bad of [
      { dockerConfigDir: 'x'.repeat(5000) },
      { pkcs11Modules: Array.from({ length: 21 }, () => '/m.so') },
      { trustServers: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`r${i}`, 'https://x'])) },
      { trustServers: { '': 'https://x' } },
      { recent: ['x'] },
    ]) {
      expect(await handlers.invoke('settings:update', bad), JSON.stringify(bad).slice(0, 60)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    }
  });

  it('unknown channels are refused', async () => {
    const { handlers } = setup();
    for (const c of ['nope', '__proto__', 'constructor', 42, null]) {
      const r = await handlers.invoke(c, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    const api = makeTrustdeskApi(async () => ({ ok: true, value: 'should not be called' }));
    expect(await api.invoke('nope' as never, {} as never)).toMatchObject({ ok: false });
    const failing = makeTrustdeskApi(() => Promise.reject(new Error('An object could not be cloned.')));
    expect(await failing.invoke('app:info', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'An object could not be cloned.' } });
  });

  it('no response schema has a field for private keys, passphrases, PINs or secrets', () => {
    const forbidden = /private|passphrase|password|pin$|^pin|secret|token|keyval|pem/i;
    const names: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'properties' && v && typeof v === 'object') names.push(...Object.keys(v));
        walk(v);
      }
    };
    for (const channel of CHANNELS) {
      const schema = z.toJSONSchema(CONTRACT[channel].response, { unrepresentable: 'any' });
      walk(schema);
    }
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => forbidden.test(n))).toEqual([]);
    // the PIN dialog's answer carries the PIN in (its request) and says only whether it was awaited (its response)
    expect(Object.keys(z.toJSONSchema(CONTRACT['secret:answer'].request).properties ?? {})).toContain('pin');
    expect(Object.keys(z.toJSONSchema(CONTRACT['secret:answer'].response).properties ?? {})).toEqual(['accepted']);
  });

  it('a PIN sent to secret:answer never comes back, in the answer or in an error', async () => {
    const { handlers } = setup();
    const PIN = 'pin-answer-never-echoed';
    const answers = [
      await handlers.invoke('secret:answer', { id: '0123456789abcdef', pin: PIN }),
      await handlers.invoke('secret:answer', { id: 'x', pin: PIN }),
      await handlers.invoke('secret:answer', { id: '0123456789abcdef', pin: PIN, extra: PIN }),
      await handlers.invoke('secret:answer', { id: '0123456789abcdef', pin: PIN.repeat(20) }),
    ];
    expect(answers[0]).toEqual({ ok: true, value: { accepted: false } });
    expect(answers.slice(1).map((a) => a.ok)).toEqual([false, false, false]);
    expect(JSON.stringify(answers)).not.toContain(PIN);
  });

  it('fields a use-case adds beyond the schema never cross (a private key is stripped)', async () => {
    const { cache, gun, trustDir } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const o = repositoryOverview({ name: gun, trust, registryTags: [], trustDir, now: SAMPLE_CLOCK });
    const leaky = {
      ...o,
      privateKey: 'SECRET-KEY-BYTES',
      adminRoles: o.adminRoles.map((r) => ({ ...r, keys: r.keys.map((k) => ({ ...k, passphrase: 'SECRET-PASS' })) })),
    };
    const { handlers } = setup({ loadOverview: async () => leaky });
    const r = await handlers.invoke('repository:overview', { name: gun });
    expect(r.ok).toBe(true);
    const text = JSON.stringify(r);
    expect(text).not.toContain('SECRET');
    expect(text).toContain(o.adminRoles[0]!.keys[0]!.id);
  });

  it('a 10,000-tag overview crosses the registry (both zod parses) quickly, its tags as one compact table', async () => {
    const { syntheticOverview } = await import('../../e2e/support/synthetic-overview.js');
    const big = syntheticOverview('bench.example.com/big/repo', 10_000);
    const { handlers } = setup({ loadOverview: async () => big });
    const t0 = performance.now();
    const r = await handlers.invoke('repository:overview', { name: 'bench.example.com/big/repo' });
    const ms = performance.now() - t0;
    expect(r.ok).toBe(true);
    const wire = (r as { value: RepositoryOverviewWire }).value;
    expect(wire).not.toHaveProperty('tags');
    expect(wire.tagTable.tag).toHaveLength(10_000);
    const tags = unpackOverview(wire).tags;
    expect(tags.map((t) => [t.tag, t.verdict, t.registryDigest, t.signedDigest, t.size, t.signers])).toEqual(
      big.tags.map((t) => [t.tag, t.verdict, t.registryDigest, t.signedDigest, t.size, t.signers]),
    );
    expect(ms).toBeLessThan(2000);
  });

  it('use-case errors come back as values with their code', async () => {
    const { handlers } = setup();
    expect(await handlers.invoke('repositories:add', { name: 'UPPER/Case' })).toMatchObject({ ok: false, error: { code: 'INVALID_REFERENCE' } });
    expect(await handlers.invoke('repository:overview', { name: 'bad name!' })).toMatchObject({ ok: false, error: { code: 'INVALID_REFERENCE' } });
    const bad = setup({ loadOverview: async () => ({ not: 'an overview' }) as never });
    expect(await bad.handlers.invoke('repository:overview', { name: 'example.com/a/b' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('external links: only allow-listed https URLs are opened', async () => {
    const { handlers, opened } = setup();
    expect(await handlers.invoke('external:open', { url: 'https://docs.docker.com/engine/security/trust/' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    for (const url of [
      'http://docs.docker.com/',
      'https://evil.example/',
      'file:///etc/passwd',
      'https://docs.docker.com.evil.example/',
      'javascript:alert(1)',
      'https://user@github.com/',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
      expect(await handlers.invoke('external:open', { url })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    expect(opened).toEqual(['https://docs.docker.com/engine/security/trust/']);
  });
});

describe('settings', () => {
  it('persist in a JSON file in the user-data dir; recent repositories are normalised and deduplicated', async () => {
    const { dir, handlers } = setup();
    await handlers.invoke('settings:update', {
      offline: true,
      trustServers: { '127.0.0.1:5000': 'https://127.0.0.1:4443' },
      pkcs11Modules: ['/usr/lib/libykcs11.so'],
    });
    await handlers.invoke('repositories:add', { name: '127.0.0.1:5000/lab/app' });
    await handlers.invoke('repositories:add', { name: 'nginx' });
    const r = await handlers.invoke('repositories:add', { name: '127.0.0.1:5000/lab/app' });
    expect(r).toMatchObject({ ok: true, value: { recent: ['127.0.0.1:5000/lab/app', 'docker.io/library/nginx'] } });
    const file = JSON.parse(readFileSync(join(dir, 'trustdesk-settings.json'), 'utf8'));
    expect(file).toMatchObject({
      offline: true,
      trustServers: { '127.0.0.1:5000': 'https://127.0.0.1:4443' },
      pkcs11Modules: ['/usr/lib/libykcs11.so'],
    });
    const again = new SettingsStore(dir);
    expect((await again.get()).recent).toHaveLength(2);
  });

  it('a corrupt settings file is reported as CONFIG_INVALID', async () => {
    const { dir, handlers } = setup();
    writeFileSync(join(dir, 'trustdesk-settings.json'), '{not json');
    expect(await handlers.invoke('settings:get', {})).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
  });

  it('repositories:list finds the repositories in the local trust cache', async () => {
    const { trustDir, gun } = sampleTrustDir('team');
    const { handlers } = setup();
    // a docker config dir whose trust/ holds the sample's cache
    const cfg = mkdtempSync(join(tmpdir(), 'trustdesk-cfg-'));
    cpSync(trustDir, join(cfg, 'trust'), { recursive: true });
    await handlers.invoke('settings:update', { dockerConfigDir: cfg });
    expect(await handlers.invoke('repositories:list', {})).toEqual({ ok: true, value: { recent: [], cached: [gun] } });
  });
});
