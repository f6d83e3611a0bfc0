/**
 * Trust archive files (`trustdesk archive`, docs/trust-archive.md), `(ctx, input) → result`: write one
 * from verified repositories (the context's trust session: its cache, pins and servers), and list what
 * one holds (hashes checked, signatures not).
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { KeyObject } from 'node:crypto';
import {
  parseArchive,
  requireArchiveSigner,
  writeArchive,
  type ArchiveSigner,
  type ArchiveSigningKey,
  type TrustArchive,
} from '../../cache/trust-archive.js';
import { publicKeyFromSpec, signerFromSpec } from '../../signing/cosign/key-spec.js';
import type { TrustContext } from '../../session/context.js';
import { cosignKeyContext } from '../cosign/key-context.js';
import { createArchiveBody, summariseArchive, type ArchiveSummary } from './archive.js';

export interface CreateArchiveInput {
  /** Repository names (no tag or digest), archived in this order. */
  repositories: string[];
  /** The archive to write (replaced atomically). */
  output: string;
  /** Do not record registry digests (the archive then proves signatures only). */
  skipRegistry?: boolean;
  createdBy?: string;
  /**
   * Sign the archive's manifest with this key: `notary:KEYID` (a key file of the trust dir),
   * `token:KEYID|LABEL` (a token key), or the path of a cosign private key.
   */
  signKey?: string;
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
  // the key is unlocked before the (long) download, so a wrong passphrase costs nothing
  const key = input.signKey ? await archiveSigningKey(ctx, input.signKey) : undefined;
  const body = await createArchiveBody(ctx.session, refs, { skipRegistry: !!input.skipRegistry, createdBy: input.createdBy ?? 'trustdesk archive' });
  const bytes = await writeArchive(input.output, body, key);
  return { file: input.output, bytes: bytes.length, ...summariseArchive(parseArchive(bytes, input.output)) };
}

/** What an archive holds: its hashes are checked, its signatures are not. */
export async function listTrustArchive(_ctx: TrustContext, input: { file: string }): Promise<ArchiveSummary> {
  return summariseArchive(parseArchive(await readFile(input.file), input.file));
}

/** The signing key of an archive: notary scheme for trust-dir and token keys, cosign scheme for a cosign key file. */
export async function archiveSigningKey(ctx: TrustContext, spec: string): Promise<ArchiveSigningKey> {
  const signer = await signerFromSpec(spec, cosignKeyContext(ctx));
  const scheme = spec.startsWith('notary:') || spec.startsWith('token:') ? 'notary' : 'cosign';
  return { scheme, publicKey: signer.publicKey, sign: (message) => signer.sign(message, 'sign a trust archive manifest') };
}

/** The public keys named by `--trust-archive-key` (PEM public key files, notary:KEYID, token:KEYID). */
export async function trustedArchiveKeys(ctx: TrustContext, specs: string[]): Promise<KeyObject[]> {
  return Promise.all(specs.map((s) => publicKeyFromSpec(s, cosignKeyContext(ctx))));
}

/** ARCHIVE_SIGNER_UNTRUSTED unless `archive` is signed by one of the keys named by `specs`. */
export async function checkArchiveSigner(ctx: TrustContext, archive: TrustArchive, specs: string[], file: string): Promise<ArchiveSigner> {
  return requireArchiveSigner(archive, await trustedArchiveKeys(ctx, specs), file);
}
