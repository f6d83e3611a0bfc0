/**
 * What every publishing use-case (init, sign, revoke, signers, rotate, staged changes) shares:
 * the session, the trust dir's keys and the passphrase sources; and the IPC-safe result shape.
 * Results carry IDs, names, digests and the preview only: never key bytes or passphrases.
 */
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import type { PassphraseProvider } from '../../keystore/passphrase-sources.js';
import type { Change } from '../../publishing/changelist.js';
import type { PublishPreview } from '../../publishing/diff-preview.js';
import { publishChanges, publishContext, type InitRequest, type PublishContext, type PublishResult, type RootTokenRequest } from '../../publishing/publisher.js';
import type { TokenAccess } from '../../signing/token/tokens.js';
import { parseReference, type ParsedReference } from '../../base/reference.js';
import type { TrustSession } from '../../session/trust-session.js';

export interface PublishingContext {
  session: TrustSession;
  env: NodeJS.ProcessEnv;
  /** The CLI's prompt or the app's dialog; without it only environment passphrases are used. */
  prompt?: PassphraseProvider;
  /** Default: the session's trust dir (`$DOCKER_CONFIG/trust`). */
  trustDir?: string;
  now?: () => Date;
  /** Keys on hardware tokens (PKCS#11); the caller closes it after the operation (PINs forgotten). */
  tokens?: TokenAccess;
}

export interface OperationResult {
  gun: string;
  published: boolean;
  attempts: number;
  preview: PublishPreview;
  newKeys: { keyId: string; role: string }[];
  warnings: string[];
}

export interface RepositoryOutcome {
  repository: string;
  result?: OperationResult;
  error?: ErrorValue;
}

export function toPublishContext(ctx: PublishingContext): PublishContext {
  const pc = publishContext(ctx.session, { env: ctx.env, ...(ctx.prompt ? { prompt: ctx.prompt } : {}) }, ctx.trustDir);
  return { ...pc, ...(ctx.now ? { now: ctx.now } : {}), ...(ctx.tokens ? { tokens: ctx.tokens } : {}) };
}

export function toOperationResult(r: PublishResult, warnings: string[] = []): OperationResult {
  return { gun: r.gun, published: r.published, attempts: r.attempts, preview: r.preview, newKeys: r.newKeys, warnings: [...warnings, ...r.preview.warnings] };
}

export function repositoryReference(input: string): ParsedReference {
  const ref = parseReference(input);
  if (ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `cannot use a digest reference for ${input}`);
  return ref;
}

export async function run(ctx: PublishingContext, ref: ParsedReference, changes: Change[], opts: { dryRun?: boolean; init?: InitRequest; rotateRootTo?: RootTokenRequest } = {}): Promise<PublishResult> {
  return publishChanges(toPublishContext(ctx), { ref, changes, ...(opts.dryRun ? { dryRun: true } : {}), ...(opts.init ? { init: opts.init } : {}), ...(opts.rotateRootTo ? { rotateRootTo: opts.rotateRootTo } : {}) });
}

/** Runs one operation per repository; a failure of one does not stop the others (docker's signer add). */
export async function perRepository(repositories: string[], fn: (ref: ParsedReference) => Promise<OperationResult>): Promise<RepositoryOutcome[]> {
  const out: RepositoryOutcome[] = [];
  for (const repository of repositories) {
    try {
      out.push({ repository, result: await fn(repositoryReference(repository)) });
    } catch (err) {
      out.push({ repository, error: toErrorValue(err) });
    }
  }
  return out;
}
