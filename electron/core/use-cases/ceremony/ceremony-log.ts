/**
 * The ceremony log of a context (docs/ceremony.md, "Ceremony log format"): `ctx.ceremonyLog` (the
 * CLI's `--log FILE`) or `<trust dir>/ceremony/ceremony.log`, stamped with the context's clock; and
 * the use case that verifies a log's hash chain (`trustdesk ceremony verify`, `ceremony:log-verify`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyLog, verifyLogText, type LogVerification } from '../../ceremony/log.js';
import type { TrustContext } from '../../session/context.js';

/** The default ceremony log of a trust dir. */
export function defaultCeremonyLogFile(trustDir: string): string {
  return join(trustDir, 'ceremony', 'ceremony.log');
}

/** The log every ceremony step of this context appends to. */
export function ceremonyLogOf(ctx: TrustContext): CeremonyLog {
  return new CeremonyLog(ctx.ceremonyLog ?? defaultCeremonyLogFile(ctx.trustDir), () => ctx.now());
}

export interface VerifyLogInput {
  /** The log to verify; default: the context's log. */
  file?: string;
  /** Fail when the file does not exist (the CLI); otherwise a missing log is an empty, intact one (the app). */
  mustExist?: boolean;
}

export type VerifiedLog = LogVerification & { file: string };

/** Re-computes every hash and link of a ceremony log; names the first broken line. */
export async function verifyCeremonyLog(ctx: TrustContext, input: VerifyLogInput = {}): Promise<VerifiedLog> {
  const log = input.file ? new CeremonyLog(input.file) : ceremonyLogOf(ctx);
  const text = input.mustExist ? await readFile(log.path, 'utf8') : await log.read();
  return { ...verifyLogText(text), file: log.path };
}
