/** Read-side registry helpers for lab tests: tag lists and manifest digests as the registry serves them. */
import { httpsRequest } from './https.js';
import { MEDIA_TYPES, sha256 } from './image.js';
import type { RegistryTarget } from './push-image.js';

/** Every manifest type, so the registry serves what was pushed (no schema-1 or platform fallback). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex].join(', ');

/** `GET /v2/<repo>/tags/list`, sorted; `[]` for an unknown repository. */
export async function listTags(t: RegistryTarget, repo: string): Promise<string[]> {
  const res = await httpsRequest({ url: `${t.registryUrl}/v2/${repo}/tags/list`, ca: t.caFile });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`registry: tags/list ${repo} -> ${res.status}`);
  const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** `GET /v2/<repo>/manifests/<ref>`: digest (checked against the body), bytes and media type; undefined on 404. */
export async function fetchManifest(
  t: RegistryTarget,
  repo: string,
  ref: string,
): Promise<{ digest: string; bytes: Buffer; mediaType: string } | undefined> {
  const res = await httpsRequest({
    url: `${t.registryUrl}/v2/${repo}/manifests/${ref}`,
    ca: t.caFile,
    headers: { Accept: MANIFEST_ACCEPT },
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`registry: manifest ${repo}:${ref} -> ${res.status}`);
  const digest = sha256(res.body);
  const header = res.headers['docker-content-digest'];
  if (header && header !== digest) throw new Error(`registry: Docker-Content-Digest ${String(header)} != body ${digest}`);
  return { digest, bytes: res.body, mediaType: String(res.headers['content-type'] ?? '') };
}
