/**
 * Root rotation through an offline bundle: pre-flight, the new root.json (signed here by the new
 * root key), the request bundle for the old root's signature, and on import: verification, a
 * simulation as a fresh client and as clients holding every older root, publish, re-verify and the
 * rollback plan. The snapshot must be server-managed (docker's default): only root.json is sent and
 * the server signs the new snapshot.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { TrustDeskError } from '../base/errors.js';
import { keyId } from '../tuf/keys.js';
import type { RootSigned } from '../tuf/metadata/root.js';
import { expiresIn, LIFETIME_DAYS } from '../publishing/expiry.js';
import { loadRemoteTrust } from '../publishing/publisher.js';
import { makeRootCertificate } from '../signing/root-certificate.js';
import type { KeyObjectSigner, KeyRing } from '../signing/signer.js';
import type { ParsedReference } from '../base/reference.js';
import { TrustedMetadataStore } from '../tuf/trusted-metadata-store.js';
import type { TrustSession } from '../session/trust-session.js';
import { backupRecord, findRootKey, rootKeyIdsOf } from './backup.js';
import { checkBundle, envelopeOf, missingSignatures, newBundleId, rootRotationSummary, sealBundle, type SigningBundle } from './bundle.js';
import type { CeremonyLog } from './log.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface PreflightCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface RotationRequest {
  session: TrustSession;
  ref: ParsedReference;
  keys: KeyRing;
  newRootKeyId: string;
  /** Skip the "new key backed up" check (tests, or a key whose backup is elsewhere): reported. */
  allowUnbackedUp?: boolean;
  log?: CeremonyLog;
  now?: Date;
}

export interface Simulation {
  client: string;
  ok: boolean;
  detail: string;
}

/** Walks every root from each older version to `next` as a client holding that version would. */
export function simulateClients(gun: string, history: Buffer[], next: Buffer, now: Date): Simulation[] {
  const out: Simulation[] = [];
  try {
    const s = new TrustedMetadataStore(gun, next, { now, firstUse: true });
    out.push({ client: 'fresh client (trust on first use)', ok: true, detail: `accepts root version ${s.root.signed.version}` });
  } catch (err) {
    out.push({ client: 'fresh client (trust on first use)', ok: false, detail: (err as Error).message });
  }
  history.forEach((raw, i) => {
    const label = `client that cached root version ${i + 1}`;
    try {
      const s = new TrustedMetadataStore(gun, raw, { now, firstUse: false });
      for (const r of [...history.slice(i + 1), next]) s.updateRoot(r);
      s.checkRootFresh();
      out.push({ client: label, ok: true, detail: `walks to root version ${s.root.signed.version}` });
    } catch (err) {
      out.push({ client: label, ok: false, detail: (err as Error).message });
    }
  });
  return out;
}

async function rootHistory(session: TrustSession, ref: ParsedReference, current: number): Promise<Buffer[]> {
  const source = await session.notarySource(ref);
  const out: Buffer[] = [];
  for (let v = 1; v <= current; v++) out.push(await source.fetchRootVersion(ref.gun, v, { maxBytes: 1024 * 1024 }));
  return out;
}

export interface RotationPlan {
  preflight: PreflightCheck[];
  bundle: SigningBundle;
  simulationIfSigned: string;
}

/** Online: builds and signs (new key) the next root.json, returns the request bundle. */
export async function prepareRootRotation(req: RotationRequest): Promise<RotationPlan> {
  const now = req.now ?? req.session.now();
  const gun = req.ref.gun;
  const preflight: PreflightCheck[] = [];
  const trust = await loadRemoteTrust(req.session, req.ref);
  const oldIds = rootKeyIdsOf(trust.root.raw).ids;
  preflight.push({
    check: 'trust data verified from the server',
    ok: true,
    detail: `root version ${trust.root.signed.version}, old root key(s) ${oldIds.map((k) => k.slice(0, 12)).join(', ')}`,
  });
  let history: Buffer[] = [];
  try {
    history = await rootHistory(req.session, req.ref, trust.root.signed.version);
    const sims = simulateClients(gun, history.slice(0, -1), history[history.length - 1]!, now);
    const bad = sims.filter((s) => !s.ok);
    preflight.push({
      check: 'full root history',
      ok: bad.length === 0,
      detail: bad.length ? bad.map((s) => `${s.client}: ${s.detail}`).join('; ') : `root versions 1..${history.length} fetched and chain-verified`,
    });
  } catch (err) {
    preflight.push({ check: 'full root history', ok: false, detail: (err as Error).message });
  }
  const entry = await findRootKey(req.keys.trustDir, req.newRootKeyId);
  if (oldIds.includes(entry.keyId))
    throw new TrustDeskError(
      'PREFLIGHT_FAILED',
      `root key ${entry.keyId.slice(0, 12)} is already the root key of ${gun}: generate a new one (trustdesk root generate)`,
    );
  const rec = await backupRecord(req.keys.trustDir, entry.keyId);
  preflight.push({
    check: 'new root key backed up (restore drill passed)',
    ok: !!rec || !!req.allowUnbackedUp,
    detail: rec
      ? `drill passed ${rec.drillPassedAt}`
      : req.allowUnbackedUp
        ? 'NOT backed up (allowed by --allow-no-backup)'
        : `no passed restore drill for ${entry.keyId.slice(0, 12)}: run trustdesk root backup and root restore-drill first`,
  });
  const snapshotLocal = await Promise.all(trust.root.signed.roles.snapshot.keyids.map((id) => req.keys.holds(trust.root.signed.keys[id]!)));
  preflight.push({
    check: 'snapshot signed by the server',
    ok: !snapshotLocal.some(Boolean),
    detail: snapshotLocal.some(Boolean)
      ? 'the snapshot key is on this machine: hand it to the server first (trustdesk key rotate REPO snapshot --server-managed)'
      : 'yes: only root.json is published',
  });
  const failed = preflight.filter((p) => !p.ok);
  if (failed.length)
    throw new TrustDeskError(
      'PREFLIGHT_FAILED',
      `root rotation pre-flight of ${gun} failed: ${failed.map((p) => `${p.check}: ${p.detail}`).join('; ')}`,
    );

  const signer = await req.keys.rootSigner(entry);
  const bundle = await buildRotationBundle(gun, trust.root.raw, trust.snapshot.raw, signer, now);
  const next = { version: bundle.items[0]!.version };
  // what this machine exported: an imported bundle must carry exactly these bytes
  const dir = join(req.keys.trustDir, 'ceremony', 'requests');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(
    join(dir, `${bundle.id}.json`),
    JSON.stringify({
      id: bundle.id,
      gun,
      sha256: bundle.items[0]!.sha256,
      trustedRootSha256: bundle.trustedRootSha256,
      basedOnSnapshotSha256: bundle.basedOnSnapshotSha256,
      history: history.map((h) => h.toString('base64')),
    }),
    { mode: 0o600 },
  );
  await req.log?.append({
    step: 'root-rotation-request-exported',
    keyIds: [...oldIds, entry.keyId],
    hashes: { 'new root.json signed': bundle.items[0]!.sha256, 'trusted root.json': bundle.trustedRootSha256, bundle: bundle.bundleSha256 },
    details: {
      gun,
      bundleId: bundle.id,
      fromVersion: trust.root.signed.version,
      toVersion: next.version,
      preflight: preflight.map((p) => `${p.ok ? 'ok' : 'FAIL'} ${p.check}`),
    },
  });
  return { preflight, bundle, simulationIfSigned: 'run trustdesk bundle sign on the machine with the old root key' };
}

/** The request bundle of a root rotation to `signer`'s key (pure: no network, no files). */
export async function buildRotationBundle(
  gun: string,
  trustedRootRaw: Buffer,
  snapshotRaw: Buffer,
  signer: KeyObjectSigner,
  now: Date,
): Promise<SigningBundle> {
  const trusted = (JSON.parse(trustedRootRaw.toString('utf8')) as { signed: RootSigned }).signed;
  const cert = makeRootCertificate(signer.privateKey, gun, now);
  const newId = keyId(cert.key);
  const next: RootSigned = JSON.parse(JSON.stringify(trusted)) as RootSigned;
  next.version = trusted.version + 1;
  next.expires = expiresIn(now, LIFETIME_DAYS.root);
  next.keys[newId] = cert.key; // notary keeps the old root keys listed
  next.roles.root = { keyids: [newId], threshold: 1 };
  const msg = canonicalBytes(next);
  const s = await signer.sign(msg);
  const oldRole = trusted.roles.root;
  const pick = (keys: RootSigned['keys'], ids: string[]) => Object.fromEntries(ids.filter((id) => keys[id]).map((id) => [id, keys[id]!]));
  return sealBundle({
    format: 'trustdesk-signing-bundle',
    version: 1,
    kind: 'request',
    id: newBundleId(),
    purpose: 'root-rotation',
    gun,
    createdAt: now.toISOString(),
    trustedRoot: trustedRootRaw.toString('base64'),
    trustedRootSha256: sha256(trustedRootRaw),
    basedOnSnapshotSha256: sha256(snapshotRaw),
    summary: rootRotationSummary(gun, trusted as never, next as never),
    items: [
      {
        role: 'root',
        version: next.version,
        signed: msg.toString('base64'),
        sha256: sha256(msg),
        length: msg.length,
        requiredSignatures: [
          { name: 'old root', threshold: oldRole.threshold, keyIds: oldRole.keyids, keys: pick(trusted.keys, oldRole.keyids) },
          { name: 'new root', threshold: 1, keyIds: [newId], keys: { [newId]: cert.key } },
        ],
        signatures: [{ keyid: newId, method: s.method, sig: s.sig }],
      },
    ],
  });
}

export interface ImportResult {
  gun: string;
  published: boolean;
  fromVersion: number;
  toVersion: number;
  simulations: Simulation[];
  newRootKeyIds: string[];
  rollbackPlan?: string;
}

/** Online: checks a signed bundle against what was exported, simulates, publishes, re-verifies. */
export async function importSignedBundle(opts: {
  session: TrustSession;
  ref: ParsedReference;
  trustDir: string;
  text: string;
  publish: boolean;
  log?: CeremonyLog;
  rollbackPlanFile?: string;
}): Promise<ImportResult> {
  const c = checkBundle(opts.text, 'signed');
  const b = c.bundle;
  if (b.gun !== opts.ref.gun) throw new TrustDeskError('BUNDLE_INVALID', `signing bundle refused: it is for ${b.gun}, not ${opts.ref.gun}`);
  let exported: { sha256: string; trustedRootSha256: string; basedOnSnapshotSha256: string; history: string[] };
  try {
    exported = JSON.parse(await readFile(join(opts.trustDir, 'ceremony', 'requests', `${b.id}.json`), 'utf8'));
  } catch {
    throw new TrustDeskError('BUNDLE_INVALID', `signing bundle refused: bundle ${b.id} was not exported from this machine's trust dir`);
  }
  if (
    exported.sha256 !== b.items[0]!.sha256 ||
    exported.trustedRootSha256 !== b.trustedRootSha256 ||
    exported.basedOnSnapshotSha256 !== b.basedOnSnapshotSha256
  ) {
    throw new TrustDeskError(
      'BUNDLE_INVALID',
      'signing bundle refused: its root bytes are not the ones exported as this request (mismatched or altered bundle)',
    );
  }
  const missing = missingSignatures(c);
  if (missing.length) throw new TrustDeskError('SIGNATURE_THRESHOLD_NOT_MET', `signing bundle is not fully signed: ${missing.join('; ')}`);
  const raw = envelopeOf(c);
  const history = exported.history.map((h) => Buffer.from(h, 'base64'));
  const now = opts.session.now();
  const simulations = simulateClients(b.gun, history.length ? history : [Buffer.from(b.trustedRoot, 'base64')], raw, now);
  const failed = simulations.filter((s) => !s.ok);
  if (failed.length)
    throw new TrustDeskError(
      'ROOT_ROTATION_INVALID',
      `the new root would lock clients out: ${failed.map((s) => `${s.client}: ${s.detail}`).join('; ')}; nothing was published`,
    );
  const toVersion = c.newRoots[0]!.version;
  const newRootKeyIds = rootKeyIdsOf(raw).ids;
  const result: ImportResult = { gun: b.gun, published: false, fromVersion: c.oldRoot.version, toVersion, simulations, newRootKeyIds };
  await opts.log?.append({
    step: 'signed-bundle-verified',
    keyIds: newRootKeyIds,
    hashes: { 'root.json': sha256(raw), bundle: b.bundleSha256 },
    details: { gun: b.gun, bundleId: b.id, simulations: simulations.map((s) => `${s.ok ? 'ok' : 'FAIL'} ${s.client}`) },
  });
  if (!opts.publish) return result;
  const current = await loadRemoteTrust(opts.session, opts.ref);
  if (sha256(current.root.raw) !== b.trustedRootSha256 || sha256(current.snapshot.raw) !== b.basedOnSnapshotSha256) {
    throw new TrustDeskError(
      'PUBLISH_CONFLICT',
      `${b.gun} changed on the server since the request was exported (root or snapshot differ): export a new request; nothing was published`,
    );
  }
  await (await opts.session.notaryPublisher(opts.ref)).publish(b.gun, [{ role: 'root', raw }]);
  const after = await loadRemoteTrust(opts.session, opts.ref);
  if (after.root.signed.version !== toVersion || sha256(after.root.raw) !== sha256(raw)) {
    throw new TrustDeskError(
      'ROOT_ROTATION_INVALID',
      `published, but the server now serves root version ${after.root.signed.version}, not the signed version ${toVersion}: check with trustdesk inspect`,
    );
  }
  result.published = true;
  const plan = rollbackPlan(b.gun, rootKeyIdsOf(Buffer.from(b.trustedRoot, 'base64')).ids, newRootKeyIds, c.oldRoot.version, toVersion, now);
  if (opts.rollbackPlanFile) {
    await writeFile(opts.rollbackPlanFile, plan, { mode: 0o600 });
    result.rollbackPlan = opts.rollbackPlanFile;
  }
  await opts.log?.append({
    step: 'root-rotation-published',
    keyIds: newRootKeyIds,
    hashes: { 'root.json': sha256(after.root.raw), 'snapshot.json': sha256(after.snapshot.raw) },
    details: { gun: b.gun, version: toVersion, reverified: true },
  });
  return result;
}

export function rollbackPlan(gun: string, oldIds: string[], newIds: string[], from: number, to: number, now: Date): string {
  return `# Rollback plan: root rotation of ${gun}

Written ${now.toISOString()}. Root version ${from} -> ${to}.
Old root key(s): ${oldIds.join(', ')}
New root key(s): ${newIds.join(', ')}

TUF root versions only go forward: a rotation is never "undone" by republishing version ${from}
(every client that saw version ${to} refuses an older root as a rollback attack).

If the new root key is lost or clients fail after this rotation:
1. Keep the old root key and its backup until every client has pulled once after the rotation.
2. Rotate forward to the old key (or a fresh one): version ${to + 1}, signed by the new root key
   (the trusted root of updated clients) and by the old root key (clients still at version ${from}):
     trustdesk root rotate ${gun} --new-key <KEYID> --bundle-out request.json
   then sign it offline with the key(s) it asks for (trustdesk bundle sign) and import it.
3. If the new root key is gone entirely, clients that saw version ${to} can only be re-keyed by
   deleting their cached trust data for ${gun} (trust/tuf/${gun}) after you re-initialise it:
   tell them before you do it, and publish the new root key ID through a second channel.
Check afterwards: trustdesk inspect ${gun}; docker trust inspect ${gun}; notary list ${gun}.
`;
}

/** What a rotation without the old root key means for clients (compromise): said plainly. */
export function compromiseStatement(gun: string, version: number): string {
  return `Rotating the root of ${gun} without the old root key (compromise):
- the new root cannot be signed by the old root key, so every client that cached root version ${version}
  (every docker or notary client that ever pulled signed images of ${gun}) refuses it with
  "root rotation invalid" / "could not rotate trust to a new trusted root" until its cached trust data
  for ${gun} is deleted;
- notary-server refuses a new root not signed by the old root's keys: the trust data of ${gun} must be
  deleted on the server (notary delete ${gun} --remote) and the repository initialised again with the
  new root key, which re-signs every tag;
- fresh clients trust the new root on first use: pin its ID (trustdesk pin add --id) and tell every user
  the new root key ID through a channel other than the trust server.`;
}
