/**
 * `trustdesk signer add|remove`: delegations as docker makes them (`targets/NAME` plus the same keys
 * in `targets/releases`, paths [""] unless given, threshold 1 unless given), and a removal that
 * really removes (docker's only works after its prompt) and first says what it costs: tags that
 * lose their only signer, and whether the remaining keys can still meet targets/releases' threshold.
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TrustDeskError, isTrustDeskError } from '../../base/errors.js';
import { certificateKeyJson, keyId, publicKeyJson, type PublicKeyJson } from '../../tuf/keys.js';
import { parsePemBlocks } from '../../keystore/pem-format.js';
import { canonicalBytes } from '../../tuf/canonical-json.js';
import { verifySignature } from '../../tuf/signatures.js';
import type { Change } from '../../publishing/changelist.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import { parseReference } from '../../base/reference.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import { KEY_NAME_RE } from '../keys/keys.js';
import type { TrustContext } from '../../session/context.js';
import { perRepository, run, toOperationResult, type OperationResult, type RepositoryOutcome } from '../publish/context.js';

const RELEASES = 'targets/releases';
const MAX_KEY_FILE = 1024 * 1024;

export function checkSignerName(name: string): void {
  if (name === 'releases') throw new TrustDeskError('INVALID_ARGUMENT', 'releases is a reserved keyword, use a different signer name');
  if (!KEY_NAME_RE.test(name)) {
    throw new TrustDeskError(
      'INVALID_ARGUMENT',
      `signer name "${name}" must start with lowercase alphanumeric characters and can include "-" or "_" after the first character`,
    );
  }
}

/** A PEM public key (docker's NAME.pub, `role:` header allowed) or certificate as a metadata key. */
export function publicKeyFromPem(text: string, source = 'key'): PublicKeyJson {
  const blocks = parsePemBlocks(text);
  const block = blocks.find((b) => b.label === 'PUBLIC KEY' || b.label === 'CERTIFICATE');
  if (!block) {
    if (blocks.some((b) => b.label.includes('PRIVATE KEY')))
      throw new TrustDeskError('KEY_FORMAT_INVALID', `${source} is a private key: give the public key (NAME.pub) only`);
    throw new TrustDeskError('KEY_FORMAT_INVALID', `${source} holds no PEM public key or certificate`);
  }
  if (block.label === 'CERTIFICATE') {
    const b64 = block.der
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
      .replace(/\n$/, '');
    return certificateKeyJson(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, 'ecdsa-x509');
  }
  try {
    return publicKeyJson(createPublicKey({ key: block.der, format: 'der', type: 'spki' }));
  } catch (err) {
    throw new TrustDeskError('KEY_FORMAT_INVALID', `${source}: the public key cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

export async function readPublicKeyFile(file: string): Promise<PublicKeyJson> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new TrustDeskError(
      'KEY_NOT_FOUND',
      `cannot read public key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (text.length > MAX_KEY_FILE) throw new TrustDeskError('KEY_FORMAT_INVALID', `${file} is larger than 1 MiB`);
  return publicKeyFromPem(text.toString('utf8'), file);
}

export interface AddSignerOptions {
  name: string;
  /** PEM texts of the signer's public keys (the CLI reads --key files). */
  keys: PublicKeyJson[];
  repositories: string[];
  paths?: string[];
  threshold?: number;
  dryRun?: boolean;
}

export interface AddSignerOutcome extends RepositoryOutcome {
  initialised?: boolean;
  keyIds?: string[];
}

export async function addSigner(ctx: TrustContext, opts: AddSignerOptions): Promise<AddSignerOutcome[]> {
  checkSignerName(opts.name);
  if (opts.keys.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'path to a public key must be provided using the `--key` flag');
  const role = `targets/${opts.name}`;
  const keyIds = opts.keys.map(keyId);
  const initialised = new Map<string, boolean>();
  const outcomes = await perRepository(opts.repositories, async (input) => {
    const ref = parseReference(input.gun);
    const changes: Change[] = [
      {
        kind: 'add-delegation',
        role,
        keys: opts.keys,
        ...(opts.paths ? { paths: opts.paths } : {}),
        ...(opts.threshold ? { threshold: opts.threshold } : {}),
      },
      { kind: 'add-delegation', role: RELEASES, keys: opts.keys },
    ];
    let exists = true;
    try {
      await loadRemoteTrust(ctx.session, ref);
    } catch (err) {
      if (!isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) throw err;
      exists = false;
    }
    initialised.set(input.input, !exists);
    const r = await run(ctx, ref, changes, { dryRun: opts.dryRun, ...(exists ? {} : { init: { snapshotServerManaged: true } }) });
    const warnings =
      opts.paths && !opts.paths.includes('')
        ? [
            `${RELEASES} accepts every tag from the keys it lists (docker's layout): TrustDesk releases only tags within ${JSON.stringify(opts.paths)} for ${opts.name}, other tools may not`,
          ]
        : [];
    return toOperationResult(r, warnings);
  });
  return outcomes.map((o) => ({ ...o, ...(o.result ? { initialised: initialised.get(o.repository) ?? false, keyIds } : {}) }));
}

// --- removal and its impact ---

export interface SignerRemovalImpact {
  gun: string;
  signer: string;
  keyIds: string[];
  /** Tags whose only signer (besides the admin) is this one: after removal they show as Repo Admin. */
  tagsLosingOnlySigner: string[];
  /** targets/releases is signed by this signer's keys and the remaining keys cannot meet its threshold. */
  lastSignerOfReleases: boolean;
  /** Released tags that become unpullable until someone else re-signs targets/releases. */
  tagsBecomingUnpullable: string[];
  /** A person must confirm (docker prompts in the same case). */
  needsConfirmation: boolean;
}

function signerNames(trust: RepositoryTrust): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of trust.delegations) {
    if (d.parent !== 'targets' || d.env.role === RELEASES) continue;
    out.set(d.env.role.slice('targets/'.length), d.delegation.keyids);
  }
  for (const r of trust.targets.signed.delegations?.roles ?? []) {
    if (r.name !== RELEASES && !out.has(r.name.slice(8))) out.set(r.name.slice(8), r.keyids);
  }
  return out;
}

export function signerRemovalImpact(trust: RepositoryTrust, name: string): SignerRemovalImpact {
  const role = `targets/${name}`;
  const entry = trust.targets.signed.delegations?.roles.find((r) => r.name === role);
  if (!entry) throw new TrustDeskError('SIGNER_NOT_FOUND', `no signer ${name} for repository ${trust.gun}`);
  const keyIds = [...entry.keyids];
  const others = new Set([...signerNames(trust)].filter(([n]) => n !== name).flatMap(([, ids]) => ids));
  const releases = trust.delegations.find((d) => d.env.role === RELEASES);
  const releasesEntry = trust.targets.signed.delegations?.roles.find((r) => r.name === RELEASES);
  let lastSignerOfReleases = false;
  let tagsBecomingUnpullable: string[] = [];
  if (releases && releasesEntry) {
    const remaining = new Set(releasesEntry.keyids.filter((k) => !keyIds.includes(k) || others.has(k)));
    const keys = trust.targets.signed.delegations!.keys;
    const message = canonicalBytes(releases.env.signed);
    const valid = new Set(
      releases.env.signatures
        .filter((s) => remaining.has(s.keyid) && keys[s.keyid] && verifySignature(keys[s.keyid]!, s.method, message, s.sig))
        .map((s) => s.keyid),
    );
    if (valid.size < releasesEntry.threshold) {
      lastSignerOfReleases = true;
      const inTargets = trust.targets.signed.targets;
      tagsBecomingUnpullable = Object.keys(releases.env.signed.targets)
        .filter((t) => !inTargets[t])
        .sort();
    }
  }
  const own = trust.delegations.find((d) => d.env.role === role);
  const tagsLosingOnlySigner: string[] = [];
  if (own) {
    for (const [tag, meta] of Object.entries(own.env.signed.targets)) {
      const otherSigner = trust.delegations.some(
        (d) =>
          d.env.role !== role && d.env.role !== RELEASES && d.parent === 'targets' && d.env.signed.targets[tag]?.hashes.sha256 === meta.hashes.sha256,
      );
      if (!otherSigner) tagsLosingOnlySigner.push(tag);
    }
  }
  tagsLosingOnlySigner.sort();
  return {
    gun: trust.gun,
    signer: name,
    keyIds,
    tagsLosingOnlySigner,
    lastSignerOfReleases,
    tagsBecomingUnpullable,
    needsConfirmation: lastSignerOfReleases,
  };
}

export interface RemoveSignerOptions {
  name: string;
  repositories: string[];
  /** Go ahead although this is the last signer able to meet targets/releases' threshold. */
  force?: boolean;
  dryRun?: boolean;
}

export interface RemoveSignerOutcome extends RepositoryOutcome {
  impact?: SignerRemovalImpact;
}

/** What removing a signer would cost in one repository (its verified current state from the server). */
export async function signerImpact(ctx: TrustContext, opts: { repository: string; name: string }): Promise<SignerRemovalImpact> {
  const trust = await loadRemoteTrust(ctx.session, parseReference(parseReference(opts.repository).gun));
  return signerRemovalImpact(trust, opts.name);
}

/** What removing a signer would cost, per repository, without changing anything (offboarding preview). */
export async function signerRemovalImpacts(
  ctx: TrustContext,
  name: string,
  repositories: string[],
): Promise<{ repository: string; impact?: SignerRemovalImpact; error?: { code: string; message: string } }[]> {
  const out = [];
  for (const repository of repositories) {
    try {
      out.push({ repository, impact: await signerImpact(ctx, { repository, name }) });
    } catch (err) {
      out.push({ repository, error: { code: isTrustDeskError(err) ? err.code : 'INTERNAL', message: (err as Error).message } });
    }
  }
  return out;
}

export async function removeSigner(ctx: TrustContext, opts: RemoveSignerOptions): Promise<RemoveSignerOutcome[]> {
  checkSignerName(opts.name);
  const impacts = new Map<string, SignerRemovalImpact>();
  const outcomes = await perRepository(opts.repositories, async (input): Promise<OperationResult> => {
    const ref = parseReference(input.gun);
    const trust = await loadRemoteTrust(ctx.session, ref);
    const impact = signerRemovalImpact(trust, opts.name);
    impacts.set(input.input, impact);
    if (impact.needsConfirmation && !opts.force && !opts.dryRun) {
      throw new TrustDeskError(
        'CONFIRMATION_REQUIRED',
        `The signer "${opts.name}" signed the last released version of ${input.input}. Removing this signer will make ${input.input} unpullable${impact.tagsBecomingUnpullable.length ? ` (${impact.tagsBecomingUnpullable.join(', ')})` : ''}: confirm (--force) to remove it`,
      );
    }
    const shared = new Set([...signerNames(trust)].filter(([n]) => n !== opts.name).flatMap(([, ids]) => ids));
    const releasesKeys = impact.keyIds.filter((k) => !shared.has(k));
    const changes: Change[] = [];
    const hasReleases = trust.targets.signed.delegations?.roles.some((r) => r.name === RELEASES);
    if (hasReleases && releasesKeys.length) changes.push({ kind: 'remove-delegation-keys', role: RELEASES, keyIds: releasesKeys });
    changes.push({ kind: 'remove-delegation', role: `targets/${opts.name}` });
    const r = await run(ctx, ref, changes, { dryRun: opts.dryRun });
    const warnings: string[] = [];
    if (impact.tagsLosingOnlySigner.length) warnings.push(`tags that lose their only signer ${opts.name}: ${impact.tagsLosingOnlySigner.join(', ')}`);
    if (impact.lastSignerOfReleases) warnings.push(`${RELEASES} can no longer meet its threshold: its tags are unpullable until it is signed again`);
    return toOperationResult(r, warnings);
  });
  return outcomes.map((o) => ({ ...o, ...(impacts.get(o.repository) ? { impact: impacts.get(o.repository)! } : {}) }));
}
