/**
 * root.json (`_type: "Root"`): the keys and thresholds of the four base roles.
 * Structure rules from notary `tuf/data/root.go`; certificate rules from `trustpinning/certs.go`.
 */
import { TrustDeskError } from '../../base/errors.js';
import { keyCertificates, keyId, type PublicKeyJson } from '../keys.js';
import { isObject, malformed, parseEnvelope, type Envelope, type RoleKeys, type SignedCommon } from './envelope.js';

export const BASE_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

export interface RootSigned extends SignedCommon {
  _type: 'Root';
  consistent_snapshot?: boolean;
  keys: Record<string, PublicKeyJson>;
  roles: Record<BaseRole, RoleKeys>;
}

export type RootEnvelope = Envelope<RootSigned>;

export function parseKeyMap(role: string, v: unknown): Record<string, PublicKeyJson> {
  if (!isObject(v)) throw malformed(role, '"keys" is not an object');
  for (const [id, k] of Object.entries(v)) {
    if (!isObject(k) || typeof k.keytype !== 'string' || !isObject(k.keyval) || typeof k.keyval.public !== 'string') {
      throw malformed(role, `key ${id} is not a key object`);
    }
  }
  return v as Record<string, PublicKeyJson>;
}

export function parseRoleKeys(role: string, name: string, v: unknown, keys: Record<string, PublicKeyJson>): RoleKeys {
  if (!isObject(v) || !Array.isArray(v.keyids) || !v.keyids.every((k) => typeof k === 'string')) {
    throw malformed(role, `role ${name} has no keyids list`);
  }
  if (typeof v.threshold !== 'number' || !Number.isSafeInteger(v.threshold) || v.threshold < 1) {
    throw malformed(role, `role ${name} threshold must be an integer of at least 1`);
  }
  for (const id of v.keyids as string[]) {
    const key = keys[id];
    if (!key) throw malformed(role, `role ${name} lists key ${id}, which is not in keys`);
    if (keyId(key) !== id) throw new TrustDeskError('KEY_ID_MISMATCH', `${role}: key ${id} does not hash to its ID`);
  }
  return v as unknown as RoleKeys;
}

export function parseRoot(raw: Buffer): RootEnvelope {
  const env = parseEnvelope<RootSigned>('root', raw, 'Root');
  const keys = parseKeyMap('root', env.signed.keys);
  if (!isObject(env.signed.roles)) throw malformed('root', '"roles" is not an object');
  for (const r of BASE_ROLES) parseRoleKeys('root', r, env.signed.roles[r], keys);
  return env;
}

export function rootRoleKeys(root: RootEnvelope, role: BaseRole): RoleKeys {
  return root.signed.roles[role];
}

export interface RootCertificateInfo {
  keyId: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

const DAY_MS = 24 * 3600 * 1000;

// DER of the SHA-1 signature algorithm OIDs (sha1WithRSAEncryption, ecdsa-with-SHA1). Node 20's
// X509Certificate does not expose the signature algorithm, and these OIDs do not occur elsewhere in
// a notary root certificate.
const SHA1_SIGNATURE_OIDS = [Buffer.from('06092a864886f70d010105', 'hex'), Buffer.from('06072a8648ce3d0401', 'hex')];

function usesSha1(der: Buffer): boolean {
  return SHA1_SIGNATURE_OIDS.some((oid) => der.includes(oid));
}

function commonName(subject: string): string {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(subject);
  return m ? m[1]! : '';
}

/**
 * Checks the certificates of the root role's keys as notary does when it loads a root:
 * leaf first and not a CA, CN equal to the GUN (or a `*` wildcard prefix of it), NotBefore at most a
 * day ahead, not expired (unless `checkExpiry` is false: the previously trusted root's certificates),
 * no SHA-1, RSA at least 2048 bits. Bare (non-x509) root keys are allowed, as notary allows them.
 */
export function checkRootCertificates(
  root: RootEnvelope,
  gun: string,
  now: Date,
  opts: { checkExpiry: boolean } = { checkExpiry: true },
): RootCertificateInfo[] {
  const infos: RootCertificateInfo[] = [];
  let valid = 0;
  const problems: string[] = [];
  for (const id of root.signed.roles.root.keyids) {
    const key = root.signed.keys[id]!;
    if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') {
      valid++;
      continue;
    }
    let leaf;
    try {
      leaf = keyCertificates(key)[0]!;
    } catch (err) {
      problems.push(`key ${id.slice(0, 12)}: ${(err as Error).message}`);
      continue;
    }
    const cn = commonName(leaf.subject);
    const notBefore = new Date(leaf.validFrom);
    const notAfter = new Date(leaf.validTo);
    const cnOk = cn === gun || (cn.endsWith('*') && gun.startsWith(cn.slice(0, -1)));
    const issue = !cnOk
      ? `certificate CN "${cn}" does not match the repository ${gun}`
      : leaf.ca
        ? 'root certificate is a CA certificate, not a leaf'
        : notBefore.getTime() > now.getTime() + DAY_MS
          ? `certificate is not valid until ${notBefore.toISOString()}`
          : opts.checkExpiry && notAfter.getTime() < now.getTime()
            ? `certificate expired on ${notAfter.toISOString()}`
            : notBefore >= notAfter
              ? 'certificate validity period is empty'
              : usesSha1(leaf.raw)
                ? 'certificate is signed with SHA-1'
                : leaf.publicKey.asymmetricKeyType === 'rsa' && (leaf.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048
                  ? 'RSA root key is shorter than 2048 bits'
                  : undefined;
    if (issue) {
      problems.push(`key ${id.slice(0, 12)}: ${issue}`);
      continue;
    }
    valid++;
    infos.push({ keyId: id, commonName: cn, notBefore, notAfter });
  }
  if (valid < root.signed.roles.root.threshold) {
    throw new TrustDeskError(
      'ROOT_CERTIFICATE_INVALID',
      `root of ${gun} has no valid root certificate: ${problems.join('; ') || 'no usable root key'}`,
    );
  }
  return infos;
}
