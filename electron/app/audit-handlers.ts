/**
 * Handlers of the Audit view and the CI signing set-up (shared/ipc/audit-contract.ts), spread into the
 * registry of handlers.ts. The audit channels are one line each over core/use-cases/audit (the
 * request's context: the trust servers and CA files Settings give each registry, the docker config
 * dir's trust cache); the policy editor edits the daemon.json text it is given and answers with the
 * audit before and after. The CI set-up (still in the request-only form)
 * takes the dialog's passphrases once (oneShotProvider) and returns paths, IDs and names only.
 */
import type { z } from 'zod';
import type { AUDIT_CONTRACT } from '../../shared/ipc/audit-contract.js';
import type { Settings } from '../../shared/view-model.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import { runAudit, compareAudits, pinRootAndCompare } from '../core/use-cases/audit/audit.js';
import type { ChannelHandlers } from '../../shared/ipc/handlers.js';
import type { AppContext } from './context.js';
import { setUpCiSigner, CI_KEY_VARIABLE, CI_PASSPHRASE_VARIABLE, SIGNING_PASSPHRASE_ENV } from '../core/use-cases/signers/ci-signer.js';
import { parseReference } from '../core/base/reference.js';
import { TrustDeskError } from '../core/base/errors.js';
import { readFile } from 'node:fs/promises';
import { contextFromSettings } from './context.js';

type Spec = typeof AUDIT_CONTRACT;
type AuditImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface AuditHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  invalidate: (gun: string) => void;
}

/** The audit channels, in (context, request) form: one line each, the use cases in core/use-cases/audit. */
export const AUDIT_HANDLERS: ChannelHandlers<AppContext, 'audit:run' | 'audit:compare' | 'audit:pin-root'> = {
  'audit:run': (ctx, { sources, policy }) => runAudit(ctx.trust, { sources, ...(policy !== undefined ? { policy } : {}) }),
  'audit:compare': (ctx, { sources, before, after }) => compareAudits(ctx.trust, { sources, before, after }),
  'audit:pin-root': (ctx, { sources, policy, gun, keyIds }) => pinRootAndCompare(ctx.trust, { sources, policy, gun, keyIds }),
};

/** ci:setup, not yet in the (context, request) form. */
export function auditHandlers(deps: AuditHandlerDeps): Pick<AuditImpl, 'ci:setup'> {
  return {
    async 'ci:setup'({ signer, repositories, paths, outDir, passphrases }) {
      const s = await deps.settings.get();
      const registry = parseReference(repositories[0]!).registry;
      // one session, one trust server: the repositories of one CI set-up share a registry
      const other = repositories.find((r) => parseReference(r).registry !== registry);
      if (other) throw new TrustDeskError('INVALID_ARGUMENT', `${other} is not on ${registry}: set up one registry at a time`);
      const ctx = contextFromSettings(s, { env: deps.env, now: deps.now }, passphrases ? { passphrase: oneShotProvider(passphrases) } : undefined);
      try {
        const r = await setUpCiSigner(ctx, { name: signer, repositories, ...(paths?.length ? { paths } : {}), outDir });
        for (const x of r.repositories) deps.invalidate(parseReference(x.repository).gun);
        return {
          name: r.name,
          keyId: r.keyId,
          repositories: r.repositories.map((x) => ({ repository: x.repository, added: !!x.result?.published, ...(x.initialised ? { initialised: true } : {}), ...(x.error ? { error: x.error } : {}) })),
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
      } finally {
        ctx.close();
      }
    },
  };
}
