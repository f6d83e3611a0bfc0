/**
 * The app's repository view model: the joined tag status, the signers with the tags they signed,
 * the administrative keys with who holds them, every expiry on one timeline, and the trust graph.
 * Plain Node: the app's main process and the tests build it the same way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalKeyId, keyCertificates, type PublicKeyJson } from '../../tuf/keys.js';
import { BASE_ROLES, type BaseRole } from '../../tuf/metadata/root.js';
import { delegationRoles, roleTargets, RELEASES_ROLE } from '../../tuf/repository-view.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';
import type { ErrorValue } from '../../base/errors.js';
import { repositoryStatus, type RegistryTag } from '../../tuf/verdicts.js';
import type {
  AdminKey,
  AdminRoleView,
  CertificateView,
  GraphNode,
  KeyHolder,
  RepositoryOverview,
  RepositorySummary,
  SignerView,
  TimelineEntry,
  TrustGraph,
} from '../../../../shared/view-model.js';

export interface OverviewInput {
  name: string;
  /** Undefined: the repository has no trust data. */
  trust?: RepositoryTrust;
  registryTags: RegistryTag[];
  /** Why the registry's tags are missing, when they are. */
  registryError?: ErrorValue;
  /** The trust directory (`<docker config>/trust`) whose `private/` holds this machine's keys. */
  trustDir: string;
  /** Canonical IDs of the keys on this machine's hardware tokens (see hardware-tokens.ts). */
  tokenKeyIds?: ReadonlySet<string>;
  /** Warnings to show with the repository (e.g. from the token scan). */
  warnings?: string[];
  now: Date;
}

const DAY_MS = 24 * 3600 * 1000;
/** How long before an expiry the timeline warns: the timestamp is renewed by the server every day or so. */
const WARN_DAYS: Record<string, number> = { timestamp: 2 };
const DEFAULT_WARN_DAYS = 30;
/** At most this many tag nodes per role in the trust graph; the rest become one "+N more" node. */
export const GRAPH_TAGS_PER_ROLE = 6;

export function expiryLevel(role: string, expires: Date, now: Date): TimelineEntry['level'] {
  const left = expires.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  return left <= (WARN_DAYS[role] ?? DEFAULT_WARN_DAYS) * DAY_MS ? 'soon' : 'ok';
}

/** Who holds a private key: a hardware token, this machine's trust dir (current and legacy notary layouts), the server. */
function holderOf(role: BaseRole, canonicalId: string, gun: string, trustDir: string, tokenIds: ReadonlySet<string>): KeyHolder {
  if (tokenIds.has(canonicalId)) return 'hardware-token';
  const priv = join(trustDir, 'private');
  const candidates = [
    join(priv, `${canonicalId}.key`),
    join(priv, 'root_keys', `${canonicalId}.key`),
    join(priv, 'tuf_keys', gun, `${canonicalId}.key`),
  ];
  if (candidates.some((p) => existsSync(p))) return 'this-machine';
  // Notary servers always hold the timestamp key; a snapshot key not held here is server-managed.
  if (role === 'timestamp' || role === 'snapshot') return 'server';
  return 'elsewhere';
}

function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(subject)?.[1] ?? '';
}

function certificateOf(key: PublicKeyJson): CertificateView | undefined {
  if (!key.keytype.endsWith('-x509')) return undefined;
  try {
    const leaf = keyCertificates(key)[0]!;
    return {
      subject: leaf.subject.replace(/\n/g, ', '),
      commonName: commonName(leaf.subject),
      issuer: leaf.issuer.replace(/\n/g, ', '),
      notBefore: new Date(leaf.validFrom).toISOString(),
      notAfter: new Date(leaf.validTo).toISOString(),
    };
  } catch {
    return undefined;
  }
}

function adminKey(role: BaseRole, id: string, key: PublicKeyJson, gun: string, trustDir: string, tokenIds: ReadonlySet<string>): AdminKey {
  let canonicalId = id;
  try {
    canonicalId = canonicalKeyId(key);
  } catch {
    // an unreadable key keeps its listed ID; the verified root never holds one
  }
  return { id, canonicalId, keyType: key.keytype, holder: holderOf(role, canonicalId, gun, trustDir, tokenIds), certificate: certificateOf(key) };
}

function adminRoles(trust: RepositoryTrust, trustDir: string, tokenIds: ReadonlySet<string>): AdminRoleView[] {
  const envs = { root: trust.root, targets: trust.targets, snapshot: trust.snapshot, timestamp: trust.timestamp };
  return BASE_ROLES.map((role) => {
    const rk = trust.root.signed.roles[role];
    return {
      role,
      threshold: rk.threshold,
      version: envs[role].signed.version,
      expires: envs[role].expires.toISOString(),
      keys: rk.keyids.map((id) => adminKey(role, id, trust.root.signed.keys[id]!, trust.gun, trustDir, tokenIds)),
    };
  });
}

function signers(trust: RepositoryTrust): SignerView[] {
  const loaded = new Set(trust.delegations.map((d) => d.env.role));
  const tagsByRole = new Map<string, Set<string>>();
  for (const t of roleTargets(trust)) {
    let s = tagsByRole.get(t.role);
    if (!s) tagsByRole.set(t.role, (s = new Set()));
    s.add(t.name);
  }
  // the key objects of a delegation are listed by the role that delegates
  const keysOf = new Map<string, Record<string, PublicKeyJson>>([['targets', trust.targets.signed.delegations?.keys ?? {}]]);
  for (const d of trust.delegations) keysOf.set(d.env.role, d.env.signed.delegations?.keys ?? {});
  return delegationRoles(trust)
    .filter((d) => d.role !== RELEASES_ROLE)
    .map((d) => ({
      name: d.name,
      role: d.role,
      parent: d.parent,
      keyIds: d.keyIds,
      keys: d.keyIds.map((id) => {
        const key = keysOf.get(d.parent)?.[id];
        return { id, keyType: key?.keytype ?? 'unknown', certificate: key ? certificateOf(key) : undefined };
      }),
      threshold: d.threshold,
      paths: d.paths,
      loaded: loaded.has(d.role),
      signedTags: [...(tagsByRole.get(d.role) ?? [])].sort(),
    }));
}

function timeline(roles: { role: string; expires: string }[], admin: AdminRoleView[], signerViews: SignerView[], now: Date): TimelineEntry[] {
  const out: TimelineEntry[] = roles.map((r) => ({
    kind: 'role',
    label: r.role,
    role: r.role,
    expires: r.expires,
    level: expiryLevel(r.role, new Date(r.expires), now),
  }));
  for (const role of admin) {
    for (const k of role.keys) {
      if (!k.certificate) continue;
      out.push({
        kind: 'certificate',
        label: `${role.role} certificate ${k.id.slice(0, 8)}`,
        role: role.role,
        expires: k.certificate.notAfter,
        level: expiryLevel('certificate', new Date(k.certificate.notAfter), now),
      });
    }
  }
  for (const s of signerViews) {
    for (const k of s.keys) {
      if (!k.certificate) continue;
      out.push({
        kind: 'certificate',
        label: `${s.name} certificate ${k.id.slice(0, 8)}`,
        role: s.role,
        expires: k.certificate.notAfter,
        level: expiryLevel('certificate', new Date(k.certificate.notAfter), now),
      });
    }
  }
  return out.sort((a, b) => a.expires.localeCompare(b.expires));
}

function graph(trust: RepositoryTrust): TrustGraph {
  const nodes: GraphNode[] = [];
  const edges: TrustGraph['edges'] = [];
  const root = trust.root.signed.roles;
  nodes.push({ id: 'root', kind: 'root', label: 'root', threshold: root.root.threshold, keyCount: root.root.keyids.length, column: 0 });
  nodes.push({
    id: 'targets',
    kind: 'targets',
    label: 'targets',
    threshold: root.targets.threshold,
    keyCount: root.targets.keyids.length,
    column: 1,
  });
  edges.push({ from: 'root', to: 'targets' });
  const roles = delegationRoles(trust);
  const depth = (role: string) => role.split('/').length - 1;
  const maxDepth = Math.max(0, ...roles.map((r) => depth(r.role)));
  for (const d of roles) {
    nodes.push({ id: d.role, kind: 'delegation', label: d.role, threshold: d.threshold, keyCount: d.keyIds.length, column: 1 + depth(d.role) });
    edges.push({ from: d.parent, to: d.role });
  }
  const tagColumn = 2 + maxDepth;
  const tagNodes = new Set<string>();
  const byRole = new Map<string, string[]>();
  for (const t of roleTargets(trust)) {
    const list = byRole.get(t.role) ?? [];
    if (!list.includes(t.name)) list.push(t.name);
    byRole.set(t.role, list);
  }
  for (const [role, tags] of byRole) {
    for (const tag of tags.slice(0, GRAPH_TAGS_PER_ROLE)) {
      const id = `tag:${tag}`;
      if (!tagNodes.has(id)) {
        tagNodes.add(id);
        nodes.push({ id, kind: 'tag', label: tag, column: tagColumn });
      }
      edges.push({ from: role, to: id });
    }
    if (tags.length > GRAPH_TAGS_PER_ROLE) {
      const id = `more:${role}`;
      nodes.push({ id, kind: 'more', label: `+${tags.length - GRAPH_TAGS_PER_ROLE} more`, column: tagColumn });
      edges.push({ from: role, to: id });
    }
  }
  return { nodes, edges };
}

export function repositoryOverview(input: OverviewInput): RepositoryOverview {
  const { name, trust, registryTags, now } = input;
  const status = repositoryStatus(name, trust, registryTags);
  const admin = trust ? adminRoles(trust, input.trustDir, input.tokenKeyIds ?? new Set()) : [];
  const signerViews = trust ? signers(trust) : [];
  return {
    name,
    gun: status.gun,
    hasTrustData: trust !== undefined,
    source: status.source,
    cachedAt: status.cachedAt,
    loadedAt: now.toISOString(),
    registryError: input.registryError,
    counts: status.counts,
    nearestExpiry: status.nearestExpiry,
    tags: status.tags,
    signers: signerViews,
    adminRoles: admin,
    timeline: timeline(status.roles, admin, signerViews, now),
    graph: trust ? graph(trust) : { nodes: [], edges: [] },
    warnings: [...status.warnings, ...(input.warnings ?? [])],
    skippedRoles: status.skippedRoles,
  };
}

/** The Repositories page flags a repository with a role (other than timestamp) expiring within this many days. */
export const RENEW_SOON_DAYS = 90;

/** The one-line health of a repository for the Repositories list. */
export function overviewSummary(o: RepositoryOverview): RepositorySummary {
  const nearest = o.timeline[0];
  const horizon = new Date(o.loadedAt).getTime() + RENEW_SOON_DAYS * 86_400_000;
  const renew = o.timeline.find((e) => e.kind === 'role' && e.role !== 'timestamp' && new Date(e.expires).getTime() < horizon);
  return {
    name: o.name,
    hasTrustData: o.hasTrustData,
    counts: o.counts,
    nearestExpiry: nearest ? { role: nearest.label, expires: nearest.expires } : undefined,
    ...(renew ? { renewSoon: { role: renew.role, expires: renew.expires } } : {}),
    registryError: o.registryError,
    tagCount: o.tags.length,
  };
}
