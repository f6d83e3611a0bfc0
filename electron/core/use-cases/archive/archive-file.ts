/**
 * Trust archive files (`trustdesk archive`, docs/trust-archive.md), `(ctx, input) → result`: write one
 * from verified repositories (the context's trust session: its cache, pins and servers), and list what
 * one holds (hashes checked, signatures not).
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import { parseArchive, writeArchive } from '../../cache/trust-archive.js';
import type { TrustContext } from '../../session/context.js';
import { createArchiveBody, summariseArchive, type ArchiveSummary } from './archive.js';

export interface CreateArchiveInput {
  /** Repository names (no tag or digest), archived in this order. */
  repositories: string[];
  /** The archive to write (replaced atomically). */
  output: string;
  /** Do not record registry digests (the archive then proves signatures only). */
  skipRegistry?: boolean;
  createdBy?: string;
}

export interface WrittenArchive extends ArchiveSummary {
  file: string;
  bytes: number;
}

/** Verifies every repository, then writes the archive; nothing is written unless all verified. */
export async function createTrustArchive(ctx: TrustContext, input: CreateArchiveInput): Promise<WrittenArchive> {
  const refs = input.repositories.map((name) => {
    const ref = parseReference(name);
    if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_REFERENCE', `${name}: archive takes repository names without a tag or digest`);
    return ref;
  });
  const body = await createArchiveBody(ctx.session, refs, { skipRegistry: !!input.skipRegistry, createdBy: input.createdBy ?? 'trustdesk archive' });
  const bytes = await writeArchive(input.output, body);
  return { file: input.output, bytes: bytes.length, ...summariseArchive(parseArchive(bytes, input.output)) };
}

/** What an archive holds: its hashes are checked, its signatures are not. */
export async function listTrustArchive(_ctx: TrustContext, input: { file: string }): Promise<ArchiveSummary> {
  return summariseArchive(parseArchive(await readFile(input.file), input.file));
}
