/**
 * `trustdesk archive NAME... -o FILE [--skip-registry] [--json]`: verifies each repository and writes
 * a trust archive (docs/trust-archive.md) holding the whole root chain, every metadata file, the
 * registry's manifest digests and sizes, and their hashes. Exit codes as `verify`: 0 written,
 * 1 no trust data, 2 usage, 3 trust data invalid or refused, 4 unreachable; nothing is written
 * unless every repository verified.
 */
import { TrustDeskError, toErrorValue } from '../../core/base/errors.js';
import { createTrustArchive, listTrustArchive } from '../../core/use-cases/archive/archive-file.js';
import { outcomeOfError, VERIFY_EXIT_CODES } from '../../core/tuf/verification.js';
import { parseCommandArgs, parseRefOrUsage, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';

const HELP = `Usage: trustdesk archive NAME [NAME...] -o FILE [--skip-registry] [--sign-key KEY] [--json]
       trustdesk archive --list FILE

Verifies each repository and saves its trust data into one file: every root version (1..N),
timestamp, snapshot, targets and delegations as served, the registry's manifest digests and sizes,
and a manifest of hashes. Check it later, with no server: trustdesk verify --archive FILE.

Options:
  -o, --output FILE     the archive to write (replaced atomically)
      --skip-registry   do not record registry digests (the archive then proves signatures only)
      --sign-key KEY    sign the archive's manifest: notary:KEYID (trust dir key), token:KEYID|LABEL,
                        or a cosign private key file (COSIGN_PASSWORD or a prompt)
      --list FILE       show what an archive holds (checks its hashes, not its signatures)
      --json            machine-readable output
`;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'skip-registry': { type: 'boolean' },
    list: { type: 'string' },
    json: { type: 'boolean' },
    'sign-key': { type: 'string' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.list) {
    const ctx = contextFromFlags(values, io);
    try {
      const summary = await listTrustArchive(ctx, { file: values.list as string });
      if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        io.stdout(`trust archive format ${summary.formatVersion}, archived at ${summary.archivedAt} by ${summary.createdBy}\n`);
        io.stdout(summary.signer ? `signed by ${summary.signer.scheme} key ${summary.signer.keyId} (signature verified)\n` : 'unsigned\n');
        for (const r of summary.repositories) {
          io.stdout(
            `  ${r.gun}  root v${r.rootVersion}, ${r.files} files, ${r.registryTags === undefined ? 'no registry digests' : `${r.registryTags} registry tags`}  (from ${r.trustServer})\n`,
          );
        }
      }
      return 0;
    } catch (err) {
      const v = toErrorValue(err);
      io.stderr(`trustdesk: ${v.code}: ${v.message}\n`);
      return VERIFY_EXIT_CODES[outcomeOfError(err)];
    } finally {
      ctx.close();
    }
  }
  const output = values.output as string | undefined;
  if (!output) throw new UsageError('"trustdesk archive" needs -o FILE');
  if (positionals.length === 0) throw new UsageError('"trustdesk archive" requires at least 1 repository');
  const refs = positionals.map((p) => {
    const ref = parseRefOrUsage(p);
    if (ref.tag || ref.digest) throw new UsageError(`${p}: archive takes repository names without a tag or digest`);
    return ref;
  });
  if (new Set(refs.map((r) => r.gun)).size !== refs.length) throw new UsageError('a repository is named twice');
  if (values.offline) throw new UsageError('an archive is made from the trust server: --offline cannot be used');
  const ctx = contextFromFlags(values, io);
  try {
    const a = await createTrustArchive(ctx, {
      repositories: positionals,
      output,
      skipRegistry: Boolean(values['skip-registry']),
      createdBy: 'trustdesk archive',
      ...(values['sign-key'] ? { signKey: values['sign-key'] as string } : {}),
    });
    if (values.json) {
      io.stdout(`${JSON.stringify(a, null, 2)}\n`);
    } else {
      for (const r of a.repositories) {
        const tags = r.registryTags !== undefined ? `${r.registryTags} registry tags` : 'no registry digests';
        io.stdout(`archived ${r.gun}: root v1..v${r.rootVersion}, ${r.files} files, ${tags}\n`);
      }
      io.stdout(
        `wrote ${output} (${a.bytes} bytes, archived at ${a.archivedAt}${a.signer ? `, signed by ${a.signer.scheme} key ${a.signer.keyId}` : ''})\n`,
      );
    }
    return 0;
  } catch (err) {
    const v = toErrorValue(err);
    io.stderr(`trustdesk: ${v.code}: ${v.message}\n`);
    if (err instanceof TrustDeskError) return VERIFY_EXIT_CODES[outcomeOfError(err)];
    throw err;
  } finally {
    ctx.close();
  }
}

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'archive NAME... -o FILE [--skip-registry] [--sign-key KEY]   save verified trust data (whole root chain) for offline verification',
  run,
};
