/**
 * Opening a signing bundle (`trustdesk bundle show`, the first half of `bundle sign`,
 * `ceremony:bundle-open`): checked, and described exactly as it will be signed. Local files only:
 * no network, nothing written.
 */
import { readFile } from 'node:fs/promises';
import { checkBundle, compareWithCachedRoot, missingSignatures, rootCertificates, type CheckedBundle } from '../../ceremony/bundle.js';
import { TrustCache } from '../../cache/trust-cache.js';
import type { TrustContext } from '../../session/context.js';

export interface BundleView {
  id: string;
  kind: 'request' | 'signed';
  gun: string;
  createdAt: string;
  /** Recomputed from the bytes to sign. */
  summary: string[];
  /** The new root keys' certificates (CN, validity). */
  certificates: string[];
  /** The root.json version signed, its sha256 and length in bytes. */
  version: number;
  sha256: string;
  length: number;
  /** Key IDs whose signatures the bundle already carries. */
  signedBy: string[];
  missing: string[];
  /** How the bundle's trusted root compares with the root this trust dir cached. */
  rootCheck: string;
}

/** Reads and checks a bundle file; refuses one whose trusted root conflicts with this trust dir's cache. */
export async function openBundle(ctx: TrustContext, file: string): Promise<{ checked: CheckedBundle; rootCheck: string }> {
  const checked = checkBundle(await readFile(file, 'utf8'));
  const rootCheck = compareWithCachedRoot(checked, await new TrustCache(ctx.trustDir).read(checked.bundle.gun, 'root').catch(() => undefined));
  return { checked, rootCheck };
}

export async function showBundle(ctx: TrustContext, input: { file: string }): Promise<BundleView> {
  const { checked: c, rootCheck } = await openBundle(ctx, input.file);
  const item = c.bundle.items[0]!;
  return {
    id: c.bundle.id,
    kind: c.bundle.kind,
    gun: c.bundle.gun,
    createdAt: c.bundle.createdAt,
    summary: c.summary,
    certificates: rootCertificates(c.newRoots[0]! as never),
    version: item.version,
    sha256: item.sha256,
    length: item.length,
    signedBy: item.signatures.map((x) => x.keyid),
    missing: missingSignatures(c),
    rootCheck,
  };
}
