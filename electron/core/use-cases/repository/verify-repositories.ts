/**
 * `verify`, the CI gate (tuf/verification.ts holds the outcomes and exit codes): every subject
 * NAME[:TAG|@DIGEST] judged from its repository state (repository-state.ts: the one trust +
 * registry join), or from a trust archive. On top of the state, the gate's own rules:
 * - by digest, the registry is not read (what is deployed by digest is what was signed);
 * - a registry problem means the digests are unknown: the subject is `unreachable` (exit 4);
 * - online, trust data that only came from the cache (the trust server did not answer) is
 *   `unreachable` too: --offline verifies the cache deliberately.
 */
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { readArchive } from '../../cache/trust-archive.js';
import type { TrustContext } from '../../session/context.js';
import { verifyOne, type RepositoryVerification, type VerifyOptions, type VerifySubject } from '../../tuf/verification.js';
import { verifyArchivedRepository } from '../archive/archive.js';
import { repositoryState } from './repository-state.js';

export interface VerifyRequest extends Omit<VerifyOptions, 'registryChecked'> {
  subjects: VerifySubject[];
  /** A trust archive to verify from (no server); without subjects, every repository in it. */
  archive?: string;
}

/** Throws only when the archive cannot be read (the caller reports it with its exit code). */
export async function verifyRepositories(ctx: TrustContext, req: VerifyRequest): Promise<RepositoryVerification[]> {
  const now = ctx.now();
  const base: VerifyOptions = { requireSigned: req.requireSigned, signer: req.signer };
  if (req.archive) {
    const archive = await readArchive(req.archive);
    const pinning = await ctx.session.trustPinning();
    const targets = req.subjects.length ? req.subjects : archive.body.repositories.map((r) => ({ input: r.gun, ref: parseReference(r.gun) }));
    return Promise.all(
      targets.map(async (subject) => {
        // An archive made with --skip-registry proves signatures only: digests are not compared.
        const repo = archive.body.repositories.find((x) => x.gun === subject.ref.gun);
        const hasRegistry = !!repo?.registry && 'tags' in repo.registry;
        const r = await verifyOne(
          subject,
          async () => {
            const a = await verifyArchivedRepository(archive, subject.ref.gun, pinning);
            return { trust: a.trust, registryTags: a.registryTags ?? [], source: 'archive' as const };
          },
          { ...base, registryChecked: hasRegistry },
          now,
        );
        if (repo && !hasRegistry) r.warnings.push('the archive holds no registry digests: signatures only');
        return r;
      }),
    );
  }
  const offline = ctx.offline;
  return Promise.all(
    req.subjects.map((subject) =>
      verifyOne(
        subject,
        async () => {
          // By digest the registry is not needed: the signed digest is compared with the one given.
          const state = await repositoryState(ctx, { ref: subject.ref, name: subject.input, registry: !subject.ref.digest });
          if (state.error) throw new TrustDeskError(state.error.code, state.error.message);
          if (state.registryProblem) throw new TrustDeskError(state.registryProblem.code, state.registryProblem.message);
          return { trust: state.trust, registryTags: state.registryTags, staleIsUnreachable: !offline };
        },
        { ...base, registryChecked: !offline },
        now,
      ),
    ),
  );
}
