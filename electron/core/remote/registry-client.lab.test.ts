/**
 * Integration test of the remote layer against the lab's real docker-registry (distribution 2.8.2)
 * over TLS: docker config dir → TLS material → HttpClient → AuthenticatedClient → RegistryClient.
 * Skipped, with the reason in the suite name, when the lab or its binaries are not available.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as LabModule from '../../../lab/index.js';
import { TrustDeskError } from '../base/errors.js';
import { parseReference } from '../base/reference.js';
import { AuthenticatedClient } from './auth.js';
import { loadDockerConfig, tlsMaterialFor } from './docker-config.js';
import { HttpClient, type TlsMaterial } from './http-client.js';
import { RegistryClient } from './registry-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const labIndex = join(here, '..', '..', '..', 'lab', 'index.ts');

function onPath(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason = !existsSync(labIndex)
  ? 'lab/index.ts is not there yet'
  : !onPath('docker-registry') || !onPath('notary-server')
    ? 'docker-registry / notary-server are not installed (apt-get install docker-registry notary)'
    : undefined;

describe.skipIf(skipReason !== undefined)(
  `RegistryClient against the lab registry${skipReason !== undefined ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let lab: LabModule.Lab;
    let labApi: typeof LabModule;
    let http: HttpClient;
    let registry: RegistryClient;
    const repo = 'lab/remote-it';
    const pushed = new Map<string, LabModule.PushedImage>();
    const manyTags = Array.from({ length: 24 }, (_, i) => `m${i}`);

    beforeAll(async () => {
      labApi = (await import('../../../lab/index.js')) as typeof LabModule;
      lab = await labApi.startLab();
      // What the app does: the docker config dir decides TLS per host (lab writes tls/<host:port>/ca.crt).
      const config = await loadDockerConfig(lab.dockerConfigDir);
      const material = new Map<string, TlsMaterial>();
      material.set(lab.registryHost, await tlsMaterialFor(lab.dockerConfigDir, lab.registryHost));
      http = new HttpClient({ tlsFor: (hostPort) => material.get(hostPort) ?? {} });
      const ref = parseReference(`${lab.registryHost}/${repo}:v1`);
      registry = new RegistryClient({
        baseUrl: lab.registryUrl,
        client: new AuthenticatedClient({ http, credentials: () => config.credentialsFor(ref.registry) }),
        registry: ref.registry,
      });
      const formats: Array<[string, LabModule.ManifestFormat]> = [
        ['v1', 'docker'],
        ['oci', 'oci'],
        ['list', 'docker-list'],
        ['index', 'oci-index'],
      ];
      for (const [tag, format] of formats) pushed.set(tag, await labApi.pushImage(lab, repo, tag, { format, seed: `it-${tag}` }));
      await labApi.mapPool(manyTags, 4, async (tag: string) => {
        pushed.set(tag, await labApi.pushImage(lab, repo, tag, { seed: `it-${tag}` }));
      });
    }, 240_000);

    afterAll(async () => {
      http?.close();
      await lab?.stop();
    });

    it('lists every tag, sorted', async () => {
      expect(await registry.listTags(repo)).toEqual([...pushed.keys()].sort());
    });

    it('gives the pushed digest, size and media type for all four manifest kinds (lists are not resolved to a platform)', async () => {
      for (const tag of ['v1', 'oci', 'list', 'index']) {
        const p = pushed.get(tag)!;
        expect(await registry.manifestDigest(repo, tag), tag).toEqual({ digest: p.digest, size: p.size, mediaType: p.mediaType });
        const m = await registry.getManifest(repo, tag);
        expect(m.bytes.equals(p.manifestBytes), tag).toBe(true);
        expect(m.digest).toBe(p.digest);
      }
      const child = pushed.get('index')!.children[0]!;
      expect((await registry.getManifest(repo, child.digest)).digest).toBe(child.digest);
    });

    it('uses HEAD alone for a digest, as distribution sends Docker-Content-Digest and Content-Length', async () => {
      const methods: string[] = [];
      const recording = new RegistryClient({
        baseUrl: lab.registryUrl,
        client: {
          request: (req, scope) => {
            methods.push(req.method ?? 'GET');
            return new AuthenticatedClient({ http }).request(req, scope);
          },
        },
      });
      expect((await recording.manifestDigest(repo, 'list')).digest).toBe(pushed.get('list')!.digest);
      expect(methods).toEqual(['HEAD']);
    });

    it('maps an unknown tag to MANIFEST_UNKNOWN and an unknown repository (tag list) to REGISTRY_NAME_UNKNOWN', async () => {
      await expect(registry.manifestDigest(repo, 'nope')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      await expect(registry.listTags('lab/none')).rejects.toMatchObject({ code: 'REGISTRY_NAME_UNKNOWN' });
      // distribution 2.8.2 answers a manifest request in an unknown repository with MANIFEST_UNKNOWN
      // (not NAME_UNKNOWN); the registry's own code decides.
      await expect(registry.manifestDigest('lab/none', 'v1')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    });

    it('digests many tags in parallel, recording a missing tag on its own', async () => {
      const result = await registry.manifestDigests(repo, [...manyTags, 'missing'], { concurrency: 8 });
      for (const tag of manyTags) {
        const r = result.get(tag);
        expect(r?.ok, tag).toBe(true);
        if (r?.ok) expect(r.digest).toBe(pushed.get(tag)!.digest);
      }
      expect(result.get('missing')).toMatchObject({ ok: false, error: { code: 'MANIFEST_UNKNOWN' } });
    });

    it('fails with TLS_ERROR without the lab CA', async () => {
      const bare = new HttpClient();
      try {
        const r = new RegistryClient({ baseUrl: lab.registryUrl, client: bare });
        const err = await r.listTags(repo).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TrustDeskError);
        expect((err as TrustDeskError).code).toBe('TLS_ERROR');
        expect((err as Error).message).toContain('certificate signed by unknown authority');
      } finally {
        bare.close();
      }
    });
  },
);
