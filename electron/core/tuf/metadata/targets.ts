/**
 * targets.json and delegated roles (`targets/releases`, `targets/<signer>`), all `_type: "Targets"`.
 * Delegation rules from notary `tuf/data/roles.go` and `targets.go`: a delegated role's name starts
 * with `targets/`, matches ^[-a-z0-9_/]+$, is clean, shorter than 256 characters and a direct child of
 * the role that lists it; `paths` are plain prefixes ("" matches everything, no paths matches nothing).
 */
import { posix } from 'node:path';
import { TrustDeskError } from '../../base/errors.js';
import type { PublicKeyJson } from '../keys.js';
import { isObject, malformed, parseEnvelope, type Envelope, type RoleKeys, type SignedCommon } from './envelope.js';
import type { FileMeta } from './file-meta.js';
import { parseKeyMap, parseRoleKeys } from './root.js';

export interface TargetMeta extends FileMeta {
  custom?: unknown;
}

export interface DelegatedRole extends RoleKeys {
  name: string;
  paths?: string[];
  [extra: string]: unknown;
}

export interface TargetsSigned extends SignedCommon {
  _type: 'Targets';
  targets: Record<string, TargetMeta>;
  delegations?: { keys: Record<string, PublicKeyJson>; roles: DelegatedRole[] };
}

export type TargetsEnvelope = Envelope<TargetsSigned>;

const DELEGATION_NAME = /^[-a-z0-9_/]+$/;

export function isDelegationName(name: string): boolean {
  return name.startsWith('targets/') && name.length < 256 && DELEGATION_NAME.test(name) && posix.normalize(name) === name && !name.endsWith('/');
}

export function parseTargets(role: string, raw: Buffer): TargetsEnvelope {
  const env = parseEnvelope<TargetsSigned>(role, raw, 'Targets');
  const s = env.signed;
  if (!isObject(s.targets)) throw malformed(role, '"targets" is not an object');
  // plain loops: a delegation may list tens of thousands of targets
  const targets = s.targets;
  for (const name in targets) {
    if (!Object.prototype.hasOwnProperty.call(targets, name)) continue;
    const t = targets[name];
    if (!isObject(t) || typeof t.length !== 'number' || !Number.isSafeInteger(t.length) || t.length < 0 || !isObject(t.hashes)) {
      throw malformed(role, `target "${name}" has no valid length and hashes`);
    }
    const hashes = t.hashes as Record<string, unknown>;
    for (const h in hashes) {
      if (Object.prototype.hasOwnProperty.call(hashes, h) && typeof hashes[h] !== 'string')
        throw malformed(role, `target "${name}" has a non-string hash`);
    }
  }
  if (s.delegations !== undefined) {
    if (!isObject(s.delegations)) throw malformed(role, '"delegations" is not an object');
    const keys = parseKeyMap(role, s.delegations.keys ?? {});
    const roles = s.delegations.roles ?? [];
    if (!Array.isArray(roles)) throw malformed(role, 'delegation "roles" is not a list');
    const seen = new Set<string>();
    for (const d of roles) {
      if (!isObject(d) || typeof d.name !== 'string') throw malformed(role, 'a delegation has no name');
      if (!isDelegationName(d.name) || posix.dirname(d.name) !== role) {
        throw new TrustDeskError('DELEGATION_INVALID', `${role} delegates to "${d.name}", which is not a valid direct child role of ${role}`);
      }
      if (seen.has(d.name)) throw new TrustDeskError('DELEGATION_INVALID', `${role} lists delegation ${d.name} twice`);
      seen.add(d.name);
      parseRoleKeys(role, d.name, d, keys);
      if (d.paths !== undefined && (!Array.isArray(d.paths) || !d.paths.every((p) => typeof p === 'string'))) {
        throw malformed(role, `delegation ${d.name} has invalid paths`);
      }
    }
  }
  return env;
}

export function delegationsOf(env: TargetsEnvelope): { keys: Record<string, PublicKeyJson>; roles: DelegatedRole[] } {
  return { keys: env.signed.delegations?.keys ?? {}, roles: env.signed.delegations?.roles ?? [] };
}

/**
 * A child's effective path prefixes: those of its own paths that start with one of the parent's
 * effective prefixes (notary `RestrictDelegationPathPrefixes`). `undefined` parent = the targets role,
 * which may sign anything.
 */
export function effectivePaths(childPaths: string[] | undefined, parentPaths: string[] | undefined): string[] {
  const own = childPaths ?? [];
  if (parentPaths === undefined) return own;
  return own.filter((p) => parentPaths.some((pp) => p.startsWith(pp)));
}

export function pathAllowed(target: string, paths: string[] | undefined): boolean {
  return paths === undefined || paths.some((p) => target.startsWith(p));
}
