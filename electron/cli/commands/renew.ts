/** `trustdesk renew REPO`: re-sign the roles that expire soon (or are expired) with this machine's keys. */
import { parseDuration } from '../../core/base/duration.js';
import { renewRepository, type RenewResult } from '../../core/use-cases/renew/renew.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import { TrustDeskError } from '../../core/base/errors.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { PUBLISH_OPTIONS } from './publish-support.js';

const USAGE = 'renew REPO [--role ROLE...] [--within DURATION] [--expires DURATION] [--dry-run] [--json]';

function duration(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(String(value), flag);
  } catch (err) {
    throw new UsageError((err as TrustDeskError).message);
  }
}

function printText(io: Io, r: RenewResult): void {
  const selection = r.before ? `expiring before ${r.before}` : 'named';
  if (r.renewed.length === 0 && r.notRenewed.length === 0 && r.serverRenewed.length === 0) {
    io.stdout(`Nothing to renew in ${r.gun}: no role ${selection}\n`);
  }
  if (r.dryRun && r.preview) io.stdout(formatPreview(r.preview));
  for (const x of r.renewed) {
    io.stdout(
      `${r.dryRun ? 'Would renew' : 'Renewed'} ${x.role}: version ${x.fromVersion} -> ${x.toVersion}, expires ${x.fromExpires} -> ${x.expires}\n`,
    );
  }
  for (const x of r.serverRenewed) io.stdout(`${x.role} expires ${x.expires}: ${x.renewer}\n`);
  for (const x of r.notRenewed)
    io.stderr(`Not renewed: ${x.role}${x.expires ? ` (${x.expired ? 'expired' : 'expires'} ${x.expires})` : ''}: ${x.reason}\n`);
  for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
}

export const renewCommand: Command = {
  name: 'renew',
  summary: `${USAGE}   re-sign roles that expire within DURATION (default 90d, expired ones included) with the keys held here`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...PUBLISH_OPTIONS,
      role: { type: 'string', multiple: true },
      within: { type: 'string' },
      expires: { type: 'string' },
    });
    if (values.help) {
      io.stdout(
        `Usage: trustdesk ${USAGE}\n  DURATION: a whole number with s, m, h or d (75s, 90m, 12h, 90d)\n  Exit 0 when every selected role was renewed (or is the server's), 1 when one could not be (named).\n`,
      );
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('"trustdesk renew" requires exactly 1 argument (REPO)');
    const roles = values.role as string[] | undefined;
    if (roles && values.within !== undefined) throw new UsageError('--role selects roles whatever their expiry: give --within or --role, not both');
    const withinMs = duration(values.within, '--within');
    const expiresMs = duration(values.expires, '--expires');
    const ctx = contextFromFlags(values, io);
    try {
      const r = await renewRepository(ctx, {
        repository: positionals[0]!,
        ...(roles ? { roles } : {}),
        ...(withinMs !== undefined ? { withinMs } : {}),
        ...(expiresMs !== undefined ? { expiresMs } : {}),
        dryRun: !!values['dry-run'],
      });
      if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      else printText(io, r);
      return r.notRenewed.length > 0 ? 1 : 0;
    } finally {
      ctx.close();
    }
  },
};
