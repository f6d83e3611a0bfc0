/**
 * `trustdesk verify [--require-signed] [--signer NAME] [--json] [--archive FILE] NAME[:TAG]...`:
 * the CI gate. Exit codes (core/use-cases/verify.ts, README "CI gate"):
 *   0 all good, 1 unsigned / digest mismatch / not signed by --signer / no trust data, 2 usage,
 *   3 trust data invalid or refused (signature, pin, rollback, expiry, corrupt archive…),
 *   4 trust server or registry unreachable. Several arguments: the highest code.
 */
import { isTrustDeskError, toErrorValue } from '../../core/base/errors.js';
import { parseReference } from '../../core/base/reference.js';
import { readArchive, type ArchiveSigner, type TrustArchive } from '../../core/cache/trust-archive.js';
import { checkArchiveSigner } from '../../core/use-cases/archive/archive-file.js';
import { contextFromFlags } from '../context.js';
import { verifyArchivedRepository } from '../../core/use-cases/archive/archive.js';
import {
  verifyOne,
  verifyExitCode,
  outcomeOfError,
  VERIFY_EXIT_CODES,
  type RepositoryVerification,
  type VerifyOptions,
  type VerifySubject,
} from '../../core/tuf/verification.js';
import { asOfText } from '../status-text.js';
import { parseCommandArgs, parseRefOrUsage, sessionFrom, UsageError, type Command, type Io } from '../cli-support.js';

const HELP = `Usage: trustdesk verify [OPTIONS] NAME[:TAG|@DIGEST|:TAG@DIGEST] ...
       trustdesk verify --archive FILE [OPTIONS] [NAME[:TAG]...]

Checks that tags are signed and that the registry serves the signed digest. Without a TAG, every
signed tag is checked (and, with --require-signed, every registry tag must be signed). With
@sha256:DIGEST, that digest must be signed (as TAG, if given); the registry is not consulted.

Options:
      --require-signed  every registry tag must be signed (NAME without TAG)
      --signer NAME     every checked tag must be signed by this signer (e.g. alice)
      --archive FILE    verify from a trust archive (trustdesk archive) with no server
      --trust-archive-key PUB   with --archive: require the archive to be signed by this key
                        (PEM public key file, notary:KEYID, token:KEYID; repeatable)
      --json            machine-readable result
      --offline         verify the trust cache only (no registry: digests are not compared)

Exit codes: 0 all good; 1 unsigned, digest mismatch, not signed by --signer, or no trust data;
2 usage; 3 trust data invalid or refused (signature, pin, rollback, expiry, corrupt archive);
4 trust server or registry unreachable. Several names: the highest code.
`;

function shortDigest(d?: string): string {
  return d ? d.replace(/^sha256:/, '').slice(0, 12) : '-';
}

function formatText(r: RepositoryVerification, now: Date): string {
  const label = r.outcome === 'ok' ? 'OK' : r.outcome === 'failed' ? 'FAILED' : r.outcome.toUpperCase();
  let out = `${label}  ${r.name}`;
  if (r.source === 'archive') out += '  (from the archive)';
  else if (r.source === 'cache') out += '  (from the trust cache)';
  out += '\n';
  if (r.error) out += `  ${r.error.code}: ${r.error.message}\n`;
  for (const t of r.tags) {
    const who = t.signers.length ? `signed by ${t.signers.join(', ')}` : '';
    out += `  ${t.ok ? 'ok  ' : 'FAIL'}  ${t.tag}  ${shortDigest(t.signedDigest ?? t.registryDigest)}  ${t.problem ?? who}${t.note ? ` (${t.note})` : ''}\n`;
  }
  if (r.pin && r.pin.kind !== 'tofu') out += `  root pinned (${r.pin.kind} ${r.pin.pattern})\n`;
  out += asOfText(r, now, r.source === 'archive' || r.source === 'cache');
  for (const w of r.warnings) out += `  warning: ${w}\n`;
  return out;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    'require-signed': { type: 'boolean' },
    signer: { type: 'string' },
    archive: { type: 'string' },
    'trust-archive-key': { type: 'string', multiple: true },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const archiveFile = values.archive as string | undefined;
  if (!archiveFile && positionals.length === 0) throw new UsageError('"trustdesk verify" requires at least 1 argument');
  if (values.signer !== undefined && !/^[a-zA-Z0-9_.\/-]+$/.test(values.signer as string))
    throw new UsageError(`--signer "${values.signer}" is not a signer name`);
  const subjects: VerifySubject[] = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  for (const s of subjects) {
    if (s.ref.digest && !s.ref.digest.startsWith('sha256:')) throw new UsageError(`${s.input}: only sha256 digests are signed by Notary`);
  }
  const now = new Date();
  const s = sessionFrom(values, io);
  const base: VerifyOptions = { requireSigned: values['require-signed'] as boolean | undefined, signer: values.signer as string | undefined };
  let results: RepositoryVerification[];
  let archiveSigner: ArchiveSigner | null | undefined;
  try {
    if (archiveFile) {
      let archive;
      try {
        archive = await readArchive(archiveFile);
      } catch (err) {
        const outcome = outcomeOfError(err);
        const code = VERIFY_EXIT_CODES[outcome];
        if (values.json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: toErrorValue(err), results: [] }, null, 2)}\n`);
        io.stderr(`trustdesk: ${toErrorValue(err).code}: ${toErrorValue(err).message}\n`);
        return code;
      }
      const signer = await archiveSignerCheck(values, io, archive, archiveFile);
      if ('error' in signer) return signer.error;
      if (!values.json)
        io.stdout(
          signer.signer
            ? `trust archive ${archiveFile}: signed by ${signer.signer.scheme} key ${signer.signer.keyId}\n`
            : `trust archive ${archiveFile}: unsigned\n`,
        );
      archiveSigner = signer.signer ?? null;
      const pinning = await s.trustPinning();
      const targets = subjects.length ? subjects : archive.body.repositories.map((r) => ({ input: r.gun, ref: parseReference(r.gun) }));
      results = await Promise.all(
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
    } else {
      const offline = Boolean(values.offline);
      results = await Promise.all(
        subjects.map((subject) =>
          verifyOne(
            subject,
            async () => {
              // By digest the registry is not needed: the signed digest is compared with the one given.
              const skipRegistry = offline || !!subject.ref.digest;
              const [trust, tags] = await Promise.allSettled([
                s.loadTrust(subject.ref),
                skipRegistry ? Promise.resolve([]) : s.registryTags(subject.ref),
              ]);
              if (trust.status === 'rejected' && !isTrustDeskError(trust.reason, 'REPOSITORY_NOT_SIGNED')) throw trust.reason;
              if (tags.status === 'rejected') throw tags.reason;
              return { trust: trust.status === 'fulfilled' ? trust.value : undefined, registryTags: tags.value, staleIsUnreachable: !offline };
            },
            { ...base, registryChecked: !offline },
            now,
          ),
        ),
      );
    }
  } finally {
    s.close();
  }
  const code = verifyExitCode(results);
  if (values.json) {
    io.stdout(`${JSON.stringify({ ok: code === 0, exitCode: code, ...(archiveSigner !== undefined ? { archiveSigner } : {}), results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      const text = formatText(r, now);
      if (r.outcome === 'ok' || r.outcome === 'failed') io.stdout(text);
      else io.stderr(text);
    }
  }
  return code;
}

/** `--trust-archive-key PUB...`: the archive must be signed by one of them (exit 3 otherwise). */
async function archiveSignerCheck(
  values: Record<string, unknown>,
  io: Io,
  archive: TrustArchive,
  file: string,
): Promise<{ signer?: ArchiveSigner } | { error: number }> {
  const specs = values['trust-archive-key'] as string[] | undefined;
  if (!specs?.length) return archive.signer ? { signer: archive.signer } : {};
  const ctx = contextFromFlags(values, io);
  try {
    return { signer: await checkArchiveSigner(ctx, archive, specs, file) };
  } catch (err) {
    const code = VERIFY_EXIT_CODES[outcomeOfError(err)];
    if (values.json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: toErrorValue(err), results: [] }, null, 2)}\n`);
    io.stderr(`trustdesk: ${toErrorValue(err).code}: ${toErrorValue(err).message}\n`);
    return { error: code };
  } finally {
    ctx.close();
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify [--require-signed] [--signer NAME] [--json] [--archive FILE] NAME[:TAG]...   CI gate (exit 0/1/3/4)',
  run,
};
