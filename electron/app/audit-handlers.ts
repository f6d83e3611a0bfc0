/**
 * Handlers of the Audit view and the CI signing set-up (shared/ipc/audit-contract.ts), spread into the
 * registry of handlers.ts. The audit channels are one line each over core/use-cases/audit (the
 * request's context: the trust servers and CA files Settings give each registry, the docker config
 * dir's trust cache); the policy editor edits the daemon.json text it is given and answers with the
 * audit before and after. The CI set-up
 * takes the dialog's passphrases once (oneShotProvider) and returns paths, IDs and names only.
 */
import type { AUDIT_CONTRACT } from '../../shared/ipc/audit-contract.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { runAudit, compareAudits, pinRootAndCompare } from '../core/use-cases/audit/audit.js';
import type { ChannelHandlers, ChannelsOf, ParsedRequest } from '../../shared/ipc/handlers.js';
import type { Response } from '../../shared/ipc/contract.js';
import type { AppContext } from './context.js';
import { setUpCiSigner, CI_KEY_VARIABLE, CI_PASSPHRASE_VARIABLE, SIGNING_PASSPHRASE_ENV } from '../core/use-cases/signers/ci-signer.js';
import { parseReference } from '../core/base/reference.js';
import { TrustDeskError } from '../core/base/errors.js';
import { readFile } from 'node:fs/promises';

/** The audit channels, in (context, request) form: one line each, the use cases in core/use-cases/audit. */
export const AUDIT_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof AUDIT_CONTRACT>> = {
  'audit:run': (ctx, { sources, policy }) => runAudit(ctx.trust, { sources, ...(policy !== undefined ? { policy } : {}) }),
  'audit:compare': (ctx, { sources, before, after }) => compareAudits(ctx.trust, { sources, before, after }),
  'audit:pin-root': (ctx, { sources, policy, gun, keyIds }) => pinRootAndCompare(ctx.trust, { sources, policy, gun, keyIds }),
  'ci:setup': (ctx, req) => ciSetup(ctx, req),
};

type CiSetupRequest = ParsedRequest<'ci:setup'>;

/**
 * The CI signing set-up for the app: one registry per set-up (one trust server), the dialog's
 * passphrases answered once, and the snippets' text returned with the paths (never the key).
 */
async function ciSetup(ctx: AppContext, { signer, repositories, paths, outDir, passphrases }: CiSetupRequest): Promise<Response<'ci:setup'>> {
  const registry = parseReference(repositories[0]!).registry;
  const other = repositories.find((r) => parseReference(r).registry !== registry);
  if (other) throw new TrustDeskError('INVALID_ARGUMENT', `${other} is not on ${registry}: set up one registry at a time`);
  const r = await setUpCiSigner(passphrases ? ctx.trustWith({ passphrase: oneShotProvider(passphrases) }) : ctx.trust, {
    name: signer,
    repositories,
    ...(paths?.length ? { paths } : {}),
    outDir,
  });
  for (const x of r.repositories) ctx.invalidate(parseReference(x.repository).gun);
  return {
    name: r.name,
    keyId: r.keyId,
    repositories: r.repositories.map((x) => ({
      repository: x.repository,
      added: !!x.result?.published,
      ...(x.initialised ? { initialised: true } : {}),
      ...(x.error ? { error: x.error } : {}),
    })),
    files: r.files,
    ciVariables: [
      { name: CI_KEY_VARIABLE, holds: `the text of ${r.name}.key (the encrypted delegation key)` },
      { name: CI_PASSPHRASE_VARIABLE, holds: `its passphrase (the snippets pass it as ${SIGNING_PASSPHRASE_ENV})` },
    ],
    revoke: r.revoke,
    githubActions: await readFile(r.files.githubActions, 'utf8'),
    gitlabCi: await readFile(r.files.gitlabCi, 'utf8'),
    warnings: r.warnings,
  };
}
