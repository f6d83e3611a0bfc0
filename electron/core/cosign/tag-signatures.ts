/** cosign state of every registry tag of a repository, for the app's tags table (IPC-safe values). */
import type { KeyObject } from 'node:crypto';
import { toErrorValue, type ErrorValue } from '../base/errors.js';
import { parseReference } from '../base/reference.js';
import type { TrustSession } from '../session/trust-session.js';
import type { RegistryTag } from '../tuf/verdicts.js';
import { keyHint } from './bundle.js';
import { COSIGN_TAG } from './migrate.js';
import { summarise, verifyDigest, type FoundSignature } from './verify-images.js';

export interface TagCosignState {
  tag: string;
  digest?: string;
  state: 'valid' | 'invalid' | 'none' | 'error';
  formats: ('classic' | 'bundle')[];
  detail: string;
  error?: ErrorValue;
}

export interface RepositoryCosignStates {
  name: string;
  keyId: string;
  referrersSource: 'referrers-api' | 'fallback-tag' | 'none' | 'mixed';
  tags: TagCosignState[];
}

/** `opts.tags`: the registry's tags as already read (use-cases/repository/repository-state.ts); else read here. */
export async function repositoryCosignStates(
  session: TrustSession,
  name: string,
  key: KeyObject,
  opts: { concurrency?: number; tags?: RegistryTag[] } = {},
): Promise<RepositoryCosignStates> {
  const ref = parseReference(name);
  const oci = await session.ociClient(ref);
  const tags = (opts.tags ?? (await session.registryTags(ref))).filter((t) => !COSIGN_TAG.test(t.tag));
  const byDigest = new Map<string, Promise<{ signatures: FoundSignature[]; referrersSource: string }>>();
  const sources = new Set<string>();
  const out: TagCosignState[] = new Array(tags.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tags.length; i = next++) {
      const t = tags[i]!;
      if (!t.digest) {
        out[i] = { tag: t.tag, state: 'error', formats: [], detail: t.error?.message ?? 'no digest', ...(t.error ? { error: t.error } : {}) };
        continue;
      }
      try {
        let p = byDigest.get(t.digest);
        if (!p) {
          p = verifyDigest(oci, ref.repository, t.digest, key);
          byDigest.set(t.digest, p);
        }
        const { signatures, referrersSource } = await p;
        if (referrersSource !== 'none') sources.add(referrersSource);
        const s = summarise(signatures);
        const state = s.verified ? 'valid' : signatures.some((g) => g.verdict !== 'unsupported') ? 'invalid' : 'none';
        const detail = s.verified
          ? `cosign (${s.validFormats.join(' + ')})`
          : state === 'invalid'
            ? signatures.map((g) => `${g.format}: ${g.verdict}`).join(', ')
            : 'no cosign signature';
        out[i] = { tag: t.tag, digest: t.digest, state, formats: s.validFormats, detail };
      } catch (err) {
        out[i] = {
          tag: t.tag,
          digest: t.digest,
          state: 'error',
          formats: [],
          detail: 'cosign signatures could not be read',
          error: toErrorValue(err),
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, tags.length)) }, worker));
  const referrersSource = sources.size === 0 ? 'none' : sources.size === 1 ? ([...sources][0] as 'referrers-api' | 'fallback-tag') : 'mixed';
  return { name: ref.gun, keyId: keyHint(key), referrersSource, tags: out };
}
