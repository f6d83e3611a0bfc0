/**
 * A staged change list, like notary's changelist: nothing touches the server until `publish`.
 * Changes are plain, IPC-safe values (no key bytes): applying them to the verified current state
 * of a repository gives the new metadata (metadata-builder.ts). Because they are re-applied to a
 * fresh state, a publish that lost a race is simply rebuilt on top of what the other side wrote.
 */
import { posix } from 'node:path';
import { TrustDeskError } from '../base/errors.js';
import type { PublicKeyJson } from '../tuf/keys.js';
import { isDelegationName } from '../tuf/metadata/targets.js';

export type BaseRoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

export interface TargetInput {
  /** Lowercase hex sha256 of the manifest bytes. */
  sha256Hex: string;
  length: number;
  /** sha512 (hex) when the bytes were at hand (notary writes both). */
  sha512Hex?: string;
}

export type Change =
  /** Add (or replace) a tag. `roles`: where to put it; default: the roles this machine can sign, as docker chooses. */
  | { kind: 'add-target'; name: string; target: TargetInput; roles?: string[] }
  /** Remove a tag from `roles`, default every role this machine can sign that holds it. */
  | { kind: 'remove-target'; name: string; roles?: string[] }
  /** Create a delegation or add keys (and paths) to it; `threshold` sets it. */
  | { kind: 'add-delegation'; role: string; keys: PublicKeyJson[]; paths?: string[]; threshold?: number }
  /** Remove keys from a delegation; a delegation left without keys is removed. */
  | { kind: 'remove-delegation-keys'; role: string; keyIds: string[] }
  /** Replace a delegation's paths and/or threshold. */
  | { kind: 'set-delegation'; role: string; paths?: string[]; threshold?: number }
  | { kind: 'remove-delegation'; role: string }
  /**
   * Rotate a base role's key. `serverManaged` for snapshot (timestamp always is). The new key is
   * made once, when publishing starts, then kept across retries.
   */
  | { kind: 'rotate-key'; role: BaseRoleName; serverManaged?: boolean }
  /** Re-sign a role unchanged, with a bumped version and a new expiry (root, targets, snapshot or a delegation). */
  | { kind: 'renew'; role: string };

export function describeChange(c: Change): string {
  switch (c.kind) {
    case 'add-target':
      return `sign ${c.name} (sha256:${c.target.sha256Hex}, ${c.target.length} bytes)${c.roles ? ` into ${c.roles.join(', ')}` : ''}`;
    case 'remove-target':
      return `revoke ${c.name}${c.roles ? ` from ${c.roles.join(', ')}` : ''}`;
    case 'add-delegation':
      return `add ${c.keys.length} key(s) to ${c.role}${c.paths ? ` with paths ${JSON.stringify(c.paths)}` : ''}${c.threshold ? `, threshold ${c.threshold}` : ''}`;
    case 'remove-delegation-keys':
      return `remove key(s) ${c.keyIds.map((k) => k.slice(0, 12)).join(', ')} from ${c.role}`;
    case 'set-delegation':
      return `set ${c.role}${c.paths ? ` paths ${JSON.stringify(c.paths)}` : ''}${c.threshold ? ` threshold ${c.threshold}` : ''}`;
    case 'remove-delegation':
      return `remove delegation ${c.role}`;
    case 'rotate-key':
      return `rotate the ${c.role} key${c.serverManaged || c.role === 'timestamp' ? ' (server-managed)' : ''}`;
    case 'renew':
      return `renew ${c.role} (new version and expiry, content unchanged)`;
  }
}

function checkRole(role: string): void {
  if (!isDelegationName(role))
    throw new TrustDeskError('INVALID_ARGUMENT', `"${role}" is not a valid delegation name (targets/<name>, lowercase letters, digits, - and _)`);
}

/** Structural checks of one change (the repository-dependent ones happen when it is applied). */
export function validateChange(c: Change): void {
  switch (c.kind) {
    case 'add-target':
    case 'remove-target':
      // eslint-disable-next-line no-control-regex -- a target name may not hold control characters
      if (!c.name || /[\u0000-\u001f]/.test(c.name)) throw new TrustDeskError('INVALID_ARGUMENT', `"${c.name}" cannot be a target name`);
      for (const r of c.roles ?? []) if (r !== 'targets') checkRole(r);
      if (c.kind === 'add-target') {
        if (!/^[0-9a-f]{64}$/.test(c.target.sha256Hex)) throw new TrustDeskError('INVALID_ARGUMENT', `not a sha256 digest: ${c.target.sha256Hex}`);
        if (!Number.isSafeInteger(c.target.length) || c.target.length < 0)
          throw new TrustDeskError('INVALID_ARGUMENT', `not a length: ${c.target.length}`);
      }
      return;
    case 'add-delegation':
    case 'set-delegation':
      checkRole(c.role);
      if (c.threshold !== undefined && (!Number.isSafeInteger(c.threshold) || c.threshold < 1)) {
        throw new TrustDeskError('INVALID_ARGUMENT', `threshold must be an integer of at least 1, got ${c.threshold}`);
      }
      if (c.paths && !c.paths.every((p) => typeof p === 'string')) throw new TrustDeskError('INVALID_ARGUMENT', 'paths must be strings');
      if (c.kind === 'add-delegation' && c.keys.length === 0 && c.threshold === undefined && c.paths === undefined) {
        throw new TrustDeskError('INVALID_ARGUMENT', `no keys given for ${c.role}`);
      }
      return;
    case 'remove-delegation':
    case 'remove-delegation-keys':
      checkRole(c.role);
      return;
    case 'rotate-key':
      if (!['root', 'targets', 'snapshot', 'timestamp'].includes(c.role))
        throw new TrustDeskError('INVALID_ARGUMENT', `cannot rotate the key of ${c.role}`);
      if (c.serverManaged && (c.role === 'root' || c.role === 'targets')) {
        throw new TrustDeskError('INVALID_ARGUMENT', `the ${c.role} key cannot be server-managed (only snapshot and timestamp)`);
      }
      return;
    case 'renew':
      if (c.role === 'timestamp') throw new TrustDeskError('INVALID_ARGUMENT', 'timestamp is signed by the trust server, which renews it itself');
      if (!['root', 'targets', 'snapshot'].includes(c.role)) checkRole(c.role);
      return;
  }
}

/** An ordered list of staged changes for one repository. */
export class ChangeList {
  private readonly items: Change[] = [];

  constructor(
    readonly gun: string,
    initial: Change[] = [],
  ) {
    for (const c of initial) this.add(c);
  }

  add(c: Change): this {
    validateChange(c);
    this.items.push(c);
    return this;
  }

  remove(index: number): Change {
    const [c] = this.items.splice(index, 1);
    if (!c) throw new TrustDeskError('INVALID_ARGUMENT', `no staged change #${index}`);
    return c;
  }

  clear(): void {
    this.items.length = 0;
  }

  get changes(): readonly Change[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }
}

export function parentRole(role: string): string {
  return posix.dirname(role);
}
