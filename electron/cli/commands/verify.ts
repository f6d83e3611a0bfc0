/**
 * `trustdesk verify [--require-signed] [--signer NAME] [--json] [--archive FILE] NAME[:TAG]...`:
 * the CI gate: parse → use case (core/use-cases/repository/verify-repositories.ts) → print.
 * Exit codes (core/tuf/verification.ts, README "CI gate"):
 *   0 all good, 1 unsigned / digest mismatch / not signed by --signer / no trust data, 2 usage,
 *   3 trust data invalid or refused (signature, pin, rollback, expiry, corrupt archive…),
 *   4 trust server or registry unreachable. Several arguments: the highest code.
 */
import { toErrorValue } from '../../core/base/errors.js';
import { verifyExitCode, outcomeOfError, VERIFY_EXIT_CODES, type RepositoryVerification, type VerifySubject } from '../../core/tuf/verification.js';
import { verifyRepositories } from '../../core/use-cases/repository/verify-repositories.js';
import { readArchive, type ArchiveSigner, type TrustArchive } from '../../core/cache/trust-archive.js';
import { checkArchiveSigner } from '../../core/use-cases/archive/archive-file.js';
import { asOfText } from '../status-text.js';
import { contextFromFlags } from '../context.js';
import { parseCommandArgs, parseRefOrUsage, UsageError, type Command, type Io } from '../cli-support.js';

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
  if (values.signer !== undefined && !/^[a-zA-Z0-9_./-]+$/.test(values.signer as string))
    throw new UsageError(`--signer "${values.signer}" is not a signer name`);
  const subjects: VerifySubject[] = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  for (const s of subjects) {
    if (s.ref.digest && !s.ref.digest.startsWith('sha256:')) throw new UsageError(`${s.input}: only sha256 digests are signed by Notary`);
  }
  const ctx = contextFromFlags(values, io);
  const now = ctx.now();
  let results: RepositoryVerification[];
  let archiveSigner: ArchiveSigner | null | undefined;
  try {
    if (archiveFile) {
      // the archive's signature first: who made it (and, with --trust-archive-key, that it is the one required)
      let archive: TrustArchive;
      try {
        archive = await readArchive(archiveFile);
      } catch (err) {
        return failWith(values, io, err);
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
    }
    results = await verifyRepositories(ctx, {
      subjects,
      requireSigned: values['require-signed'] as boolean | undefined,
      signer: values.signer as string | undefined,
      ...(archiveFile ? { archive: archiveFile } : {}),
    });
  } catch (err) {
    // only an unreadable or corrupt archive is thrown: reported with its exit code
    return failWith(values, io, err);
  } finally {
    ctx.close();
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
    return { error: failWith(values, io, err) };
  } finally {
    ctx.close();
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify [--require-signed] [--signer NAME] [--json] [--archive FILE] NAME[:TAG]...   CI gate (exit 0/1/3/4)',
  run,
};

/** An error that decides nothing per repository (an unreadable archive): its exit code, JSON or text. */
function failWith(values: Record<string, unknown>, io: Io, err: unknown): number {
  const code = VERIFY_EXIT_CODES[outcomeOfError(err)];
  if (values.json) io.stdout(`${JSON.stringify({ ok: false, exitCode: code, error: toErrorValue(err), results: [] }, null, 2)}\n`);
  io.stderr(`trustdesk: ${toErrorValue(err).code}: ${toErrorValue(err).message}\n`);
  return code;
}
