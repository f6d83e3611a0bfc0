/**
 * `trustdesk migrate policy`: from the verified DCT trust data of the repositories and the cosign
 * public keys they were migrated to, the policies that enforce cosign signatures with the same scope
 * and signers (containers policy.json + registries.d, Kyverno, policy-controller, a CI snippet), and
 * the parity report: per tag, would the new policy accept exactly what content trust accepted?
 * `dryRun` returns the parity report and the file contents without writing anything; otherwise the
 * files and the parity report (JSON and text) are written to `outDir`, which must exist.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { isTrustDeskError, toErrorValue, TrustDeskError, type ErrorValue } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { publicKeyFromSpec, signerFromSpec, type KeyContext } from '../../signing/cosign/key-spec.js';
import { isCosignKeyFile } from '../../signing/cosign/key-file.js';
import { publicKeyFromPem, publicKeyPem } from '../../signing/ecdsa.js';
import { canonicalKeyId, publicKeyJson, tryCanonicalKeyId, type PublicKeyJson } from '../../tuf/keys.js';
import { repositoryStatus, type RepositoryStatus } from '../../tuf/verdicts.js';
import { delegationRoles, RELEASES_ROLE } from '../../tuf/repository-view.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import { COSIGN_TAG } from '../../cosign/migrate.js';
import { cosignKeyContext } from '../cosign/key-context.js';
import { verifyDigest } from '../../cosign/verify-images.js';
import { rootKeyIds } from '../../enforcement/audit.js';
import { readDaemonPolicy, globMatches } from '../../enforcement/daemon-policy.js';
import { parityCounts, tagParity, type ParityOutcome, type TagParity } from '../../enforcement/parity.js';
import {
  POLICY_FORMATS,
  writeSuccessorPolicies,
  type PolicyFile,
  type PolicyFormat,
  type PolicyKey,
  type PolicyScope,
  type PolicySet,
  type PolicyProvenance,
  type PolicyRemark,
} from '../../enforcement/successor-policies.js';

export type { PolicyFormat, TagParity, ParityOutcome, PolicyFile, PolicyRemark };
export { POLICY_FORMATS };

export interface MigratePolicyInput {
  repositories: string[];
  /** Public keys: PEM files (cosign.pub), `notary:KEYID`, `token:KEYID|LABEL`. */
  keys: string[];
  /** Public keys already in hand (the app: the signing key's public half), PEM. */
  publicKeys?: { name: string; pem: string }[];
  formats?: PolicyFormat[];
  /** A daemon.json whose content-trust root-keys globs and mode are translated. */
  daemonJson?: string;
  outDir?: string;
  dryRun?: boolean;
}

export interface RepositoryParity {
  name: string;
  gun: string;
  error?: ErrorValue;
  count: number;
  /** DCT delegation signers and whether one of the given keys is theirs. */
  signers: { name: string; threshold: number; migrated: boolean }[];
  tags: TagParity[];
}

export interface ParityReport {
  generatedAt: string;
  keys: { name: string; keyId: string; signers: string[] }[];
  repositories: RepositoryParity[];
  counts: Record<ParityOutcome, number>;
  /** True when every tag is accepted or refused by both (the switch-over changes nothing). */
  identical: boolean;
  needsContainersImage533: boolean;
  untranslatable: PolicyRemark[];
  notes: PolicyRemark[];
}

export interface MigratePolicyResult {
  report: ParityReport;
  files: PolicyFile[];
  /** Where the files were written (absent for a dry run). */
  written?: { dir: string; paths: string[] };
}

const GENERATOR = 'trustdesk migrate policy';

/** A public key spec, or a cosign.key (its public half, the password asked as for signing). */
async function publicKeyOf(spec: string, keyCtx: KeyContext): Promise<KeyObject> {
  if (!spec.includes(':') && (await readFile(spec, 'utf8').then(isCosignKeyFile, () => false))) return (await signerFromSpec(spec, keyCtx)).publicKey;
  return publicKeyFromSpec(spec, keyCtx);
}

function keyName(spec: string): string {
  if (spec.startsWith('notary:') || spec.startsWith('token:')) return spec;
  return basename(spec).replace(/\.(pub|pem|crt|key)$/, '');
}

/** Metadata key ID → canonical key ID for every delegation key the trust data lists. */
function delegationCanonicalIds(trust: RepositoryTrust): Map<string, string> {
  const out = new Map<string, string>();
  const add = (keys: Record<string, PublicKeyJson> | undefined) => {
    for (const [id, k] of Object.entries(keys ?? {})) {
      const c = tryCanonicalKeyId(k);
      if (c) out.set(id, c);
    }
  };
  add(trust.targets.signed.delegations?.keys);
  for (const d of trust.delegations) add(d.env.signed.delegations?.keys);
  return out;
}

interface LoadedRepository {
  name: string;
  gun: string;
  trust?: RepositoryTrust;
  status?: RepositoryStatus;
  error?: ErrorValue;
}

async function checkOutDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new TrustDeskError('INVALID_ARGUMENT', `the output folder ${dir} does not exist: create it first`);
  if (!st.isDirectory()) throw new TrustDeskError('INVALID_ARGUMENT', `${dir} is not a folder`);
}

export async function migratePolicy(ctx: TrustContext, input: MigratePolicyInput): Promise<MigratePolicyResult> {
  if (input.repositories.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'give at least one repository');
  if (input.keys.length === 0 && !input.publicKeys?.length) throw new TrustDeskError('INVALID_ARGUMENT', 'give at least one public key (--key)');
  if (!input.dryRun) await checkOutDir(input.outDir ?? '.');
  const formats = input.formats?.length ? input.formats : POLICY_FORMATS;
  const session = ctx.session;
  const keyCtx = cosignKeyContext(ctx);
  const keyObjects: { name: string; keyId: string; key: KeyObject; pem: string }[] = [];
  const given = [
    ...(input.publicKeys ?? []).map((k) => ({ name: k.name, load: async () => publicKeyFromPem(k.pem) })),
    ...input.keys.map((spec) => ({ name: keyName(spec), load: () => publicKeyOf(spec, keyCtx) })),
  ];
  for (const g of given) {
    const key = await g.load();
    const keyId = canonicalKeyId(publicKeyJson(key));
    if (keyObjects.some((k) => k.keyId === keyId)) continue;
    keyObjects.push({ name: g.name, keyId, key, pem: publicKeyPem(key) });
  }
  const daemon = input.daemonJson ? await readDaemonPolicy(input.daemonJson) : undefined;
  if (daemon?.problems.length)
    throw new TrustDeskError('CONFIG_INVALID', `${input.daemonJson}: ${daemon.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);

  const loaded: LoadedRepository[] = await Promise.all(
    input.repositories.map(async (name): Promise<LoadedRepository> => {
      let gun = name;
      try {
        const ref = parseReference(name);
        gun = ref.gun;
        if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: give a repository without a tag or digest`);
        const [trust, tags] = await Promise.all([
          session.loadTrust(ref).catch((err: unknown) => {
            if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) return undefined;
            throw err;
          }),
          session.registryTags(ref),
        ]);
        return { name, gun, ...(trust ? { trust } : {}), status: repositoryStatus(name, trust, tags, session.now()) };
      } catch (err) {
        return { name, gun, error: toErrorValue(err) };
      }
    }),
  );

  // Which DCT signers each key belongs to, and the count per repository (the releases threshold).
  const keys: PolicyKey[] = keyObjects.map((k) => ({ name: k.name, keyId: k.keyId, pem: k.pem, signers: [] }));
  const provenance: PolicyProvenance = {
    generatedAt: ctx.now().toISOString(),
    generator: GENERATOR,
    repositories: [],
    ...(input.daemonJson ? { daemonJson: input.daemonJson } : {}),
  };
  const repoMeta = new Map<string, { count: number; signers: RepositoryParity['signers']; migratedSigners: string[]; signerNames: string[] }>();
  for (const r of loaded) {
    if (!r.trust) {
      repoMeta.set(r.gun, { count: 1, signers: [], migratedSigners: [], signerNames: [] });
      if (!r.error) provenance.repositories.push({ gun: r.gun, rootKeyIds: [], signers: [] });
      continue;
    }
    const canonical = delegationCanonicalIds(r.trust);
    const roles = delegationRoles(r.trust);
    const signers: RepositoryParity['signers'] = [];
    const migratedSigners: string[] = [];
    let releases: { threshold: number; migrated: number } | undefined;
    for (const role of roles) {
      const ids = role.keyIds.map((id) => canonical.get(id) ?? id);
      const mine = keys.filter((k) => ids.includes(k.keyId));
      if (role.role === RELEASES_ROLE) {
        releases = { threshold: role.threshold, migrated: mine.length };
        continue;
      }
      signers.push({ name: role.name, threshold: role.threshold, migrated: mine.length > 0 });
      if (mine.length) migratedSigners.push(role.name);
      for (const k of mine) if (!k.signers.includes(role.name)) k.signers.push(role.name);
    }
    const count = releases && releases.migrated > 1 ? Math.min(releases.threshold, releases.migrated) : 1;
    repoMeta.set(r.gun, { count, signers, migratedSigners, signerNames: signers.map((s) => s.name) });
    provenance.repositories.push({
      gun: r.gun,
      rootKeyIds: rootKeyIds(r.trust).map((k) => k.canonicalId),
      signers: roles
        .filter((x) => x.role !== RELEASES_ROLE)
        .map((x) => ({ name: x.name, threshold: x.threshold, keyIds: x.keyIds.map((id) => canonical.get(id) ?? id) })),
    });
  }

  // Scopes: the repositories, or the daemon.json globs (repositories under no glob keep their own).
  const scopes: PolicyScope[] = [];
  const untranslatedDaemon: PolicyRemark[] = [];
  const okRepos = loaded.filter((r) => !r.error);
  const countOf = (gun: string) => repoMeta.get(gun)?.count ?? 1;
  if (daemon) {
    const p = daemon.policy;
    for (const rule of p.rootKeys) {
      const covered = okRepos.filter((r) => globMatches(rule.pattern, r.gun));
      scopes.push({
        kind: rule.pattern.includes('*') || rule.pattern.includes('?') ? 'glob' : 'repository',
        pattern: rule.pattern,
        count: Math.max(1, ...covered.map((r) => countOf(r.gun))),
      });
      if (covered.length === 0)
        untranslatedDaemon.push({
          format: 'all',
          message: `root-keys ${rule.glob}: no repository given is under it; the policies require the migrated keys for every image it matches (migrate those repositories too)`,
        });
    }
    for (const r of okRepos)
      if (!p.rootKeys.some((rule) => globMatches(rule.pattern, r.gun))) scopes.push({ kind: 'repository', pattern: r.gun, count: countOf(r.gun) });
    untranslatedDaemon.push({
      format: 'all',
      message: 'root-keys pin Notary root keys; cosign has no root key: the scopes keep the globs, the migrated keys replace the pinned roots',
    });
    if (p.officialImages)
      untranslatedDaemon.push({
        format: 'all',
        message:
          "official-images: Docker Official Images are trusted through Docker's own Notary keys, which have no cosign counterpart here; not translated",
      });
    if (p.allowExpiredTrustCache)
      untranslatedDaemon.push({ format: 'all', message: 'allow-expired-trust-cache: cosign key signatures do not expire; nothing to translate' });
    if (p.mode === 'disabled')
      untranslatedDaemon.push({ format: 'all', message: 'mode disabled: content trust enforced nothing; the policies are written in audit mode' });
  } else {
    for (const r of okRepos) scopes.push({ kind: 'repository', pattern: r.gun, count: countOf(r.gun) });
  }
  const mode = daemon ? (daemon.policy.mode === 'enforced' ? 'enforce' : 'audit') : 'enforce';
  const set: PolicySet = { mode, rejectUnmatched: Boolean(daemon && daemon.policy.mode === 'enforced'), keys, scopes, provenance };
  const written = writeSuccessorPolicies(set, formats);

  // Parity: every tag, both verdicts.
  const repositories: RepositoryParity[] = [];
  for (const r of loaded) {
    const meta = repoMeta.get(r.gun)!;
    if (r.error || !r.status) {
      repositories.push({ name: r.name, gun: r.gun, count: meta?.count ?? 1, signers: [], tags: [], error: r.error! });
      continue;
    }
    const ref = parseReference(r.name);
    const oci = await session.ociClient(ref);
    const verified = new Map<string, Promise<string[]>>();
    const cosignKeysFor = (digest: string) => {
      let p = verified.get(digest);
      if (!p) {
        p = Promise.all(
          keyObjects.map(async (k) => {
            const { signatures } = await verifyDigest(oci, ref.repository, digest, k.key);
            const ok = signatures.some(
              (s) =>
                s.verdict === 'valid' && (s.format === 'bundle' || (s.dockerReference !== undefined && sameRepository(s.dockerReference, r.gun))),
            );
            return ok ? k.name : undefined;
          }),
        ).then((names) => names.filter((n): n is string => n !== undefined));
        verified.set(digest, p);
      }
      return p;
    };
    const images = r.status.tags.filter((t) => !COSIGN_TAG.test(t.tag));
    const tags: TagParity[] = new Array(images.length);
    // A few registry reads at a time (each digest once, every key at once), as the tags table does.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < images.length; i = next++) {
        const t = images[i]!;
        let cosignKeys: string[] = [];
        let cosignError: string | undefined;
        if (t.registryDigest) {
          try {
            cosignKeys = await cosignKeysFor(t.registryDigest);
          } catch (err) {
            const e = toErrorValue(err);
            cosignError = `${e.code}: ${e.message}`;
          }
        }
        tags[i] = tagParity({
          repository: r.gun,
          tag: t.tag,
          ...(t.registryDigest ? { digest: t.registryDigest } : {}),
          dctVerdict: t.verdict,
          dctSigners: t.signers,
          cosignKeys,
          ...(cosignError ? { cosignError } : {}),
          count: meta.count,
          migratedSigners: meta.migratedSigners,
          signers: meta.signerNames,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, Math.max(1, images.length)) }, worker));
    repositories.push({ name: r.name, gun: r.gun, count: meta.count, signers: meta.signers, tags });
  }
  const allTags = repositories.flatMap((r) => r.tags);
  const counts = parityCounts(allTags);
  const untranslatable = [...untranslatedDaemon, ...written.untranslatable];
  const notes = [...written.notes];
  if (written.needsContainersImage533)
    notes.unshift({
      format: 'containers',
      message: 'several keys, any one: policy.json uses keyDatas, which only containers/image ≥ 5.33 reads (podman ≥ 5.3, skopeo ≥ 1.17)',
    });
  const report: ParityReport = {
    generatedAt: provenance.generatedAt,
    keys: keys.map((k) => ({ name: k.name, keyId: k.keyId, signers: k.signers })),
    repositories,
    counts,
    identical: counts['cosign-only'] + counts['no-cosign-signature-yet'] + counts['signer-not-migrated'] === 0,
    needsContainersImage533: written.needsContainersImage533,
    untranslatable,
    notes,
  };
  const files = [
    ...written.files,
    { format: 'ci' as const, path: 'parity-report.txt', title: 'parity report', text: formatParityReport(report) },
    { format: 'ci' as const, path: 'parity-report.json', title: 'parity report (JSON)', text: `${JSON.stringify(report, null, 2)}\n` },
  ];
  if (input.dryRun) return { report, files };
  const dir = input.outDir ?? '.';
  return { report, files, written: { dir, paths: await writePolicyFiles(dir, files) } };
}

/** Writes generated files under `dir` (which must exist), sub-folders made as needed; the paths written. */
export async function writePolicyFiles(dir: string, files: PolicyFile[]): Promise<string[]> {
  await checkOutDir(dir);
  const paths: string[] = [];
  for (const f of files) {
    const path = join(dir, ...f.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.text, { mode: f.path.endsWith('.sh') ? 0o755 : 0o644 });
    paths.push(path);
  }
  return paths;
}

/** The payload's docker-reference names this repository (any tag or digest). */
function sameRepository(dockerReference: string, gun: string): boolean {
  try {
    return parseReference(dockerReference).gun === gun;
  } catch {
    return false;
  }
}

const OUTCOME_TEXT: Record<ParityOutcome, string> = {
  same: 'same',
  'refused-by-both': 'refused by both',
  'signer-not-migrated': 'DIFF signer not migrated',
  'no-cosign-signature-yet': 'DIFF no cosign signature yet',
  'cosign-only': 'DIFF cosign only',
};

export function formatParityReport(r: ParityReport): string {
  let s = `Parity: content trust vs the cosign policy (${r.generatedAt})\n`;
  for (const k of r.keys) s += `Key ${k.name} ${k.keyId.slice(0, 12)}${k.signers.length ? ` = DCT signer ${k.signers.join(', ')}` : ''}\n`;
  for (const repo of r.repositories) {
    s += `\n${repo.gun}`;
    if (repo.error) {
      s += `: ${repo.error.code}: ${repo.error.message}\n`;
      continue;
    }
    s += ` (needs ${repo.count} key${repo.count === 1 ? '' : 's'})${repo.signers.length ? `; signers: ${repo.signers.map((x) => `${x.name}${x.migrated ? '' : ' (not migrated)'}`).join(', ')}` : ''}\n`;
    const w = Math.max(3, ...repo.tags.map((t) => t.tag.length));
    s += `  ${'TAG'.padEnd(w)}  ${'CONTENT TRUST'.padEnd(30)}  ${'COSIGN POLICY'.padEnd(14)}  OUTCOME\n`;
    for (const t of repo.tags) {
      const dct = `${t.dct.accepts ? 'accept' : 'refuse'} (${t.dct.verdict})`;
      s += `  ${t.tag.padEnd(w)}  ${dct.padEnd(30)}  ${(t.cosign.accepts ? 'accept' : 'refuse').padEnd(14)}  ${OUTCOME_TEXT[t.outcome]}${t.outcome === 'same' || t.outcome === 'refused-by-both' ? '' : `: ${t.detail}`}\n`;
    }
  }
  const c = r.counts;
  s += `\n${c.same} same, ${c['refused-by-both']} refused by both, ${c['signer-not-migrated']} signer not migrated, ${c['no-cosign-signature-yet']} no cosign signature yet, ${c['cosign-only']} cosign only\n`;
  s += r.identical
    ? 'The cosign policy accepts exactly what content trust accepted.\n'
    : 'The cosign policy does NOT accept exactly what content trust accepted (DIFF rows above).\n';
  for (const n of r.notes) s += `note (${n.format}): ${n.message}\n`;
  for (const u of r.untranslatable) s += `not translated (${u.format}): ${u.message}\n`;
  return s;
}
