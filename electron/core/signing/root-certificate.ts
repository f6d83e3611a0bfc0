/**
 * Root certificates with notary's profile (notary-metadata.md §10, `tuf/utils/x509.go`): X.509 v3,
 * random 128-bit serial, subject = issuer = CN=<GUN>, validity from now for 10 × 365 days,
 * ecdsa-with-SHA256 self-signature, KeyUsage digitalSignature + keyEncipherment (critical),
 * ExtendedKeyUsage codeSigning, BasicConstraints CA:FALSE (critical), no SKI/AKI.
 * Encoded here with the keystore's small DER writer; Node's X509Certificate parses the result back.
 */
import { createPublicKey, randomBytes, sign as nodeSign, X509Certificate, type KeyObject } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { certificateKeyJson, type PublicKeyJson } from '../tuf/keys.js';
import { int, oid, seq, tlv, octets } from '../keystore/der.js';

export const ROOT_CERT_VALIDITY_DAYS = 3650;
const DAY_MS = 24 * 3600 * 1000;

const OIDS = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  codeSigning: '1.3.6.1.5.5.7.3.3',
};

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function name(cn: string): Buffer {
  const value = PRINTABLE.test(cn) ? tlv(0x13, Buffer.from(cn, 'ascii')) : tlv(0x0c, Buffer.from(cn, 'utf8'));
  return seq(tlv(0x31, seq(oid(OIDS.commonName), value)));
}

function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));
}

export interface RootCertificate {
  pem: string;
  /** The `ecdsa-x509` key object for root.json. */
  key: PublicKeyJson;
  notBefore: Date;
  notAfter: Date;
}

/** The to-be-signed part of a notary-profile root certificate for an ECDSA P-256 public key. */
function rootTbs(publicKey: KeyObject, gun: string, now: Date, validityDays: number): { tbs: Buffer; notBefore: Date; notAfter: Date } {
  if (publicKey.asymmetricKeyType !== 'ec') throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', 'root certificates are made for ECDSA keys only');
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, 128 bits, no leading zero byte needed
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const extensions = seq(
    extension(OIDS.keyUsage, true, Buffer.from([0x03, 0x02, 0x05, 0xa0])), // digitalSignature, keyEncipherment
    extension(OIDS.extKeyUsage, false, seq(oid(OIDS.codeSigning))),
    extension(OIDS.basicConstraints, true, seq()),
  );
  const tbs = seq(
    tlv(0xa0, int(2)),
    tlv(0x02, serial),
    seq(oid(OIDS.ecdsaWithSha256)),
    name(gun),
    seq(time(notBefore), time(notAfter)),
    name(gun),
    spki,
    tlv(0xa3, extensions),
  );
  return { tbs, notBefore, notAfter };
}

function finish(tbs: Buffer, derSignature: Buffer, publicKey: KeyObject, notBefore: Date, notAfter: Date): RootCertificate {
  const der = seq(tbs, seq(oid(OIDS.ecdsaWithSha256)), tlv(0x03, Buffer.concat([Buffer.from([0]), derSignature])));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  const pem = `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
  const parsed = new X509Certificate(pem);
  if (!parsed.verify(publicKey)) throw new TrustDeskError('INTERNAL', 'the new root certificate does not verify');
  return { pem, key: certificateKeyJson(pem, 'ecdsa-x509'), notBefore, notAfter };
}

/** A raw r||s ECDSA signature (a token's CKM_ECDSA output) as a DER ECDSA-Sig-Value. */
export function rawToDerSignature(raw: Buffer): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new TrustDeskError('INTERNAL', `an ECDSA signature of ${raw.length} bytes is not r||s`);
  const half = raw.length / 2;
  const integer = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
  };
  return seq(integer(raw.subarray(0, half)), integer(raw.subarray(half)));
}

/** Makes and self-signs a root certificate for `gun` with an ECDSA P-256 private key. */
export function makeRootCertificate(privateKey: KeyObject, gun: string, now = new Date(), validityDays = ROOT_CERT_VALIDITY_DAYS): RootCertificate {
  if (privateKey.asymmetricKeyType !== 'ec') throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', 'root certificates are made for ECDSA keys only');
  const publicKey = createPublicKey(privateKey);
  const { tbs, notBefore, notAfter } = rootTbs(publicKey, gun, now, validityDays);
  return finish(tbs, nodeSign('sha256', tbs, privateKey), publicKey, notBefore, notAfter);
}

/**
 * The same certificate signed elsewhere (a hardware token): `signRaw` gets the to-be-signed bytes and
 * returns the raw r||s ECDSA signature over their SHA-256 digest. The private key never comes here.
 */
export async function makeRootCertificateWith(
  publicKey: KeyObject,
  gun: string,
  signRaw: (tbs: Buffer) => Promise<Buffer>,
  now = new Date(),
  validityDays = ROOT_CERT_VALIDITY_DAYS,
): Promise<RootCertificate & { der: Buffer }> {
  const { tbs, notBefore, notAfter } = rootTbs(publicKey, gun, now, validityDays);
  const cert = finish(tbs, rawToDerSignature(await signRaw(tbs)), publicKey, notBefore, notAfter);
  return { ...cert, der: new X509Certificate(cert.pem).raw };
}
