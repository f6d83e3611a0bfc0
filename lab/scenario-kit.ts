/**
 * Shared pieces for scenario builders: descriptor types, GUN naming, pushing an
 * image and keeping its exact manifest bytes on disk for `notary add`, and a
 * small ledger that turns "pushed" / "signed" events into expected verdicts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliTarget } from './cli.js';
import { buildImage, type ManifestFormat } from './image.js';
import { pushImage, type RegistryTarget } from './push-image.js';

export type Verdict = 'signed' | 'unsigned' | 'digest-mismatch' | 'signed-not-in-registry';

/** What a correct DCT client should report for one tag. */
export interface TagExpectation {
  /** `sha256:<hex>` the registry serves for the tag; absent when the tag is not in the registry. */
  registryDigest?: string;
  /** `sha256:<hex>` of the released signature; absent when unsigned. */
  signedDigest?: string;
  /** As `docker trust inspect` names them, sorted: delegation names, or `Repo Admin`; `[]` when unsigned. */
  signers: string[];
  verdict: Verdict;
}

/** A scenario built on a running lab. */
export interface ScenarioDescriptor {
  /** `<registryHost>/lab/<name>`. */
  gun: string;
  name: string;
  /** Registry repository name (`lab/<name>`). */
  repo: string;
  tags: Record<string, TagExpectation>;
  /** Delegation signers with their key IDs as published (when the scenario has any). */
  signers?: Record<string, string[]>;
}

/** What scenario builders need from a lab (a `Lab` fits). */
export interface ScenarioLab extends CliTarget, RegistryTarget {
  dir: string;
  registryHost: string;
  dockerConfigDir: string;
}

export function repoFor(name: string): string {
  return `lab/${name}`;
}

export function gunFor(lab: Pick<ScenarioLab, 'registryHost'>, name: string): string {
  return `${lab.registryHost}/${repoFor(name)}`;
}

/** Writes manifest bytes to `<lab.dir>/manifests/<name>/<file>.json` for `notary add`; returns the path. */
export async function saveManifest(lab: Pick<ScenarioLab, 'dir'>, name: string, file: string, bytes: Buffer): Promise<string> {
  const dir = join(lab.dir, 'manifests', name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${file}.json`);
  await writeFile(path, bytes);
  return path;
}

/** A manifest ready to sign: its digest and the file holding its exact bytes. */
export interface ManifestFile {
  digest: string;
  file: string;
}

/** Pushes a deterministic image (seed `<name>:<seed>`) to `lab/<name>:<tag>` and saves its manifest. */
export async function pushTag(lab: ScenarioLab, name: string, tag: string, seed = tag, format: ManifestFormat = 'docker'): Promise<ManifestFile> {
  const pushed = await pushImage(lab, repoFor(name), tag, { seed: `${name}:${seed}`, format });
  return { digest: pushed.digest, file: await saveManifest(lab, name, seed.replace(/[^\w.-]/g, '_'), pushed.manifestBytes) };
}

/** Builds (without pushing) the image for `<name>:<seed>` and saves its manifest. */
export async function unpushedManifest(lab: ScenarioLab, name: string, seed: string): Promise<ManifestFile> {
  const img = buildImage(`${name}:${seed}`);
  return { digest: img.digest, file: await saveManifest(lab, name, seed.replace(/[^\w.-]/g, '_'), img.manifestBytes) };
}

/** Records what happened to each tag and derives the expected verdicts. */
export class TagLedger {
  private readonly registry = new Map<string, string>();
  private readonly signed = new Map<string, { digest: string; signers: string[] }>();

  pushed(tag: string, digest: string): this {
    this.registry.set(tag, digest);
    return this;
  }

  sign(tag: string, digest: string, signers: string[] = ['Repo Admin']): this {
    this.signed.set(tag, { digest, signers: [...signers].sort() });
    return this;
  }

  unsign(tag: string): this {
    this.signed.delete(tag);
    return this;
  }

  /** Replaces the signer list of every signed tag through `fn`. */
  mapSigners(fn: (signers: string[], tag: string) => string[]): this {
    for (const [tag, s] of this.signed) s.signers = [...fn(s.signers, tag)].sort();
    return this;
  }

  tags(): Record<string, TagExpectation> {
    const out: Record<string, TagExpectation> = {};
    const names = [...new Set([...this.registry.keys(), ...this.signed.keys()])].sort();
    for (const tag of names) {
      const registryDigest = this.registry.get(tag);
      const s = this.signed.get(tag);
      const verdict: Verdict = !s
        ? 'unsigned'
        : registryDigest === undefined
          ? 'signed-not-in-registry'
          : registryDigest === s.digest
            ? 'signed'
            : 'digest-mismatch';
      out[tag] = {
        ...(registryDigest !== undefined ? { registryDigest } : {}),
        ...(s ? { signedDigest: s.digest } : {}),
        signers: s ? s.signers : [],
        verdict,
      };
    }
    return out;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
