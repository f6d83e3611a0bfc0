/**
 * The independent verifier for what TrustDesk writes: @sigstore/verify 3.x (sigstore-js), with the
 * user's public key as the only trust material and no transparency log, CT log or timestamp needed
 * (cosign's --insecure-ignore-tlog). Shares no code with electron/core/cosign.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

function verifier(key: KeyObject): Verifier {
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  // Any hint maps to the user's key: the key is given, not looked up.
  const material = toTrustMaterial(root as never, () => ({ publicKey: key, validFor: () => true }));
  return new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
}

/** Verifies a classic cosign signature (payload + base64 DER) as a message-signature bundle; throws when invalid. */
export function sigstoreVerifyClassic(payload: Buffer, signatureB64: string, key: KeyObject): void {
  const bundle = bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'user-key' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature: signatureB64,
    },
  });
  verifier(key).verify(toSignedEntity(bundle, payload));
}

/** Verifies a serialized bundle (DSSE); throws when invalid. */
export function sigstoreVerifyBundle(bundleJson: unknown, key: KeyObject): void {
  verifier(key).verify(toSignedEntity(bundleFromJSON(bundleJson)));
}
