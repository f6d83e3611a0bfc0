/**
 * Air-gapped signing (`trustdesk bundle sign --yes`, `ceremony:bundle-sign`): every signature the
 * root keys of this machine can add, from key files or recorded token keys (the context's key
 * finder, with its passphrase and PIN sources). No network; the signed bundle is written 0600 and
 * the step logged (key IDs and hashes only).
 */
import { writeFile } from 'node:fs/promises';
import { signBundle } from '../../ceremony/bundle.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';
import { openBundle } from './bundle-show.js';

export interface BundleSignInput {
  file: string;
  outFile: string;
}

export async function signBundleFile(ctx: TrustContext, input: BundleSignInput): Promise<{ signedBy: string[]; outFile: string }> {
  const { checked: c } = await openBundle(ctx, input.file);
  const { bundle, signedBy } = await signBundle(c, ctx.keys, ctx.now());
  await writeFile(input.outFile, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
  await ceremonyLogOf(ctx).append({
    step: 'bundle-signed-offline',
    keyIds: signedBy,
    hashes: { 'root.json signed': c.bundle.items[0]!.sha256, 'signed bundle': bundle.bundleSha256 },
    details: { gun: c.bundle.gun, bundleId: c.bundle.id, network: 'none' },
  });
  return { signedBy, outFile: input.outFile };
}
