/**
 * An offline machine for ceremony tests: a trust dir holding an old root key file, a root v1 signed by
 * it, and a rotation request bundle (as `root rotate` writes it) that this machine can sign.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalBytes } from '../../electron/core/tuf/canonical-json.js';
import { keyId } from '../../electron/core/tuf/keys.js';
import { serialiseEnvelope } from '../../electron/core/tuf/metadata/envelope.js';
import { makeRootCertificate } from '../../electron/core/signing/root-certificate.js';
import { KeyObjectSigner, KeyRing } from '../../electron/core/signing/signer.js';
import { buildRotationBundle } from '../../electron/core/ceremony/rotation.js';

export async function rotationRequestOn(
  dir: string,
  trustDir: string,
  gun: string,
  env: NodeJS.ProcessEnv,
): Promise<{ reqFile: string; rid: string; oldKeyId: string }> {
  const ring = new KeyRing(trustDir, { env });
  await ring.generate({ role: 'root' });
  const old = await ring.rootSigner((await ring.rootKeys())[0]!);
  const cert = makeRootCertificate(old.privateKey, gun);
  const rid = keyId(cert.key);
  const t = new KeyObjectSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const signed = {
    _type: 'Root',
    consistent_snapshot: false,
    expires: '2036-01-01T00:00:00Z',
    keys: { [rid]: cert.key, [t.keyId]: t.publicKey },
    roles: {
      root: { keyids: [rid], threshold: 1 },
      snapshot: { keyids: [t.keyId], threshold: 1 },
      targets: { keyids: [t.keyId], threshold: 1 },
      timestamp: { keyids: [t.keyId], threshold: 1 },
    },
    version: 1,
  };
  const s = await old.sign(canonicalBytes(signed));
  const v1 = serialiseEnvelope(signed, [{ keyid: rid, method: s.method, sig: s.sig }]);
  const req = await buildRotationBundle(
    gun,
    v1,
    Buffer.from('{}'),
    new KeyObjectSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    new Date(),
  );
  const reqFile = join(dir, 'request.json');
  writeFileSync(reqFile, JSON.stringify(req));
  return { reqFile, rid, oldKeyId: old.keyId };
}
