import { describe, it, expect } from 'vitest';
import { TrustDeskError } from '../../base/errors.js';
import { updateRepository } from '../../tuf/repository-updater.js';
import { loadRepositoryOverview } from './load-overview.js';
import type { TrustSession } from '../../session/trust-session.js';
import type { TrustContext } from '../../session/context.js';
import type { RegistryTag } from '../../tuf/verdicts.js';
import { sampleTrustDir, SAMPLE_CLOCK } from '../../../../tests/support/samples.js';

function session(opts: { trust: () => Promise<unknown>; tags: () => Promise<RegistryTag[]>; offline?: boolean }) {
  const calls = { registry: 0 };
  const s = {
    cache: { trustDir: '/nonexistent/trust' },
    loadTrust: opts.trust,
    registryTags: () => {
      calls.registry++;
      return opts.tags();
    },
  } as unknown as TrustSession;
  const ctx = { session: s, offline: !!opts.offline, trustDir: '/nonexistent/trust', now: () => SAMPLE_CLOCK } as unknown as TrustContext;
  return { s: ctx, calls };
}

const fail = (code: ConstructorParameters<typeof TrustDeskError>[0]) => () => Promise.reject(new TrustDeskError(code, code.toLowerCase()));

describe('loading one repository overview', () => {
  it('no trust data is an empty state with the registry tags unsigned', async () => {
    const { s } = session({ trust: fail('REPOSITORY_NOT_SIGNED'), tags: async () => [{ tag: 'latest', digest: 'sha256:aa' }] });
    const o = await loadRepositoryOverview(s, { name: 'registry.example.com/a/b' });
    expect(o).toMatchObject({ name: 'registry.example.com/a/b', hasTrustData: false, counts: { unsigned: 1 } });
  });

  it('an unreadable registry keeps the verified trust data and says why', async () => {
    const { cache, gun } = sampleTrustDir('team');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const { s } = session({ trust: async () => trust, tags: fail('AUTH_REQUIRED') });
    const o = await loadRepositoryOverview(s, { name: gun });
    expect(o.hasTrustData).toBe(true);
    expect(o.registryError).toEqual({ code: 'AUTH_REQUIRED', message: 'auth_required' });
    expect(o.tags.length).toBeGreaterThan(0);
  });

  it('offline: the registry is not asked', async () => {
    const { cache, gun } = sampleTrustDir('app');
    const trust = await updateRepository({ gun, cache, now: SAMPLE_CLOCK });
    const { s, calls } = session({ trust: async () => trust, tags: async () => [], offline: true });
    const o = await loadRepositoryOverview(s, { name: gun });
    expect(calls.registry).toBe(0);
    expect(o.registryError?.code).toBe('NETWORK_UNREACHABLE');
  });

  it('a trust failure other than "not signed" is the error; so is a registry failure without trust data', async () => {
    await expect(
      loadRepositoryOverview(session({ trust: fail('SIGNATURE_INVALID'), tags: async () => [] }).s, { name: 'example.com/a/b' }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    await expect(
      loadRepositoryOverview(session({ trust: fail('REPOSITORY_NOT_SIGNED'), tags: fail('NETWORK_TIMEOUT') }).s, { name: 'example.com/a/b' }),
    ).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
  });

  it('names are normalised; a tag or digest is refused', async () => {
    const { s } = session({ trust: fail('REPOSITORY_NOT_SIGNED'), tags: async () => [] });
    expect((await loadRepositoryOverview(s, { name: 'nginx' })).name).toBe('docker.io/library/nginx');
    await expect(loadRepositoryOverview(s, { name: 'example.com/a/b:v1' })).rejects.toMatchObject({ code: 'INVALID_REFERENCE' });
  });

  it('METADATA_NOT_FOUND for the root is no trust data; for another role it is a broken repository', async () => {
    const missing = (file: string) => () =>
      Promise.reject(new TrustDeskError('METADATA_NOT_FOUND', `${file} of example.com/a/b is not in the archive`));
    const none = await loadRepositoryOverview(session({ trust: missing('root.json'), tags: async () => [{ tag: 'v1', digest: 'sha256:aa' }] }).s, {
      name: 'example.com/a/b',
    });
    expect(none).toMatchObject({ hasTrustData: false, counts: { unsigned: 1 } });
    await expect(
      loadRepositoryOverview(session({ trust: missing('snapshot.json'), tags: async () => [] }).s, { name: 'example.com/a/b' }),
    ).rejects.toMatchObject({ code: 'METADATA_NOT_FOUND' });
  });
});
