/**
 * What every publishing use case (init, sign, revoke, signers, rotate, staged changes) shares on top
 * of the one TrustContext: publishing a change list, the IPC-safe result shape, one operation per
 * repository, and a root key on a hardware token chosen by label.
 * Results carry IDs, names, digests and the preview only: never key bytes or passphrases.
 */
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import type { Change } from '../../publishing/changelist.js';
import type { PublishPreview } from '../../publishing/diff-preview.js';
import { publishChanges, publishContextOf, type InitRequest, type PublishResult, type RootTokenRequest } from '../../publishing/publisher.js';
import { parseReference, type ParsedReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { resolveTokenLocation } from '../tokens/tokens.js';

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

export function toOperationResult(r: PublishResult, warnings: string[] = []): OperationResult {
  return {
    gun: r.gun,
    published: r.published,
    attempts: r.attempts,
    preview: r.preview,
    newKeys: r.newKeys,
    warnings: [...warnings, ...r.preview.warnings],
  };
}

export function repositoryReference(input: string): ParsedReference {
  const ref = parseReference(input);
  if (ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `cannot use a digest reference for ${input}`);
  return ref;
}

/** Publishes a change list of one repository with the context's session, keys (files and tokens) and clock. */
export async function run(
  ctx: TrustContext,
  ref: ParsedReference,
  changes: Change[],
  opts: { dryRun?: boolean; init?: InitRequest; rotateRootTo?: RootTokenRequest } = {},
): Promise<PublishResult> {
  return publishChanges(publishContextOf(ctx), {
    ref,
    changes,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.init ? { init: opts.init } : {}),
    ...(opts.rotateRootTo ? { rotateRootTo: opts.rotateRootTo } : {}),
  });
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

/** A root key on a hardware token as the user names it (`--root-token LABEL [--module PATH] [--serial S] [--token-key ID]`). */
export interface RootTokenChoice {
  /** The token's label. */
  label: string;
  /** The PKCS#11 module; default: the first module found that holds a token with this label. */
  module?: string;
  serial?: string;
  /** A root key already on the token; default: the one recorded there, else a new one. */
  keyId?: string;
  /** Modules to look in first (the app's Settings). */
  settings?: string[];
}

/** Finds the token named by `choice` (its module, if not given) with the context's token access. */
export async function rootTokenRequest(ctx: TrustContext, choice: RootTokenChoice): Promise<RootTokenRequest> {
  const location = await resolveTokenLocation(ctx, {
    label: choice.label,
    ...(choice.module ? { module: choice.module } : {}),
    ...(choice.serial ? { serial: choice.serial } : {}),
    ...(choice.settings ? { settings: choice.settings } : {}),
  });
  return { location, ...(choice.keyId ? { keyId: choice.keyId } : {}) };
}
