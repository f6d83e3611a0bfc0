/**
 * Fleet expiry (`trustdesk status --expiring DURATION NAME...`): for many repositories, every role
 * that expires within a duration (expired ones included), with who renews it. Read-only: the trust
 * data is verified as always except that expiry is accepted (an expired role is what this reports),
 * and nothing is written to the cache. Roles the trust server re-signs itself (timestamp, a
 * server-managed snapshot) are not listed. One repository's failure does not stop the others.
 */
import { toErrorValue, type ErrorValue } from '../../base/errors.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import type { TrustContext } from '../../session/context.js';
import { repositoryReference } from '../publish/context.js';
import { roleExpiries, type RoleExpiry } from './roles.js';

export interface ExpiringRepository {
  repository: string;
  gun?: string;
  /** Roles expiring before `before`, soonest first. */
  expiring: RoleExpiry[];
  error?: ErrorValue;
}

export interface ExpiringResult {
  /** Now + the duration (RFC 3339). */
  before: string;
  repositories: ExpiringRepository[];
  /** How many roles expire within the duration, over all repositories. */
  count: number;
}

export async function expiringRoles(ctx: TrustContext, input: { repositories: string[]; withinMs: number }): Promise<ExpiringResult> {
  const now = ctx.session.now();
  const before = new Date(now.getTime() + input.withinMs);
  const repositories = await Promise.all(
    input.repositories.map(async (repository): Promise<ExpiringRepository> => {
      try {
        const ref = repositoryReference(repository);
        const trust = await loadRemoteTrust(ctx.session, ref, { acceptExpired: () => true });
        const roles = await roleExpiries(ctx, trust, now);
        const expiring = roles
          .filter((r) => r.signer !== 'server' && new Date(r.expires) < before)
          .sort((a, b) => a.expires.localeCompare(b.expires));
        return { repository, gun: ref.gun, expiring };
      } catch (err) {
        return { repository, expiring: [], error: toErrorValue(err) };
      }
    }),
  );
  return { before: before.toISOString(), repositories, count: repositories.reduce((n, r) => n + r.expiring.length, 0) };
}
