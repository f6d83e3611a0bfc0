/**
 * Trust pinning: which root keys a repository's root may use, instead of trusting whatever root the
 * server sends first (TOFU).
 *
 * The configuration is notary's client config section `trust_pinning` (notary docs
 * `client-config.md`, `trustpinning/trustpin.go`):
 *   certs         { "<gun>" | "<prefix>*": ["<root cert ID>", ...] }  exact GUN first, then the longest
 *                 wildcard prefix
 *   ca            { "<gun prefix>": "<PEM bundle file>" }  the longest prefix; the root's leaf
 *                 certificate must chain to a certificate of the bundle
 *   disable_tofu  true: a repository matched by neither is refused
 * A `certs` match wins over a `ca` match, as in notary. Pinned IDs are the certificate IDs root.json
 * uses (`ecdsa-x509`, shown by `docker trust inspect` as the Root key); TrustDesk also accepts the bare
 * key's ID (`notary key list`, the key file name), which names the same public key.
 *
 * TrustDesk keeps its own pins in the same shape, in a settings file (`trustdesk-pins.json`, written
 * atomically by `pinCurrentRoot`). Both may be given; for the same GUN pattern or CA prefix the
 * notary config given on the command line wins, `disable_tofu` is on if either sets it.
 *
 * Stricter than notary: notary consults pinning only when it has no cached root (first use).
 * TrustDesk checks the pin against the root it ends up trusting after every update: the first-use
 * root, a cached root, and the newest root reached by rotation. So a root rotated to a key the pin
 * does not list is refused until the pin is updated, and pinning a repository that is already cached
 * takes effect at once. Nothing here does I/O except the loaders, which read CA bundles up front so
 * that the TrustedMetadataStore stays I/O-free.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TrustDeskError } from '../base/errors.js';
import { canonicalKeyId, keyCertificates, pemCertificates } from './keys.js';
import { verifyThreshold } from './metadata/envelope.js';
import type { RootEnvelope } from './metadata/root.js';
import { writeFileAtomic } from '../base/fs-atomic.js';

export interface PinnedCa {
  /** Absolute path of the PEM bundle. */
  file: string;
  certificates: X509Certificate[];
}

export interface TrustPinning {
  certs: Record<string, string[]>;
  ca: Record<string, PinnedCa>;
  disableTofu: boolean;
  /** Files the pins came from, for messages. */
  sources: string[];
}

export const NO_PINNING: TrustPinning = Object.freeze({ certs: {}, ca: {}, disableTofu: false, sources: [] }) as TrustPinning;

export type PinMatch =
  { kind: 'certs'; pattern: string; certIds: string[] } | { kind: 'ca'; prefix: string; ca: PinnedCa } | { kind: 'tofu' } | { kind: 'refused' };

/** The raw JSON section, as in notary's config and TrustDesk's pins file. */
export interface TrustPinningJson {
  certs?: Record<string, string[]>;
  ca?: Record<string, string>;
  disable_tofu?: boolean;
}

const HEX_ID = /^[0-9a-f]{64}$/;

function invalid(file: string, detail: string): TrustDeskError {
  return new TrustDeskError('CONFIG_INVALID', `trust pinning in ${file}: ${detail}`);
}

/** Checks the `trust_pinning` section's shape (no I/O). */
export function parseTrustPinningJson(section: unknown, file: string): TrustPinningJson {
  if (section === undefined || section === null) return {};
  if (typeof section !== 'object' || Array.isArray(section)) throw invalid(file, '"trust_pinning" is not an object');
  const s = section as Record<string, unknown>;
  const out: TrustPinningJson = {};
  if (s.certs !== undefined) {
    if (typeof s.certs !== 'object' || s.certs === null || Array.isArray(s.certs)) throw invalid(file, '"certs" is not an object');
    out.certs = {};
    for (const [pattern, ids] of Object.entries(s.certs)) {
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw invalid(file, `certs["${pattern}"] is not a list of certificate IDs`);
      }
      const lower = (ids as string[]).map((id) => id.toLowerCase());
      const bad = lower.find((id) => !HEX_ID.test(id));
      if (bad !== undefined) throw invalid(file, `certs["${pattern}"]: "${bad}" is not a 64-hex-digit key ID`);
      if (pattern.indexOf('*') !== -1 && pattern.indexOf('*') !== pattern.length - 1) {
        throw invalid(file, `certs key "${pattern}": a wildcard may only end the pattern`);
      }
      out.certs[pattern] = lower;
    }
  }
  if (s.ca !== undefined) {
    if (typeof s.ca !== 'object' || s.ca === null || Array.isArray(s.ca)) throw invalid(file, '"ca" is not an object');
    out.ca = {};
    for (const [prefix, path] of Object.entries(s.ca)) {
      if (typeof path !== 'string' || path === '') throw invalid(file, `ca["${prefix}"] is not a file path`);
      out.ca[prefix] = path;
    }
  }
  if (s.disable_tofu !== undefined) {
    if (typeof s.disable_tofu !== 'boolean') throw invalid(file, '"disable_tofu" is not true or false');
    out.disable_tofu = s.disable_tofu;
  }
  return out;
}

async function loadCa(path: string, baseDir: string, file: string): Promise<PinnedCa> {
  const abs = isAbsolute(path) ? path : resolve(baseDir, path);
  let pem: string;
  try {
    pem = await readFile(abs, 'utf8');
  } catch (err) {
    throw invalid(file, `cannot read CA file ${abs}: ${(err as Error).message}`);
  }
  const blocks = pemCertificates(pem);
  if (blocks.length === 0) throw invalid(file, `CA file ${abs} holds no PEM certificate`);
  try {
    return { file: abs, certificates: blocks.map((b) => new X509Certificate(b)) };
  } catch (err) {
    throw invalid(file, `CA file ${abs}: ${(err as Error).message}`);
  }
}

/** Resolves a parsed section into a TrustPinning, reading CA bundles (paths relative to `file`'s dir). */
export async function resolveTrustPinning(json: TrustPinningJson, file: string): Promise<TrustPinning> {
  const ca: Record<string, PinnedCa> = {};
  for (const [prefix, path] of Object.entries(json.ca ?? {})) ca[prefix] = await loadCa(path, dirname(file), file);
  return { certs: { ...(json.certs ?? {}) }, ca, disableTofu: json.disable_tofu ?? false, sources: [file] };
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TrustDeskError('CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TrustDeskError('CONFIG_INVALID', `${file} is not JSON: ${(err as Error).message}`);
  }
}

/** A notary client config file (`notary -c`, `~/.notary/config.json`): its `trust_pinning` section. */
export async function loadNotaryClientConfig(file: string): Promise<TrustPinning> {
  const json = await readJson(file);
  if (json === undefined) throw new TrustDeskError('CONFIG_INVALID', `notary client config ${file} does not exist`);
  if (typeof json !== 'object' || json === null) throw new TrustDeskError('CONFIG_INVALID', `${file} is not a JSON object`);
  return resolveTrustPinning(parseTrustPinningJson((json as Record<string, unknown>).trust_pinning, file), file);
}

/** TrustDesk's own pins file. */
export const PINS_FILE_NAME = 'trustdesk-pins.json';
export const PINS_FORMAT = 'trustdesk-trust-pinning';

/** Reads TrustDesk's pins file; a missing file means no pins. */
export async function loadPinSettings(file: string): Promise<TrustPinning> {
  const raw = await readPinSettingsJson(file);
  return resolveTrustPinning(raw, file);
}

async function readPinSettingsJson(file: string): Promise<TrustPinningJson> {
  const json = await readJson(file);
  if (json === undefined) return {};
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TrustDeskError('CONFIG_INVALID', `${file} is not a JSON object`);
  const o = json as Record<string, unknown>;
  if (o.format !== undefined && o.format !== PINS_FORMAT) throw new TrustDeskError('CONFIG_INVALID', `${file} is not a TrustDesk pins file`);
  return parseTrustPinningJson(o.trust_pinning, file);
}

/** Merges pin sets: later ones win for the same pattern/prefix; disable_tofu if any sets it. */
export function mergeTrustPinning(...sets: (TrustPinning | undefined)[]): TrustPinning {
  const out: TrustPinning = { certs: {}, ca: {}, disableTofu: false, sources: [] };
  for (const s of sets) {
    if (!s) continue;
    Object.assign(out.certs, s.certs);
    Object.assign(out.ca, s.ca);
    out.disableTofu ||= s.disableTofu;
    out.sources.push(...s.sources);
  }
  return out;
}

/** Which rule decides a GUN: exact certs, longest `prefix*` certs, longest CA prefix, TOFU, or refused. */
export function pinFor(p: TrustPinning, gun: string): PinMatch {
  const exact = p.certs[gun];
  if (exact) return { kind: 'certs', pattern: gun, certIds: exact };
  let best: string | undefined;
  for (const pattern of Object.keys(p.certs)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (gun.startsWith(prefix) && (best === undefined || prefix.length > best.length - 1)) best = pattern;
  }
  if (best !== undefined) return { kind: 'certs', pattern: best, certIds: p.certs[best]! };
  let caPrefix: string | undefined;
  for (const prefix of Object.keys(p.ca)) {
    if (gun.startsWith(prefix) && (caPrefix === undefined || prefix.length > caPrefix.length)) caPrefix = prefix;
  }
  if (caPrefix !== undefined) return { kind: 'ca', prefix: caPrefix, ca: p.ca[caPrefix]! };
  return p.disableTofu ? { kind: 'refused' } : { kind: 'tofu' };
}

function validAt(c: X509Certificate, now: Date): boolean {
  return new Date(c.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(c.validTo).getTime();
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_ANY = '2.5.29.37.0';

/**
 * Notary checks a CA pin with Go's `x509.Verify` and no KeyUsages, which means server auth: every
 * certificate of the chain that lists extended key usages must allow server auth (or any usage).
 * A leaf restricted to code signing is refused by notary's CA pin [lab], so TrustDesk refuses it too.
 */
function allowsServerAuth(c: X509Certificate): boolean {
  const eku = c.keyUsage;
  return !eku || eku.length === 0 || eku.includes(EKU_SERVER_AUTH) || eku.includes(EKU_ANY);
}

/**
 * Whether a certificate chains to one of the anchors, through intermediates (the root key's own
 * bundle and the CA file's non-anchor certificates), every certificate on the way valid at `now`
 * and allowing server auth (see allowsServerAuth). Any certificate of the CA file is an anchor, as
 * notary puts the whole bundle in its root pool.
 */
export function chainsTo(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[], now: Date): boolean {
  if (!allowsServerAuth(leaf)) return false;
  let current = leaf;
  const seen = new Set<string>();
  for (let depth = 0; depth < 8; depth++) {
    if (anchors.some((a) => validAt(a, now) && allowsServerAuth(a) && signedBy(current, a))) return true;
    const next = intermediates.find((i) => !seen.has(i.fingerprint256) && i.ca && validAt(i, now) && allowsServerAuth(i) && signedBy(current, i));
    if (!next) return false;
    seen.add(next.fingerprint256);
    current = next;
  }
  return false;
}

export interface PinCheckResult {
  match: PinMatch;
  /** Root role key IDs (certificate IDs) that satisfied the pin; all of them under TOFU. */
  pinnedKeyIds: string[];
}

function rootKeyIds(root: RootEnvelope): string[] {
  return [...root.signed.roles.root.keyids];
}

function thresholdOf(root: RootEnvelope, keyIds: string[], gun: string, what: string): void {
  try {
    verifyThreshold(root, root.signed.keys, { keyids: keyIds, threshold: root.signed.roles.root.threshold });
  } catch (err) {
    throw new TrustDeskError(
      'TRUST_PIN_MISMATCH',
      `root version ${root.signed.version} of ${gun} is not signed by a threshold of its ${what} root keys: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Checks a root against the pins for its GUN; throws TRUST_PIN_MISMATCH (naming the expected and the
 * found IDs) or ROOT_NOT_PINNED (disable_tofu and no pin). The root's own signatures, certificates
 * and threshold are the store's business and are checked before this.
 */
export function checkPinnedRoot(root: RootEnvelope, gun: string, pinning: TrustPinning, now: Date): PinCheckResult {
  const match = pinFor(pinning, gun);
  const found = rootKeyIds(root);
  const from = pinning.sources.length ? ` (pins from ${pinning.sources.join(', ')})` : '';
  switch (match.kind) {
    case 'tofu':
      return { match, pinnedKeyIds: found };
    case 'refused':
      throw new TrustDeskError(
        'ROOT_NOT_PINNED',
        `${gun} is not pinned and trust on first use is disabled (disable_tofu)${from}; found root key IDs ${found.join(', ')}`,
      );
    case 'certs': {
      const wanted = new Set(match.certIds);
      const pinned = found.filter((id) => {
        if (wanted.has(id)) return true;
        try {
          return wanted.has(canonicalKeyId(root.signed.keys[id]!));
        } catch {
          return false;
        }
      });
      if (pinned.length === 0) {
        throw new TrustDeskError(
          'TRUST_PIN_MISMATCH',
          `root version ${root.signed.version} of ${gun} does not match its pin "${match.pattern}"${from}: expected root key ID ${match.certIds.join(' or ')}, found ${found.join(', ')}`,
        );
      }
      thresholdOf(root, pinned, gun, 'pinned');
      return { match, pinnedKeyIds: pinned };
    }
    case 'ca': {
      const anchors = match.ca.certificates;
      const pinned: string[] = [];
      const issuers: string[] = [];
      for (const id of found) {
        const key = root.signed.keys[id]!;
        if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') continue;
        let certs: X509Certificate[];
        try {
          certs = keyCertificates(key);
        } catch {
          continue;
        }
        const [leaf, ...rest] = certs;
        const ekuNote = allowsServerAuth(leaf!) ? '' : "; its extended key usage excludes server auth, which notary's CA pin requires";
        issuers.push(`${id} (issuer ${leaf!.issuer.replace(/\n/g, ', ')}${ekuNote})`);
        const intermediates = [...rest, ...anchors.filter((a) => a.ca)];
        if (chainsTo(leaf!, intermediates, anchors, now)) pinned.push(id);
      }
      if (pinned.length === 0) {
        const expected = anchors.map(
          (a) => `${a.subject.replace(/\n/g, ', ')} [sha256 ${a.fingerprint256.replace(/:/g, '').toLowerCase().slice(0, 16)}]`,
        );
        throw new TrustDeskError(
          'TRUST_PIN_MISMATCH',
          `root version ${root.signed.version} of ${gun} does not chain to the CA pinned for "${match.prefix}" (${match.ca.file})${from}: expected a certificate issued by ${expected.join(' or ')}, found ${issuers.join(', ') || found.join(', ')}`,
        );
      }
      thresholdOf(root, pinned, gun, 'CA-pinned');
      return { match, pinnedKeyIds: pinned };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// TrustDesk's pins file: read and written by the app ("pin the current root") and the CLI.

export interface PinEntry {
  /** The GUN or `prefix*` pattern (certs) or GUN prefix (ca). */
  pattern: string;
  kind: 'certs' | 'ca';
  certIds?: string[];
  caFile?: string;
  /** The file the pin comes from. */
  source: string;
}

/** Every pin of a pin set, sorted by pattern: what the app lists. */
export function pinEntries(p: TrustPinning): PinEntry[] {
  const source = p.sources.join(', ');
  const out: PinEntry[] = [
    ...Object.entries(p.certs).map(([pattern, certIds]) => ({ pattern, kind: 'certs' as const, certIds: [...certIds], source })),
    ...Object.entries(p.ca).map(([pattern, ca]) => ({ pattern, kind: 'ca' as const, caFile: ca.file, source })),
  ];
  return out.sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
}

/** Replaces (or removes, with `ids` undefined) the certs pin of one GUN in TrustDesk's pins file, atomically. */
export async function writeCertsPin(file: string, gun: string, ids: string[] | undefined): Promise<TrustPinningJson> {
  const current = await readPinSettingsJson(file);
  const certs = { ...(current.certs ?? {}) };
  if (ids) certs[gun] = [...ids];
  else delete certs[gun];
  const next: TrustPinningJson = { ...current, certs };
  await writeFileAtomic(file, `${JSON.stringify({ format: PINS_FORMAT, version: 1, trust_pinning: next }, null, 2)}\n`, { mode: 0o600 });
  return next;
}

/** Default location of TrustDesk's pins file: $TRUSTDESK_PINS, else <config dir>/trustdesk-pins.json. */
export function defaultPinsFile(env: NodeJS.ProcessEnv, configDir: string): string {
  return env.TRUSTDESK_PINS || join(configDir, PINS_FILE_NAME);
}
