/**
 * Trust archives: every metadata file a repository's trust rests on (the whole root chain 1..N,
 * timestamp, snapshot, targets, every verified delegation), the registry's manifest digests and
 * sizes, and hashes of all of it, in one file that can be verified years later with no server.
 * Format: docs/trust-archive.md ("trustdesk-trust-archive", version 2; version 1 is read as unsigned).
 *
 * File layout (bytes): one header line, `\n`, then the body.
 *   header  compact JSON {"format":"trustdesk-trust-archive","version":1,"body_sha256":"<hex>","body_length":N}
 *   body    JSON (2-space indent) ArchiveBody; body_sha256 is the SHA-256 of exactly these bytes
 * Any changed byte is refused: in the body by body_sha256, in the header by JSON, format, version or
 * digest; and each file's own sha256/length is checked before its bytes are used.
 *
 * Version 2 adds an optional signature in the header over the manifest (format, version, body digest
 * and length, and the signer's key ID): a notary key (file or token), scheme `notary`, or a cosign
 * key, scheme `cosign`. The body digest covers what the archive holds and when it was made.
 *
 * Verifying replays the archived bytes through the same update workflow as an online check
 * (repository-updater.ts over an ArchiveSource, an empty in-memory cache, `fullRootChain`), with
 * the clock set to the archive time: the time the archiver says it archived. That time is not signed
 * by anyone; the signed expiry dates bound it (a forged time outside every role's validity fails).
 */
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { keyId as notaryKeyId, publicKeyJson } from '../tuf/keys.js';
import { readFile } from 'node:fs/promises';
import { TrustDeskError, type ErrorValue } from '../base/errors.js';
import { TrustCache } from './trust-cache.js';
import { writeFileAtomic } from '../base/fs-atomic.js';
import type { MetadataSource, RepositoryTrust } from '../tuf/repository-updater.js';
import type { RegistryTag } from '../tuf/verdicts.js';

export const ARCHIVE_FORMAT = 'trustdesk-trust-archive';
export const ARCHIVE_VERSION = 2;
/** Versions this reader understands: 1 (never signed) and 2 (optionally signed). */
export const READABLE_ARCHIVE_VERSIONS = [1, 2];
/** An archive larger than this is refused before it is parsed. */
export const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  body_sha256: string;
  body_length: number;
  /** Version 2: the signature over the manifest (archiveSignedMessage); absent: unsigned. */
  signature?: ArchiveSignature;
}

/** `notary`: key ID is notary's canonical ID of the public key; `cosign`: SHA-256 (hex) of its SPKI DER. */
export type ArchiveSignerScheme = 'notary' | 'cosign';

export interface ArchiveSignature {
  scheme: ArchiveSignerScheme;
  keyid: string;
  /** The signer's public key, SPKI DER, base64. */
  public_key: string;
  /** DER ECDSA / PKCS#1 v1.5 RSA over SHA-256, or Ed25519, base64. */
  sig: string;
}

/** Who signed an archive (IPC-safe). */
export interface ArchiveSigner {
  scheme: ArchiveSignerScheme;
  keyId: string;
}

/** Signs an archive's manifest (built in the use case from a notary, token or cosign key). */
export interface ArchiveSigningKey {
  scheme: ArchiveSignerScheme;
  publicKey: KeyObject;
  sign(message: Buffer): Promise<Buffer>;
}

export interface ArchivedFile {
  /** `N.root.json` for each root version, else `<role>.json` (`timestamp.json`, `targets/releases.json`). */
  name: string;
  sha256: string;
  length: number;
  /** The raw bytes as the trust server served them, base64. */
  data: string;
}

export interface ArchivedRepository {
  gun: string;
  /** The trust server the data came from. */
  trustServer: string;
  /** Root versions in the archive: 1..rootVersion. */
  rootVersion: number;
  /** The verified versions at archive time, for reading without verifying. */
  versions: Record<string, number>;
  files: ArchivedFile[];
  /** Registry tags with manifest digest (`sha256:<hex>`), size and media type; absent when skipped. */
  registry?: { tags: RegistryTag[] } | { skipped: true } | { error: ErrorValue };
}

export interface ArchiveBody {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  /** ISO time of the archive: the clock verification uses ("valid as of"). */
  archivedAt: string;
  createdBy: string;
  repositories: ArchivedRepository[];
}

export interface TrustArchive {
  header: ArchiveHeader;
  body: ArchiveBody;
  /** The verified signer; absent for an unsigned archive. */
  signer?: ArchiveSigner;
}

/** The key ID of a public key in a scheme: notary's canonical ID, or the SHA-256 of the SPKI DER (cosign). */
export function archiveKeyId(scheme: ArchiveSignerScheme, key: KeyObject): string {
  return scheme === 'notary'
    ? notaryKeyId(publicKeyJson(key))
    : createHash('sha256')
        .update(key.export({ format: 'der', type: 'spki' }))
        .digest('hex');
}

/** The bytes an archive signature covers: canonical JSON of the manifest and the signer. */
export function archiveSignedMessage(
  h: { version: number; body_sha256: string; body_length: number },
  signer: { scheme: ArchiveSignerScheme; keyid: string },
): Buffer {
  return canonicalBytes({
    body_length: h.body_length,
    body_sha256: h.body_sha256,
    format: ARCHIVE_FORMAT,
    signer: { keyid: signer.keyid, scheme: signer.scheme },
    version: h.version,
  });
}

function verifySignatureBytes(key: KeyObject, message: Buffer, sig: Buffer): boolean {
  try {
    return key.asymmetricKeyType === 'ed25519'
      ? nodeVerify(null, message, key, sig)
      : nodeVerify('sha256', message, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

function signatureInvalid(file: string, detail: string): TrustDeskError {
  return new TrustDeskError('ARCHIVE_SIGNATURE_INVALID', `the signature of trust archive ${file} does not verify: ${detail}`);
}

/** Checks the header's signature over the manifest; returns the signer. */
function checkSignature(header: ArchiveHeader, file: string): ArchiveSigner {
  const s = header.signature as Partial<ArchiveSignature>;
  if (
    typeof s !== 'object' ||
    s === null ||
    (s.scheme !== 'notary' && s.scheme !== 'cosign') ||
    typeof s.keyid !== 'string' ||
    typeof s.public_key !== 'string' ||
    typeof s.sig !== 'string'
  ) {
    throw signatureInvalid(file, 'the signature entry is malformed');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(s.public_key, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw signatureInvalid(file, 'the signer public key cannot be read');
  }
  if (archiveKeyId(s.scheme, key) !== s.keyid)
    throw signatureInvalid(file, `the signer key ID ${s.keyid} is not the ID of the public key it carries`);
  if (!verifySignatureBytes(key, archiveSignedMessage(header, { scheme: s.scheme, keyid: s.keyid }), Buffer.from(s.sig, 'base64'))) {
    throw signatureInvalid(file, `not signed by key ${s.keyid}`);
  }
  return { scheme: s.scheme, keyId: s.keyid };
}

/** ARCHIVE_SIGNER_UNTRUSTED unless the archive is signed by one of `trusted` (public keys). */
export function requireArchiveSigner(archive: TrustArchive, trusted: KeyObject[], file = 'archive'): ArchiveSigner {
  const s = archive.signer;
  if (!s) throw new TrustDeskError('ARCHIVE_SIGNER_UNTRUSTED', `trust archive ${file} is not signed; a signer was required`);
  if (!trusted.some((k) => archiveKeyId(s.scheme, k) === s.keyId)) {
    throw new TrustDeskError(
      'ARCHIVE_SIGNER_UNTRUSTED',
      `trust archive ${file} is signed by ${s.scheme} key ${s.keyId}, not by a required signer key`,
    );
  }
  return s;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function archiveInvalid(file: string, detail: string): TrustDeskError {
  return new TrustDeskError('ARCHIVE_INVALID', `trust archive ${file} is corrupt or altered: ${detail}`);
}

/** Collects the verified raw bytes of a repository, the root chain included. */
export function archivedRepository(trust: RepositoryTrust, trustServer: string, registry: ArchivedRepository['registry']): ArchivedRepository {
  const chain = trust.rootChain;
  if (chain[0]?.signed.version !== 1) {
    throw new TrustDeskError('INTERNAL', `archive of ${trust.gun}: root chain must start at version 1, starts at ${chain[0]?.signed.version}`);
  }
  const files: ArchivedFile[] = [];
  const add = (name: string, raw: Buffer) => files.push({ name, sha256: sha256(raw), length: raw.length, data: raw.toString('base64') });
  for (const root of chain) add(`${root.signed.version}.root.json`, root.raw);
  add('timestamp.json', trust.timestamp.raw);
  add('snapshot.json', trust.snapshot.raw);
  add('targets.json', trust.targets.raw);
  const versions: Record<string, number> = {
    root: trust.root.signed.version,
    timestamp: trust.timestamp.signed.version,
    snapshot: trust.snapshot.signed.version,
    targets: trust.targets.signed.version,
  };
  for (const d of trust.delegations) {
    add(`${d.env.role}.json`, d.env.raw);
    versions[d.env.role] = d.env.signed.version;
  }
  return { gun: trust.gun, trustServer, rootVersion: trust.root.signed.version, versions, files, ...(registry ? { registry } : {}) };
}

/** Serialises an archive: header line + body, the header's digest over the body's exact bytes (the body's version in both). */
export function serialiseArchive(body: ArchiveBody, signature?: ArchiveSignature): Buffer {
  const bodyBytes = Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
  const header: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    version: body.version,
    body_sha256: sha256(bodyBytes),
    body_length: bodyBytes.length,
    ...(signature ? { signature } : {}),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), bodyBytes]);
}

/** Serialises an archive signed by `key` (the signature covers the manifest: body digest and length). */
export async function serialiseSignedArchive(body: ArchiveBody, key: ArchiveSigningKey): Promise<Buffer> {
  if (body.version < 2) throw new TrustDeskError('INTERNAL', 'only a version 2 archive can be signed');
  const unsigned = serialiseArchive(body);
  const header = JSON.parse(unsigned.subarray(0, unsigned.indexOf(0x0a)).toString('utf8')) as ArchiveHeader;
  const keyid = archiveKeyId(key.scheme, key.publicKey);
  const sig = await key.sign(archiveSignedMessage(header, { scheme: key.scheme, keyid }));
  return serialiseArchive(body, {
    scheme: key.scheme,
    keyid,
    public_key: key.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sig: sig.toString('base64'),
  });
}

export async function writeArchive(file: string, body: ArchiveBody, key?: ArchiveSigningKey): Promise<Buffer> {
  const bytes = key ? await serialiseSignedArchive(body, key) : serialiseArchive(body);
  try {
    await writeFileAtomic(file, bytes, { mode: 0o644 });
  } catch (err) {
    throw new TrustDeskError('INVALID_ARGUMENT', `cannot write trust archive ${file}: ${(err as Error).message}`, { cause: err });
  }
  return bytes;
}

function isHex64(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

/**
 * Parses and checks an archive's integrity (header, body digest, every file's hash and length,
 * structure). Does not verify signatures: `verifyArchivedRepository` does, through the updater.
 */
export function parseArchive(bytes: Buffer, file = 'archive'): TrustArchive {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0 || nl > 4096) throw archiveInvalid(file, 'no header line');
  let header: ArchiveHeader;
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  } catch {
    throw archiveInvalid(file, 'the header is not JSON');
  }
  if (typeof header !== 'object' || header === null || header.format !== ARCHIVE_FORMAT) {
    throw archiveInvalid(file, `not a ${ARCHIVE_FORMAT} file`);
  }
  if (!Number.isSafeInteger(header.version) || header.version < 1) throw archiveInvalid(file, 'the header has no valid version');
  if (!READABLE_ARCHIVE_VERSIONS.includes(header.version)) {
    throw new TrustDeskError(
      'ARCHIVE_UNSUPPORTED',
      `trust archive ${file} has format version ${header.version}; this TrustDesk reads versions ${READABLE_ARCHIVE_VERSIONS.join(' and ')}`,
    );
  }
  if (!isHex64(header.body_sha256) || !Number.isSafeInteger(header.body_length)) throw archiveInvalid(file, 'the header has no valid body digest');
  if (header.signature !== undefined && header.version < 2) throw archiveInvalid(file, 'a version 1 archive cannot carry a signature');
  // a signed archive: the signature covers the header's manifest, the manifest must match the body
  const signer = header.signature !== undefined ? checkSignature(header, file) : undefined;
  const tampered = (detail: string) =>
    signer ? signatureInvalid(file, `the body does not match the signed manifest (${detail})`) : archiveInvalid(file, detail);
  const bodyBytes = bytes.subarray(nl + 1);
  if (bodyBytes.length !== header.body_length) {
    throw tampered(`the body is ${bodyBytes.length} bytes, the header records ${header.body_length}`);
  }
  const actual = sha256(bodyBytes);
  if (actual !== header.body_sha256) throw tampered(`body sha256 is ${actual}, the header records ${header.body_sha256}`);
  let body: ArchiveBody;
  try {
    body = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    throw archiveInvalid(file, 'the body is not JSON');
  }
  checkBody(body, header.version, file);
  return { header, body, ...(signer ? { signer } : {}) };
}

function checkBody(body: ArchiveBody, version: number, file: string): void {
  if (typeof body !== 'object' || body === null || body.format !== ARCHIVE_FORMAT || body.version !== version) {
    throw archiveInvalid(file, 'the body does not repeat the header format and version');
  }
  if (typeof body.archivedAt !== 'string' || Number.isNaN(Date.parse(body.archivedAt))) throw archiveInvalid(file, 'archivedAt is not a time');
  if (!Array.isArray(body.repositories)) throw archiveInvalid(file, 'no repositories list');
  const guns = new Set<string>();
  for (const r of body.repositories) {
    if (typeof r?.gun !== 'string' || guns.has(r.gun)) throw archiveInvalid(file, 'a repository has no name or appears twice');
    guns.add(r.gun);
    if (!Number.isSafeInteger(r.rootVersion) || r.rootVersion < 1 || !Array.isArray(r.files))
      throw archiveInvalid(file, `${r.gun}: no root version or files`);
    const names = new Set<string>();
    for (const f of r.files) {
      if (typeof f?.name !== 'string' || !/^(?:[0-9]+\.root|[a-z0-9_-]+(?:\/[a-z0-9_-]+)*)\.json$/.test(f.name) || names.has(f.name)) {
        throw archiveInvalid(file, `${r.gun}: a file has a bad or repeated name`);
      }
      names.add(f.name);
      if (!isHex64(f.sha256) || !Number.isSafeInteger(f.length) || typeof f.data !== 'string')
        throw archiveInvalid(file, `${r.gun}/${f.name}: no hash, length or data`);
      const raw = Buffer.from(f.data, 'base64');
      if (raw.toString('base64') !== f.data) throw archiveInvalid(file, `${r.gun}/${f.name}: data is not canonical base64`);
      if (raw.length !== f.length) throw archiveInvalid(file, `${r.gun}/${f.name}: ${raw.length} bytes, the manifest records ${f.length}`);
      if (sha256(raw) !== f.sha256) throw archiveInvalid(file, `${r.gun}/${f.name}: sha256 does not match the manifest`);
    }
    if (typeof r.trustServer !== 'string') throw archiveInvalid(file, `${r.gun}: no trust server`);
    checkRegistry(r, file);
    for (let v = 1; v <= r.rootVersion; v++) {
      if (!names.has(`${v}.root.json`))
        throw new TrustDeskError('ARCHIVE_INCOMPLETE', `trust archive ${file}: ${r.gun} lacks root version ${v} of its chain`);
    }
  }
}

function checkRegistry(r: ArchivedRepository, file: string): void {
  const reg = r.registry as unknown;
  if (reg === undefined) return;
  const bad = (detail: string) => archiveInvalid(file, `${r.gun}: registry ${detail}`);
  if (typeof reg !== 'object' || reg === null) throw bad('is not an object');
  const o = reg as Record<string, unknown>;
  if (o.skipped === true || (typeof o.error === 'object' && o.error !== null)) return;
  if (!Array.isArray(o.tags)) throw bad('has no tags list');
  for (const t of o.tags as unknown[]) {
    const x = t as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || typeof x.tag !== 'string') throw bad('has a tag without a name');
    if (x.digest !== undefined && (typeof x.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(x.digest)))
      throw bad(`tag ${x.tag} has a bad digest`);
    if (x.size !== undefined && !Number.isSafeInteger(x.size)) throw bad(`tag ${x.tag} has a bad size`);
    if (x.mediaType !== undefined && typeof x.mediaType !== 'string') throw bad(`tag ${x.tag} has a bad media type`);
    if (x.error !== undefined) {
      const e = x.error as Record<string, unknown>;
      if (typeof e !== 'object' || e === null || typeof e.code !== 'string' || typeof e.message !== 'string')
        throw bad(`tag ${x.tag} has a bad error`);
    }
  }
}

export async function readArchive(file: string): Promise<TrustArchive> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new TrustDeskError('INVALID_ARGUMENT', `cannot read trust archive ${file}: ${(err as Error).message}`);
  }
  if (bytes.length > MAX_ARCHIVE_BYTES) throw archiveInvalid(file, `larger than ${MAX_ARCHIVE_BYTES} bytes`);
  return parseArchive(bytes, file);
}

/** A MetadataSource over one archived repository: the "server" is the archive. */
export class ArchiveSource implements MetadataSource {
  private readonly files = new Map<string, Buffer>();

  constructor(private readonly repo: ArchivedRepository) {
    for (const f of repo.files) this.files.set(f.name, Buffer.from(f.data, 'base64'));
  }

  private get(name: string, maxBytes: number): Buffer {
    const b = this.files.get(name);
    if (!b) throw new TrustDeskError('METADATA_NOT_FOUND', `${name} of ${this.repo.gun} is not in the archive`);
    if (b.length > maxBytes) throw new TrustDeskError('RESPONSE_TOO_LARGE', `${name} of ${this.repo.gun} is larger than ${maxBytes} bytes`);
    return b;
  }

  async fetchRole(_gun: string, role: string, opts: { maxBytes: number; checksumHex?: string }): Promise<Buffer> {
    // root.json is the newest root; by-checksum names resolve to the archived file (the store
    // checks its hash against the snapshot or timestamp anyway).
    return this.get(role === 'root' ? `${this.repo.rootVersion}.root.json` : `${role}.json`, opts.maxBytes);
  }

  async fetchRootVersion(_gun: string, version: number, opts: { maxBytes: number }): Promise<Buffer> {
    return this.get(`${version}.root.json`, opts.maxBytes);
  }
}

/** A trust cache in memory: verification of an archive neither reads nor writes the user's cache. */
export class MemoryTrustCache extends TrustCache {
  private readonly files = new Map<string, Buffer>();

  constructor() {
    super('/nonexistent-trustdesk-memory-cache');
  }

  override async read(gun: string, role: string): Promise<Buffer | undefined> {
    return this.files.get(`${gun}\0${role}`);
  }

  override async write(gun: string, role: string, raw: Buffer): Promise<void> {
    this.files.set(`${gun}\0${role}`, raw);
  }

  override async cachedRoles(gun: string): Promise<Set<string>> {
    const prefix = `${gun}\0`;
    return new Set([...this.files.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  }

  override async cachedAt(): Promise<Date | undefined> {
    return undefined;
  }

  override async listRepositories(): Promise<string[]> {
    return [...new Set([...this.files.keys()].map((k) => k.split('\0')[0]!))].sort();
  }
}

/** The archived repository for a GUN, or ARCHIVE_INCOMPLETE naming what the archive holds. */
export function findArchivedRepository(archive: TrustArchive, gun: string): ArchivedRepository {
  const r = archive.body.repositories.find((x) => x.gun === gun);
  if (!r) {
    throw new TrustDeskError(
      'ARCHIVE_INCOMPLETE',
      `the trust archive has no ${gun}; it holds ${archive.body.repositories.map((x) => x.gun).join(', ') || 'no repository'}`,
    );
  }
  return r;
}
