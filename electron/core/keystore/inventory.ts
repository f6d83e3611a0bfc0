/**
 * Key inventory: the local key files reconciled with the cached metadata of every known repository.
 *  - which local key serves which role in which repository (root keys matched through the
 *    certificate's public key, so both IDs are known);
 *  - roles of repositories this machine administers whose key is missing here (what would end in
 *    notary's "could not find necessary signing keys" at the next publish);
 *  - local keys that claim a role in a repository that no longer lists them;
 *  - orphan keys, used by no known repository.
 * Metadata is verified offline from the cache when it can be (no network); when it cannot (expired,
 * say), the cached files are parsed without verification and the repository is marked unverified.
 * The result holds public information only (IDs, roles, GUNs, paths, warnings).
 */
import { TrustCache } from '../cache/trust-cache.js';
import { canonicalKeyId, type PublicKeyJson } from '../tuf/keys.js';
import { updateRepository } from '../tuf/repository-updater.js';
import { parseRoot, BASE_ROLES } from '../tuf/metadata/root.js';
import { parseTargets, delegationsOf, type TargetsEnvelope } from '../tuf/metadata/targets.js';
import { toErrorValue } from '../base/errors.js';
import type { KeyFileEntry } from './key-file-store.js';

export interface RoleAssignment {
  role: string;
  threshold: number;
  /** Canonical (bare-key) IDs: the IDs key files are named after. */
  keyIds: string[];
  /** canonical ID → the ID the metadata lists (differs for certificate-wrapped root keys). */
  metadataKeyIds: Record<string, string>;
  /** Key types as listed (`ecdsa-x509`, `ecdsa`, ...). */
  keyTypes: Record<string, string>;
}

export interface RepositoryRoles {
  gun: string;
  /** Read from verified metadata (offline, from the cache). */
  verified: boolean;
  roles: RoleAssignment[];
  warnings: string[];
}

export interface KeyUsage {
  gun: string;
  role: string;
  /** The ID this repository's metadata lists for the key (the certificate's ID for root keys). */
  metadataKeyId: string;
  verified: boolean;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: FindingSeverity;
  kind: 'missing-key' | 'stale-key' | 'below-threshold' | 'orphan-key' | 'unverified-metadata' | 'key-file';
  gun?: string;
  role?: string;
  keyIds: string[];
  message: string;
}

export interface InventoryEntry {
  keyId: string;
  usedBy: KeyUsage[];
  /** Every other ID this key has in metadata (root certificate IDs). */
  otherIds: string[];
}

export interface Reconciliation {
  repositories: RepositoryRoles[];
  usage: Map<string, InventoryEntry>;
  findings: Finding[];
}

function assignment(role: string, keyids: string[], threshold: number, keys: Record<string, PublicKeyJson>): RoleAssignment {
  const out: RoleAssignment = { role, threshold, keyIds: [], metadataKeyIds: {}, keyTypes: {} };
  for (const id of keyids) {
    const k = keys[id];
    let canonical = id;
    if (k) {
      try {
        canonical = canonicalKeyId(k);
      } catch {
        canonical = id; // an unreadable certificate: keep the listed ID
      }
    }
    out.keyIds.push(canonical);
    out.metadataKeyIds[canonical] = id;
    if (k) out.keyTypes[canonical] = k.keytype;
  }
  return out;
}

function delegationAssignments(envs: TargetsEnvelope[]): RoleAssignment[] {
  const out: RoleAssignment[] = [];
  for (const env of envs) {
    const { keys, roles } = delegationsOf(env);
    for (const d of roles) out.push(assignment(d.name, d.keyids, d.threshold, keys));
  }
  return out;
}

/** The roles and keys of one cached repository; verified offline if possible. */
export async function repositoryRoles(cache: TrustCache, gun: string, now = new Date()): Promise<RepositoryRoles> {
  try {
    const t = await updateRepository({ gun, cache, now });
    const roles = BASE_ROLES.map((r) => assignment(r, t.root.signed.roles[r].keyids, t.root.signed.roles[r].threshold, t.root.signed.keys));
    roles.push(...delegationAssignments([t.targets, ...t.delegations.map((d) => d.env)]));
    return { gun, verified: true, roles, warnings: [] };
  } catch (err) {
    const warnings = [`cached metadata does not verify (${toErrorValue(err).message}); roles read without verification`];
    const roles: RoleAssignment[] = [];
    try {
      const raw = await cache.read(gun, 'root');
      if (!raw) throw new Error('no root.json');
      const root = parseRoot(raw);
      roles.push(...BASE_ROLES.map((r) => assignment(r, root.signed.roles[r].keyids, root.signed.roles[r].threshold, root.signed.keys)));
      const envs: TargetsEnvelope[] = [];
      const seen = new Set<string>();
      const visit = async (role: string, depth: number): Promise<void> => {
        if (seen.has(role) || depth > 8 || seen.size > 500) return;
        seen.add(role);
        const bytes = await cache.read(gun, role).catch(() => undefined);
        if (!bytes) return;
        let env: TargetsEnvelope;
        try {
          env = parseTargets(role, bytes);
        } catch {
          warnings.push(`cached ${role} cannot be parsed`);
          return;
        }
        envs.push(env);
        for (const d of delegationsOf(env).roles) await visit(d.name, depth + 1);
      };
      await visit('targets', 0);
      roles.push(...delegationAssignments(envs));
    } catch (e) {
      warnings.push(`cached root cannot be read: ${(e as Error).message}`);
    }
    return { gun, verified: false, roles, warnings };
  }
}

/** Is `key` (a local file's claim) about `role` in `gun`? Docker names delegation keys by signer only. */
function claims(key: KeyFileEntry, gun: string, role: string): boolean {
  if (!key.role) return false;
  if (key.gun !== undefined && key.gun !== gun) return false;
  if (key.role === role) return key.gun !== undefined || role === 'root' || role.startsWith('targets/');
  return false;
}

/** Reconciles the local keys with the roles of the given repositories. */
export function reconcile(keys: KeyFileEntry[], repositories: RepositoryRoles[]): Reconciliation {
  const usage = new Map<string, InventoryEntry>();
  const local = new Set(keys.map((k) => k.keyId));
  for (const k of keys) usage.set(k.keyId, { keyId: k.keyId, usedBy: [], otherIds: [] });
  const findings: Finding[] = [];

  for (const repo of repositories) {
    if (!repo.verified) {
      findings.push({
        severity: 'warning',
        kind: 'unverified-metadata',
        gun: repo.gun,
        keyIds: [],
        message: `${repo.gun}: ${repo.warnings[0] ?? 'metadata not verified'}`,
      });
    }
    const held = (a: RoleAssignment | undefined) => (a ? a.keyIds.filter((id) => local.has(id)) : []);
    for (const a of repo.roles) {
      for (const id of held(a)) {
        const u = usage.get(id)!;
        const metadataKeyId = a.metadataKeyIds[id] ?? id;
        u.usedBy.push({ gun: repo.gun, role: a.role, metadataKeyId, verified: repo.verified });
        if (metadataKeyId !== id && !u.otherIds.includes(metadataKeyId)) u.otherIds.push(metadataKeyId);
      }
    }
    const byRole = new Map(repo.roles.map((a) => [a.role, a]));
    const rootHeld = held(byRole.get('root'));
    const targetsHeld = held(byRole.get('targets'));
    const claimsHere = keys.some((k) => k.gun === repo.gun);
    const administered = rootHeld.length > 0 || targetsHeld.length > 0 || claimsHere;
    if (administered) {
      const t = byRole.get('targets');
      if (t && targetsHeld.length === 0) {
        findings.push({
          severity: 'error',
          kind: 'missing-key',
          gun: repo.gun,
          role: 'targets',
          keyIds: t.keyIds,
          message: `${repo.gun}: this machine administers the repository but holds no targets key (${t.keyIds.map((i) => i.slice(0, 7)).join(', ')}): adding signers or signing into targets will fail with "could not find necessary signing keys"`,
        });
      }
      const s = byRole.get('snapshot');
      if (s && held(s).length === 0) {
        findings.push({
          severity: 'info',
          kind: 'missing-key',
          gun: repo.gun,
          role: 'snapshot',
          keyIds: s.keyIds,
          message: `${repo.gun}: the snapshot key is not on this machine: fine if the server manages snapshots, else publishing fails`,
        });
      }
      const r = byRole.get('root');
      if (r && rootHeld.length === 0) {
        findings.push({
          severity: 'info',
          kind: 'missing-key',
          gun: repo.gun,
          role: 'root',
          keyIds: r.keyIds,
          message: `${repo.gun}: the root key is not on this machine (kept offline?): it is needed only to rotate keys`,
        });
      }
    }
    for (const a of repo.roles) {
      const h = held(a);
      if (h.length > 0 && h.length < a.threshold) {
        findings.push({
          severity: 'warning',
          kind: 'below-threshold',
          gun: repo.gun,
          role: a.role,
          keyIds: h,
          message: `${repo.gun}: ${a.role} needs ${a.threshold} signatures; this machine holds ${h.length} of its keys`,
        });
      }
      for (const k of keys) {
        if (claims(k, repo.gun, a.role) && !a.keyIds.includes(k.keyId)) {
          findings.push({
            severity: 'warning',
            kind: 'stale-key',
            gun: repo.gun,
            role: a.role,
            keyIds: [k.keyId],
            message: `${repo.gun}: local ${a.role} key ${k.keyId.slice(0, 7)} is not a key of ${a.role} there (rotated or removed?): signing with it will fail`,
          });
        }
      }
    }
  }
  const known = new Set(repositories.map((r) => r.gun));
  for (const k of keys) {
    if (usage.get(k.keyId)!.usedBy.length === 0) {
      findings.push({
        severity: 'info',
        kind: 'orphan-key',
        keyIds: [k.keyId],
        ...(k.role ? { role: k.role } : {}),
        ...(k.gun ? { gun: k.gun } : {}),
        message:
          k.gun && !known.has(k.gun)
            ? `key ${k.keyId.slice(0, 7)} (${k.role ?? 'no role'}, ${k.gun}): ${k.gun} is not in the trust cache, so its use is unknown (run "trustdesk inspect ${k.gun}" to fetch it)`
            : `key ${k.keyId.slice(0, 7)}${k.role ? ` (${k.role}${k.gun ? `, ${k.gun}` : ''})` : ''} is used by no known repository (a key just generated and not yet added as a signer looks the same)`,
      });
    }
    for (const w of k.warnings) findings.push({ severity: 'warning', kind: 'key-file', keyIds: [k.keyId], message: `${k.relPath}: ${w}` });
  }
  return { repositories, usage, findings };
}
