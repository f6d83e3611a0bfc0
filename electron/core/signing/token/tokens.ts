/**
 * Keys on PKCS#11 tokens, for publishing: where each token key is (records in `<trust dir>/tokens/`,
 * public data only: key ID, public key, CKA_ID, module and token label/serial of every copy), the
 * `Pkcs11Signer` publishing signs with, the PIN source (TRUSTDESK_TOKEN_PIN, then the CLI prompt or
 * the app's dialog), key generation on the token and import of a file key into one or more tokens.
 * Every token call goes through the worker process (client.ts).
 */
import { createHash, createPublicKey, randomBytes, verify as nodeVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustDeskError, isTrustDeskError } from '../../base/errors.js';
import { writeFileAtomic } from '../../base/fs-atomic.js';
import { tryCanonicalKeyId, keyId as metadataKeyId, publicKeyJson, type PublicKeyJson } from '../../tuf/keys.js';
import { makeRootCertificateWith, type RootCertificate } from '../root-certificate.js';
import type { SignatureResult, Signer } from '../signer.js';
import { Pkcs11Client, forkTransport, TokenError, type TransportFactory } from './client.js';
import { kindOf } from './modules.js';
import type { LoginAs, TokenFlags, TokenInfo, TokenRef } from '../../../signer/protocol.js';
import { readOne, children } from '../../keystore/der.js';

export interface TokenLocation {
  module: string;
  token: TokenRef;
}

export interface TokenKeyRecord {
  /** Canonical ID of the bare public key (as for key files). */
  keyId: string;
  role: string;
  /** Base64 DER SPKI of the public key. */
  publicKey: string;
  /** CKA_ID of the key objects, hex. */
  ckaId: string;
  label: string;
  /**
   * `generated`: made on the token by TrustDesk, no copy anywhere; `imported`: from a key file (backup
   * path); `existing`: already on the token (made by a vendor tool, e.g. ykman), adopted.
   */
  origin: 'generated' | 'imported' | 'existing';
  /** Every token holding the key (one for a generated key; several after an import). */
  locations: TokenLocation[];
  createdAt: string;
  /** Root certificates stored on the token for this key, per repository. */
  certificates?: { gun: string; notAfter: string }[];
}

/** What the token's info flags say about the PIN about to be asked (CKF_(SO_)PIN_COUNT_LOW / FINAL_TRY / LOCKED). */
export type PinState = 'ok' | 'count-low' | 'final-try' | 'locked' | 'unknown';

/** One PIN question: which token (label, serial, module), which key, why, and the token's PIN state. */
export interface PinRequest {
  /** The token's label. */
  token: string;
  serial?: string;
  module?: string;
  /** The key the operation uses, when it has one yet. */
  keyId?: string;
  /** What will be done, in words. */
  summary: string;
  attempt: number;
  as: LoginAs;
  state?: PinState;
  /** ykcs11's SO login takes the PIV management key (hex), not a PIN. */
  managementKey?: boolean;
  minLength?: number;
  maxLength?: number;
}

/** Asks for a token PIN; undefined when nobody can answer (or the user cancelled). The summary says what will be signed. */
export type PinProvider = (req: PinRequest) => Promise<string | undefined>;

export const TOKEN_PIN_ENV = 'TRUSTDESK_TOKEN_PIN';
/** The security officer's PIN (ykcs11: the PIV management key, hex) for putting keys and certificates on a token. */
export const TOKEN_SO_PIN_ENV = 'TRUSTDESK_TOKEN_SO_PIN';

/** The PIN state the token's flags tell, for the user PIN or the SO PIN. */
export function pinStateOf(f: TokenFlags, as: LoginAs): PinState {
  if (as === 'so') return f.soPinLocked ? 'locked' : f.soPinFinalTry ? 'final-try' : f.soPinCountLow ? 'count-low' : 'ok';
  return f.pinLocked ? 'locked' : f.pinFinalTry ? 'final-try' : f.pinCountLow ? 'count-low' : 'ok';
}

export function locationText(l: TokenLocation): string {
  return `token "${l.token.label}"${l.token.serial ? ` (serial ${l.token.serial})` : ''} in ${l.module}`;
}

const sameLocation = (a: TokenLocation, b: TokenLocation) =>
  a.module === b.module && a.token.label === b.token.label && (!a.token.serial || !b.token.serial || a.token.serial === b.token.serial);

/** The records of one trust dir. */
export class TokenKeyStore {
  readonly dir: string;

  constructor(readonly trustDir: string) {
    this.dir = join(trustDir, 'tokens');
  }

  async list(): Promise<TokenKeyRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: TokenKeyRecord[] = [];
    for (const n of names.filter((x) => /^[0-9a-f]{64}\.json$/.test(x)).sort()) {
      try {
        const r = JSON.parse(await readFile(join(this.dir, n), 'utf8')) as TokenKeyRecord;
        if (r.keyId === n.slice(0, 64) && Array.isArray(r.locations)) out.push(r);
      } catch {
        /* an unreadable record is skipped */
      }
    }
    return out;
  }

  async get(keyId: string): Promise<TokenKeyRecord | undefined> {
    return (await this.list()).find((r) => r.keyId === keyId);
  }

  async save(r: TokenKeyRecord): Promise<void> {
    await writeFileAtomic(join(this.dir, `${r.keyId}.json`), `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
  }
}

function spkiKey(spkiB64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiB64, 'base64'), format: 'der', type: 'spki' });
}

/** A DER certificate's subject, issuer and serial (CKA_SUBJECT etc. for the token object). */
function certificateParts(der: Buffer): { subject: Buffer; issuer: Buffer; serial: Buffer } {
  const tbs = children(readOne(der))[0]!;
  const parts = children(tbs);
  // [0] version, serial, sigAlg, issuer, validity, subject
  return { serial: parts[1]!.raw, issuer: parts[3]!.raw, subject: parts[5]!.raw };
}

export interface TokenAccessOptions {
  trustDir: string;
  env: NodeJS.ProcessEnv;
  prompt?: PinProvider;
  /** The worker transport (default: child_process.fork of the worker). The app passes a utilityProcess. */
  transport?: TransportFactory;
}

/** Token keys of one trust dir, the worker client and the PINs of one operation. */
export class TokenAccess {
  readonly store: TokenKeyStore;
  private clientInstance?: Pkcs11Client;
  private readonly pins = new Map<string, string>();
  private readonly signers = new Map<string, Pkcs11Signer>();

  constructor(private readonly opts: TokenAccessOptions) {
    this.store = new TokenKeyStore(opts.trustDir);
  }

  get client(): Pkcs11Client {
    this.clientInstance ??= new Pkcs11Client(this.opts.transport ?? forkTransport(undefined, this.opts.env));
    return this.clientInstance;
  }

  /** The PIN (or SO PIN) for a token, asked once per operation; never logged or returned. */
  async pin(l: TokenLocation, summary: string, as: LoginAs = 'user', keyId?: string): Promise<string> {
    const key = `${as}\n${l.module}\n${l.token.label}\n${l.token.serial ?? ''}`;
    const cached = this.pins.get(key);
    if (cached !== undefined) return cached;
    const envName = as === 'so' ? TOKEN_SO_PIN_ENV : TOKEN_PIN_ENV;
    const what = as === 'so' ? 'SO PIN (YubiKey: management key)' : 'PIN';
    let pin = this.opts.env[envName];
    if ((pin === undefined || pin === '') && this.opts.prompt) {
      const info = await this.tokenInfo(l);
      const state = info ? pinStateOf(info.flags, as) : 'unknown';
      pin = await this.opts.prompt({
        token: l.token.label,
        ...(l.token.serial || info?.serial ? { serial: l.token.serial || info!.serial } : {}),
        module: l.module,
        ...(keyId ? { keyId } : {}),
        summary,
        attempt: 1,
        as,
        state,
        managementKey: as === 'so' && kindOf(l.module) === 'ykcs11',
        ...(info && info.maxPinLength > 0 ? { minLength: info.minPinLength, maxLength: info.maxPinLength } : {}),
      });
      if (state === 'locked') {
        throw new TrustDeskError(
          'TOKEN_PIN_LOCKED',
          `the ${what} of ${locationText(l)} is locked (too many wrong tries): nothing was changed; ${as === 'so' ? 'the token must be reset with its vendor tool' : 'unlock it with the SO PIN (softhsm2-util / ykman piv access unblock-pin) or the vendor tool'}, then try again`,
        );
      }
      if (pin === undefined || pin === '') {
        throw new TrustDeskError(
          'TOKEN_PIN_REQUIRED',
          `the ${what} of ${locationText(l)} was not given (the dialog was cancelled): nothing was signed or changed; to ${summary}, run the step again and enter the ${what}`,
        );
      }
    }
    if (pin === undefined || pin === '') {
      throw new TrustDeskError(
        'TOKEN_PIN_REQUIRED',
        `the ${what} of ${locationText(l)} is needed to ${summary}: enter it when asked, or set ${envName}`,
      );
    }
    this.pins.set(key, pin);
    return pin;
  }

  /** The token's info (flags, PIN lengths) for the PIN question; undefined when the module cannot say. */
  private async tokenInfo(l: TokenLocation): Promise<TokenInfo | undefined> {
    try {
      const report = await this.client.list(l.module);
      const label = l.token.label.trim();
      return report.tokens.find((t) => t.label.trim() === label && (!l.token.serial || t.serial.trim() === l.token.serial.trim()));
    } catch {
      return undefined;
    }
  }

  /** Runs a PIN-protected request; a wrong PIN is forgotten (never retried automatically). */
  async withPin<T>(l: TokenLocation, summary: string, fn: (pin: string) => Promise<T>, as: LoginAs = 'user', keyId?: string): Promise<T> {
    const pin = await this.pin(l, summary, as, keyId);
    try {
      return await fn(pin);
    } catch (err) {
      if (isTrustDeskError(err, 'TOKEN_PIN_WRONG') || isTrustDeskError(err, 'TOKEN_PIN_LOCKED'))
        this.pins.delete(`${as}\n${l.module}\n${l.token.label}\n${l.token.serial ?? ''}`);
      throw err;
    }
  }

  /** Who writes keys and certificates: ykcs11 wants the PIV management key (SO), other modules the user. */
  static writerFor(module: string): LoginAs {
    return kindOf(module) === 'ykcs11' ? 'so' : 'user';
  }

  /** Forgets the PINs and stops the worker. */
  close(): void {
    this.pins.clear();
    this.signers.clear();
    this.clientInstance?.close();
    this.clientInstance = undefined;
  }

  /** The token signer for a metadata key (any form: bare or certificate), if a record names it. */
  async signerFor(key: PublicKeyJson): Promise<Pkcs11Signer | undefined> {
    const id = tryCanonicalKeyId(key);
    if (id === undefined) return undefined;
    const cached = this.signers.get(id);
    if (cached) return cached;
    const r = await this.store.get(id);
    if (!r) return undefined;
    const s = new Pkcs11Signer(r, this);
    this.signers.set(id, s);
    return s;
  }

  signerOf(r: TokenKeyRecord): Pkcs11Signer {
    const s = this.signers.get(r.keyId) ?? new Pkcs11Signer(r, this);
    this.signers.set(r.keyId, s);
    return s;
  }

  /** The CKA_ID for a new key: a YubiKey's ykcs11 maps IDs to PIV slots (2 = 9c digital signature). */
  static defaultCkaId(module: string): string {
    return kindOf(module) === 'ykcs11' ? '02' : randomBytes(8).toString('hex');
  }

  /** Generates an ECDSA P-256 key on the token (never anywhere else) and records where it is. */
  async generate(l: TokenLocation, opts: { role?: string; ckaId?: string; label?: string; as?: LoginAs } = {}): Promise<TokenKeyRecord> {
    const as = opts.as ?? TokenAccess.writerFor(l.module);
    const role = opts.role ?? 'root';
    const ckaId = opts.ckaId ?? TokenAccess.defaultCkaId(l.module);
    const label = opts.label ?? `trustdesk ${role} key`;
    const { spki } = await this.withPin(
      l,
      `generate a new ${role} key on the token`,
      (pin) => this.client.request<{ spki: string }>({ op: 'generate', module: l.module, token: l.token, pin, ckaId, label, as }),
      as,
    );
    const keyId = metadataKeyId(publicKeyJson(spkiKey(spki)));
    const record: TokenKeyRecord = {
      keyId,
      role,
      publicKey: spki,
      ckaId,
      label,
      origin: 'generated',
      locations: [l],
      createdAt: new Date().toISOString(),
    };
    await this.store.save(record);
    return record;
  }

  /**
   * Puts a software ECDSA P-256 key on each token (same CKA_ID everywhere), as backups of one
   * another. A token that fails gets nothing (its half-made objects are removed); the error names it.
   * A token removed while its copy is written undoes the whole import (TOKEN_REMOVED): no record changes.
   */
  async importKey(
    privateKey: KeyObject,
    locations: TokenLocation[],
    opts: { role?: string; ckaId?: string; label?: string; as?: LoginAs } = {},
  ): Promise<{ record: TokenKeyRecord; failed: { location: TokenLocation; error: TrustDeskError }[] }> {
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', 'only ECDSA P-256 keys can be put on a token (notary roots are P-256)');
    }
    if (locations.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'name at least one token to import into');
    const role = opts.role ?? 'root';
    const pub = createPublicKey(privateKey);
    const spki = pub.export({ format: 'der', type: 'spki' }).toString('base64');
    const keyId = metadataKeyId(publicKeyJson(pub));
    const existing = await this.store.get(keyId);
    const ckaId = opts.ckaId ?? existing?.ckaId ?? TokenAccess.defaultCkaId(locations[0]!.module);
    const label = opts.label ?? existing?.label ?? `trustdesk ${role} key`;
    const jwk = privateKey.export({ format: 'jwk' });
    const done: TokenLocation[] = [];
    const failed: { location: TokenLocation; error: TrustDeskError }[] = [];
    try {
      for (const l of locations) {
        if (existing?.locations.some((x) => sameLocation(x, l))) {
          done.push(l);
          continue;
        }
        try {
          const d = Buffer.from(jwk.d!, 'base64url');
          const padded = Buffer.concat([Buffer.alloc(Math.max(0, 32 - d.length)), d]);
          d.fill(0);
          await this.withPin(
            l,
            `store the ${role} key ${keyId.slice(0, 7)} on the token`,
            (pin) =>
              this.client.request({
                op: 'import',
                module: l.module,
                token: l.token,
                pin,
                ckaId,
                label,
                d: padded.toString('base64'),
                spki,
                as: opts.as ?? TokenAccess.writerFor(l.module),
              }),
            opts.as ?? TokenAccess.writerFor(l.module),
            keyId,
          );
          padded.fill(0);
          done.push(l);
        } catch (err) {
          const error = err instanceof TrustDeskError ? err : new TrustDeskError('TOKEN_ERROR', (err as Error).message);
          if (error.code === 'TOKEN_REMOVED' || error.code === 'TOKEN_WORKER_FAILED') {
            // pulled out (or the module died) while its copy was being written: undo this import everywhere,
            // so no token keeps a copy nobody checked and the records stay as they were
            const undone = await this.undoImport(
              done.filter((d) => !existing?.locations.some((x) => sameLocation(x, d))),
              ckaId,
              opts.as,
            );
            throw new TokenError(
              error.code,
              `${locationText(l)} was removed while the ${role} key ${keyId.slice(0, 7)} was being stored on it (${error.message}): the import was undone${
                undone.length ? ` (the copy on ${undone.map(locationText).join(', ')} was deleted again)` : ''
              } and nothing was recorded; the key file is unchanged. Plug the token in again and repeat the import`,
            );
          }
          failed.push({ location: l, error });
        }
      }
    } finally {
      jwk.d = undefined;
    }
    const locationsAll = [...(existing?.locations ?? [])];
    for (const l of done) if (!locationsAll.some((x) => sameLocation(x, l))) locationsAll.push(l);
    const record: TokenKeyRecord = existing
      ? { ...existing, locations: locationsAll }
      : { keyId, role, publicKey: spki, ckaId, label, origin: 'imported', locations: locationsAll, createdAt: new Date().toISOString() };
    if (locationsAll.length > 0) await this.store.save(record);
    this.signers.delete(keyId);
    return { record, failed };
  }

  /** Deletes the objects an interrupted import made (same CKA_ID) on each of `locations`; returns where it could. */
  private async undoImport(locations: TokenLocation[], ckaId: string, as?: LoginAs): Promise<TokenLocation[]> {
    const undone: TokenLocation[] = [];
    for (const l of locations) {
      const who = as ?? TokenAccess.writerFor(l.module);
      try {
        await this.withPin(
          l,
          'delete the interrupted copy of the key',
          (pin) => this.client.request({ op: 'delete-key', module: l.module, token: l.token, pin, ckaId, as: who }),
          who,
        );
        undone.push(l);
      } catch {
        /* that token went too: its copy is not recorded, so it is never used */
      }
    }
    return undone;
  }

  /**
   * Records a key that is already on the token (made by another tool): its public key is read from
   * the public-key object or the certificate with that CKA_ID. Only ECDSA P-256 keys qualify.
   */
  async adopt(l: TokenLocation, ckaId: string, opts: { role?: string } = {}): Promise<TokenKeyRecord> {
    const role = opts.role ?? 'root';
    const objects = await this.withPin(l, `read the keys on the token`, (pin) => this.client.objects(l.module, l.token, pin));
    const id = ckaId.toLowerCase();
    const priv = objects.find((o) => o.kind === 'private-key' && o.id === id);
    if (!priv) throw new TrustDeskError('TOKEN_KEY_NOT_FOUND', `${locationText(l)} has no private key with CKA_ID ${id}`);
    if (priv.keyType !== 'ec' || priv.curve !== 'prime256v1')
      throw new TrustDeskError('UNSUPPORTED_KEY_TYPE', `the key ${id} on ${locationText(l)} is not ECDSA P-256 (notary roots are P-256)`);
    let spki = objects.find((o) => o.kind === 'public-key' && o.id === id && o.spki)?.spki;
    const certDer = objects.find((o) => o.kind === 'certificate' && o.id === id && o.der)?.der;
    if (!spki && certDer)
      spki = new X509Certificate(Buffer.from(certDer, 'base64')).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    if (!spki)
      throw new TrustDeskError(
        'TOKEN_KEY_NOT_FOUND',
        `the public half of key ${id} on ${locationText(l)} cannot be read (no public key object or certificate with that CKA_ID)`,
      );
    const keyId = metadataKeyId(publicKeyJson(spkiKey(spki)));
    const existing = await this.store.get(keyId);
    const locations = [...(existing?.locations ?? [])];
    if (!locations.some((x) => sameLocation(x, l))) locations.push(l);
    const origin = existing?.origin ?? (priv.generatedOnToken ? 'generated' : priv.generatedOnToken === false ? 'imported' : 'existing');
    const record: TokenKeyRecord = existing
      ? { ...existing, locations }
      : { keyId, role, publicKey: spki, ckaId: id, label: priv.label, origin, locations, createdAt: new Date().toISOString() };
    // the signature must verify before the key is used for anything
    const probe = Buffer.from(`trustdesk adopt ${keyId}`);
    await new Pkcs11Signer(record, this).signRaw(probe, `check that key ${id} signs`);
    await this.store.save(record);
    this.signers.delete(keyId);
    return record;
  }

  /** The root key to use on a token: one recorded there (not in `exclude`), else a new one made on it. */
  async rootOn(l: TokenLocation, opts: { exclude?: Set<string>; keyId?: string } = {}): Promise<{ record: TokenKeyRecord; created: boolean }> {
    const records = (await this.store.list()).filter(
      (r) => r.role === 'root' && r.locations.some((x) => sameLocation(x, l)) && !opts.exclude?.has(r.keyId),
    );
    if (opts.keyId) {
      const r = records.find((x) => x.keyId.startsWith(opts.keyId!.toLowerCase()));
      if (!r) throw new TrustDeskError('TOKEN_KEY_NOT_FOUND', `no root key ${opts.keyId} recorded on ${locationText(l)}`);
      return { record: r, created: false };
    }
    if (records[0]) return { record: records[0], created: false };
    return { record: await this.generate(l, { role: 'root' }), created: true };
  }

  /**
   * The notary-profile root certificate for `gun` (CN = GUN, 10 years, digitalSignature +
   * keyEncipherment, codeSigning), self-signed by the token key, and stored on every token holding
   * the key next to it (same CKA_ID) unless `store` is false.
   */
  async rootCertificate(r: TokenKeyRecord, gun: string, now: Date, store = true): Promise<RootCertificate> {
    const signer = this.signerOf(r);
    const cert = await makeRootCertificateWith(
      spkiKey(r.publicKey),
      gun,
      (tbs) => signer.signRaw(tbs, `self-sign the root certificate of ${gun}`),
      now,
    );
    if (store) {
      const { subject, issuer, serial } = certificateParts(cert.der);
      let stored = 0;
      for (const l of r.locations) {
        try {
          await this.withPin(
            l,
            `store the root certificate of ${gun}`,
            (pin) =>
              this.client.request({
                op: 'store-certificate',
                module: l.module,
                token: l.token,
                pin,
                ckaId: r.ckaId,
                label: gun,
                der: cert.der.toString('base64'),
                subject: subject.toString('base64'),
                issuer: issuer.toString('base64'),
                serial: serial.toString('base64'),
                as: TokenAccess.writerFor(l.module),
              }),
            TokenAccess.writerFor(l.module),
            r.keyId,
          );
          stored++;
        } catch (err) {
          if (!isTrustDeskError(err, 'TOKEN_NOT_FOUND')) throw err; // a backup token not plugged in gets it later
        }
      }
      if (stored === 0) {
        // a token signed the certificate a moment ago and none is there now: it was pulled out
        throw new TokenError(
          'TOKEN_REMOVED',
          `the token holding the root key ${r.keyId.slice(0, 7)} (${r.locations.map(locationText).join(', ')}) was removed after signing the root certificate of ${gun}: nothing was stored or recorded; plug it in again and repeat`,
        );
      }
      const certificates = [...(r.certificates ?? []).filter((c) => c.gun !== gun), { gun, notAfter: cert.notAfter.toISOString() }];
      r.certificates = certificates;
      await this.store.save(r);
    }
    return cert;
  }
}

export interface SignContext {
  /** What is signed, in words (shown with the PIN prompt and carried to the worker). */
  summary?: string;
}

/**
 * Signs with a key on a token: SHA-256 here, CKM_ECDSA on the token over the digest, raw r||s back
 * (notary's `ecdsa` format), checked against the public key before it is used. The first token of
 * the record that is present signs (backups are tried when the first is not plugged in).
 */
export class Pkcs11Signer implements Signer {
  readonly keyId: string;
  readonly publicKey: PublicKeyJson;
  private readonly pub: KeyObject;

  constructor(
    readonly record: TokenKeyRecord,
    private readonly access: TokenAccess,
  ) {
    this.pub = spkiKey(record.publicKey);
    this.publicKey = publicKeyJson(this.pub);
    this.keyId = record.keyId;
  }

  /** Raw r||s over SHA-256(message). */
  async signRaw(message: Buffer, summary: string): Promise<Buffer> {
    const digest = createHash('sha256').update(message).digest('hex');
    let lastMissing: TrustDeskError | undefined;
    for (const l of this.record.locations) {
      let sigHex: string;
      try {
        ({ sig: sigHex } = await this.access.withPin(
          l,
          summary,
          (pin) =>
            this.access.client.request<{ sig: string }>({
              op: 'sign',
              module: l.module,
              token: l.token,
              pin,
              ckaId: this.record.ckaId,
              digest,
              summary,
            }),
          'user',
          this.keyId,
        ));
      } catch (err) {
        if (isTrustDeskError(err, 'TOKEN_NOT_FOUND') || isTrustDeskError(err, 'TOKEN_MODULE_ERROR')) {
          lastMissing = err as TrustDeskError;
          continue;
        }
        throw err;
      }
      const sig = Buffer.from(sigHex, 'hex');
      if (sig.length !== 64 || !nodeVerify('sha256', message, { key: this.pub, dsaEncoding: 'ieee-p1363' }, sig)) {
        throw new TokenError(
          'TOKEN_ERROR',
          `${locationText(l)} returned a signature that does not verify with key ${this.keyId.slice(0, 7)} (wrong key on the token?)`,
        );
      }
      return sig;
    }
    const where = this.record.locations.map(locationText).join(', ');
    throw new TokenError(
      'TOKEN_NOT_FOUND',
      `the ${this.record.role} key ${this.keyId.slice(0, 7)} is on ${where}, and none of them is present${lastMissing ? ` (${lastMissing.message})` : ''}`,
    );
  }

  async sign(message: Buffer, ctx?: SignContext): Promise<SignatureResult> {
    const sig = await this.signRaw(message, ctx?.summary ?? `sign ${this.record.role} metadata`);
    return { keyId: this.keyId, method: 'ecdsa', sig: sig.toString('base64') };
  }
}

/** A certificate read from a token as a metadata-style key ID (for detection in the app). */
export function certificateKeyId(der: Buffer): string {
  return metadataKeyId(publicKeyJson(new X509Certificate(der).publicKey));
}
