/**
 * Signing-request bundles (format `trustdesk-signing-bundle`, version 1; docs/ceremony.md): the
 * exact canonical bytes to sign, their hashes, the root they are checked against and a summary that
 * is recomputed from the bytes (a bundle whose summary says something else is refused). The offline
 * side adds signatures; the online side checks that the bytes are the ones it exported, verifies every
 * signature and the thresholds, and only then publishes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { TrustDeskError } from '../base/errors.js';
import { canonicalKeyId, keyCertificates, type PublicKeyJson } from '../tuf/keys.js';
import type { SignatureJson } from '../tuf/metadata/envelope.js';
import { serialiseEnvelope } from '../tuf/metadata/envelope.js';
import { verifySignature } from '../tuf/signatures.js';
import type { Signer } from '../signing/signer.js';

export const BUNDLE_FORMAT = 'trustdesk-signing-bundle';
export const BUNDLE_VERSION = 1;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface KeySet {
  name: string;
  threshold: number;
  /** Key IDs as the metadata lists them (certificate IDs for root). */
  keyIds: string[];
  keys: Record<string, PublicKeyJson>;
}

export interface BundleItem {
  role: 'root';
  version: number;
  /** base64 of the canonical JSON of the `signed` object: exactly the bytes signed. */
  signed: string;
  sha256: string;
  length: number;
  requiredSignatures: KeySet[];
  signatures: SignatureJson[];
}

export interface SigningBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  kind: 'request' | 'signed';
  id: string;
  purpose: 'root-rotation';
  gun: string;
  createdAt: string;
  /** The trusted root the request was made against (raw served bytes, base64) and its hash. */
  trustedRoot: string;
  trustedRootSha256: string;
  /** sha256 of the snapshot.json the request was built on: a newer server state makes it stale. */
  basedOnSnapshotSha256: string;
  summary: string[];
  items: BundleItem[];
  signedAt?: string;
  /** sha256 of the canonical JSON of every other field: catches damage, not an attacker (see docs). */
  bundleSha256: string;
}

function bodyHash(b: Omit<SigningBundle, 'bundleSha256'> & { bundleSha256?: string }): string {
  const { bundleSha256: _omit, ...rest } = b;
  return sha256(canonicalBytes(rest));
}

export function sealBundle(b: Omit<SigningBundle, 'bundleSha256'>): SigningBundle {
  return { ...b, bundleSha256: bodyHash(b) };
}

export function newBundleId(): string {
  return randomBytes(16).toString('hex');
}

function bad(msg: string): TrustDeskError {
  return new TrustDeskError('BUNDLE_INVALID', `signing bundle refused: ${msg}`);
}

interface RootDoc {
  _type: string;
  version: number;
  expires: string;
  keys: Record<string, PublicKeyJson>;
  roles: Record<string, { keyids: string[]; threshold: number }>;
}

/** The human summary of a root rotation, computed from the bytes alone. */
export function rootRotationSummary(gun: string, oldRoot: RootDoc, next: RootDoc): string[] {
  const oldIds = oldRoot.roles.root?.keyids ?? [];
  const newIds = next.roles.root?.keyids ?? [];
  const lines = [
    `Root rotation of ${gun}: root.json version ${oldRoot.version} -> ${next.version}, expires ${next.expires}`,
    `Old root key(s): ${oldIds.map((id) => `${id} (key ${bare(oldRoot.keys[id])})`).join(', ')} threshold ${oldRoot.roles.root?.threshold}`,
    `New root key(s): ${newIds.map((id) => `${id} (key ${bare(next.keys[id])})`).join(', ')} threshold ${next.roles.root?.threshold}`,
  ];
  for (const role of ['targets', 'snapshot', 'timestamp']) {
    const a = JSON.stringify(oldRoot.roles[role]);
    const b = JSON.stringify(next.roles[role]);
    lines.push(a === b ? `${role} keys: unchanged` : `${role} keys: CHANGED ${a} -> ${b}`);
  }
  return lines;
}

function bare(k: PublicKeyJson | undefined): string {
  if (!k) return '(missing)';
  try {
    return canonicalKeyId(k);
  } catch {
    return '(unreadable)';
  }
}

export interface CheckedBundle {
  bundle: SigningBundle;
  /** Decoded signed bytes per item. */
  messages: Buffer[];
  oldRoot: RootDoc;
  newRoots: RootDoc[];
  /** Per item: set name -> distinct valid signing key IDs. */
  valid: Map<string, Set<string>>[];
  summary: string[];
}

/** Parses and checks a bundle: structure, hashes, bytes, summary, every signature present. */
export function checkBundle(text: string, expectKind?: 'request' | 'signed'): CheckedBundle {
  let b: SigningBundle;
  try {
    b = JSON.parse(text) as SigningBundle;
  } catch {
    throw bad('not JSON');
  }
  if (b?.format !== BUNDLE_FORMAT) throw bad(`not a ${BUNDLE_FORMAT} file`);
  if (b.version !== BUNDLE_VERSION)
    throw bad(`format version ${String(b.version)} is not supported (this TrustDesk reads version ${BUNDLE_VERSION})`);
  if (expectKind && b.kind !== expectKind) throw bad(`it is a ${String(b.kind)} bundle, a ${expectKind} bundle is expected here`);
  if (b.purpose !== 'root-rotation') throw bad(`unknown purpose ${String(b.purpose)}`);
  if (typeof b.bundleSha256 !== 'string' || bodyHash(b) !== b.bundleSha256)
    throw bad('its content does not match its bundleSha256 (damaged or altered)');
  const trustedRaw = Buffer.from(b.trustedRoot, 'base64');
  if (sha256(trustedRaw) !== b.trustedRootSha256) throw bad('trustedRoot does not match trustedRootSha256');
  const oldRoot = (JSON.parse(trustedRaw.toString('utf8')) as { signed: RootDoc }).signed;
  if (!Array.isArray(b.items) || b.items.length !== 1) throw bad('a root rotation bundle has exactly one item');
  const messages: Buffer[] = [];
  const newRoots: RootDoc[] = [];
  const valid: Map<string, Set<string>>[] = [];
  for (const item of b.items) {
    const msg = Buffer.from(item.signed, 'base64');
    if (msg.length !== item.length || sha256(msg) !== item.sha256) throw bad(`the ${item.role} bytes do not match their recorded hash and length`);
    let doc: RootDoc;
    try {
      doc = JSON.parse(msg.toString('utf8')) as RootDoc;
    } catch {
      throw bad(`the ${item.role} bytes are not JSON`);
    }
    if (!canonicalBytes(doc).equals(msg)) throw bad(`the ${item.role} bytes are not canonical JSON`);
    if (item.role !== 'root' || doc._type !== 'Root') throw bad('the item is not a root');
    if (doc.version !== item.version || doc.version !== oldRoot.version + 1)
      throw bad(`root version ${doc.version} does not follow the trusted root version ${oldRoot.version}`);
    // the key sets must be the old root's and the new root's, as the bytes say
    const expected: KeySet[] = [
      {
        name: 'old root',
        threshold: oldRoot.roles.root!.threshold,
        keyIds: oldRoot.roles.root!.keyids,
        keys: pick(oldRoot.keys, oldRoot.roles.root!.keyids),
      },
      { name: 'new root', threshold: doc.roles.root!.threshold, keyIds: doc.roles.root!.keyids, keys: pick(doc.keys, doc.roles.root!.keyids) },
    ];
    if (!canonicalBytes(expected).equals(canonicalBytes(item.requiredSignatures ?? null)))
      throw bad('its required signatures are not the old and the new root keys of the bytes');
    const sets = new Map<string, Set<string>>();
    for (const set of expected) sets.set(set.name, new Set());
    for (const sig of item.signatures ?? []) {
      let matched = false;
      for (const set of expected) {
        const key = set.keys[sig.keyid];
        if (!key) continue;
        if (!verifySignature(key, sig.method, msg, sig.sig))
          throw bad(`the signature by ${sig.keyid.slice(0, 12)} does not verify over the root bytes`);
        sets.get(set.name)!.add(sig.keyid);
        matched = true;
      }
      if (!matched) throw bad(`a signature by ${String(sig.keyid).slice(0, 12)} is not by an old or new root key`);
    }
    messages.push(msg);
    newRoots.push(doc);
    valid.push(sets);
  }
  const summary = rootRotationSummary(b.gun, oldRoot, newRoots[0]!);
  if (JSON.stringify(summary) !== JSON.stringify(b.summary)) throw bad('its summary does not describe its bytes');
  return { bundle: b, messages, oldRoot, newRoots, valid, summary };
}

function pick(keys: Record<string, PublicKeyJson>, ids: string[]): Record<string, PublicKeyJson> {
  return Object.fromEntries(ids.filter((id) => keys[id]).map((id) => [id, keys[id]!]));
}

/** Which thresholds are still short (empty: ready to publish). */
export function missingSignatures(c: CheckedBundle): string[] {
  const out: string[] = [];
  c.bundle.items.forEach((item, i) => {
    for (const set of item.requiredSignatures) {
      const have = c.valid[i]!.get(set.name)?.size ?? 0;
      if (have < set.threshold)
        out.push(`${item.role}: ${set.name} needs ${set.threshold} signature(s) of ${set.keyIds.map((k) => k.slice(0, 12)).join(', ')}, has ${have}`);
    }
  });
  return out;
}

export interface SignerFinder {
  signerFor(key: PublicKeyJson): Promise<Signer | undefined>;
}

/** Adds every signature the given keys can make (file keys or tokens); returns the signed bundle. */
export async function signBundle(c: CheckedBundle, finder: SignerFinder, now: Date): Promise<{ bundle: SigningBundle; signedBy: string[] }> {
  const items: BundleItem[] = [];
  const signedBy: string[] = [];
  for (let i = 0; i < c.bundle.items.length; i++) {
    const item = c.bundle.items[i]!;
    const msg = c.messages[i]!;
    const sigs = [...(item.signatures ?? [])];
    const have = new Set(sigs.map((s) => s.keyid));
    for (const set of item.requiredSignatures) {
      for (const id of set.keyIds) {
        if (have.has(id)) continue;
        const key = set.keys[id]!;
        const signer = await finder.signerFor(key);
        if (!signer) continue;
        const s = await signer.sign(msg, {
          summary: `sign root.json version ${item.version} of ${c.bundle.gun} (sha256 ${item.sha256.slice(0, 16)}…)`,
        });
        if (!verifySignature(key, s.method, msg, s.sig))
          throw new TrustDeskError('SIGNATURE_INVALID', `the signature made by ${id.slice(0, 12)} does not verify`);
        sigs.push({ keyid: id, method: s.method, sig: s.sig });
        have.add(id);
        signedBy.push(id);
      }
    }
    items.push({ ...item, signatures: sigs });
  }
  if (signedBy.length === 0) {
    const wanted = c.bundle.items.flatMap((it) =>
      it.requiredSignatures.flatMap((s) => s.keyIds.filter((id) => !(it.signatures ?? []).some((x) => x.keyid === id))),
    );
    throw new TrustDeskError(
      'NO_SIGNING_KEY',
      `no key on this machine (key files or recorded tokens) can sign this bundle: it asks for ${wanted.map((k) => `${k.slice(0, 12)} (key ${bare(c.bundle.items[0]!.requiredSignatures.flatMap((s) => Object.entries(s.keys)).find(([x]) => x === k)?.[1])})`).join(', ')}`,
    );
  }
  const { bundleSha256: _o, ...rest } = c.bundle;
  return { bundle: sealBundle({ ...rest, kind: 'signed', items, signedAt: now.toISOString() }), signedBy };
}

/** The root.json to publish from a fully signed bundle. */
export function envelopeOf(c: CheckedBundle): Buffer {
  const item = c.bundle.items[0]!;
  const doc = JSON.parse(c.messages[0]!.toString('utf8')) as unknown;
  return serialiseEnvelope(doc, item.signatures);
}

/** Certificates of the new root keys, for the summary shown before signing (CN, validity). */
export function rootCertificates(doc: RootDoc): string[] {
  return (doc.roles.root?.keyids ?? []).flatMap((id) => {
    const k = doc.keys[id];
    if (!k) return [];
    try {
      return keyCertificates(k).map((c) => `${id.slice(0, 12)}: ${c.subject.replace(/\n/g, ', ')}, valid ${c.validFrom} to ${c.validTo}`);
    } catch {
      return [];
    }
  });
}

/**
 * On the offline machine: compares the bundle's trusted root with the root this trust dir cached
 * for the repository (if any). A different root at the same version, or a request built on an older
 * root than one this machine has already seen, is refused; otherwise says what could be checked.
 */
export function compareWithCachedRoot(c: CheckedBundle, cachedRoot: Buffer | undefined): string {
  if (!cachedRoot) return `this machine has no cached root of ${c.bundle.gun}: compare the hashes with the online machine by hand`;
  let cached: { version: number };
  try {
    cached = (JSON.parse(cachedRoot.toString('utf8')) as { signed: { version: number } }).signed;
  } catch {
    return `the cached root of ${c.bundle.gun} on this machine cannot be read: compare the hashes by hand`;
  }
  const trustedRaw = Buffer.from(c.bundle.trustedRoot, 'base64');
  if (cached.version > c.oldRoot.version)
    throw bad(
      `it was built on root version ${c.oldRoot.version}, but this machine has already seen root version ${cached.version} of ${c.bundle.gun} (stale request or rollback)`,
    );
  if (cached.version === c.oldRoot.version) {
    if (
      sha256(cachedRoot) !== sha256(trustedRaw) &&
      !canonicalBytes((JSON.parse(cachedRoot.toString('utf8')) as { signed: unknown }).signed).equals(
        canonicalBytes((JSON.parse(trustedRaw.toString('utf8')) as { signed: unknown }).signed),
      )
    ) {
      throw bad(`its trusted root version ${cached.version} of ${c.bundle.gun} is not the root this machine cached at that version`);
    }
    return `the trusted root matches the root version ${cached.version} this machine cached`;
  }
  return `this machine last cached root version ${cached.version} of ${c.bundle.gun} (the request is built on version ${c.oldRoot.version}): compare the hashes by hand`;
}
