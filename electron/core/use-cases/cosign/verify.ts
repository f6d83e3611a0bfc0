/** `trustdesk cosign verify --key PUB IMAGE...`: cosign signatures (classic and Sigstore bundles) checked with one public key. */
import type { TrustContext } from '../../session/context.js';
import { publicKeyFromSpec } from '../../signing/cosign/key-spec.js';
import { verifyImages, type ImageVerification } from '../../cosign/verify-images.js';
import { cosignKeyContext } from './key-context.js';

export type { ImageVerification };

/**
 * `key`: a PEM public key file, `notary:KEYID` (a key of the trust dir; its passphrase may be asked
 * when the file is encrypted), `token:KEYID|LABEL`. One result per image, errors as values.
 */
export async function verifyCosignImages(ctx: TrustContext, input: { key: string; images: string[] }): Promise<ImageVerification[]> {
  const key = await publicKeyFromSpec(input.key, cosignKeyContext(ctx));
  return verifyImages(ctx.session, input.images, key);
}
