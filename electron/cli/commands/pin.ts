/**
 * `trustdesk pin list | add NAME... | remove NAME...`: TrustDesk's trust pins (core/trust-pinning.ts).
 * `add` verifies the repository (existing pins apply) and pins its current root certificate IDs.
 * Parse → contextFromFlags → the use cases of core/use-cases/pins/ → print.
 */
import { listPins, pinCurrentRoot, pinRootIds, unpinRepository } from '../../core/use-cases/pins/pins.js';
import { toErrorValue } from '../../core/base/errors.js';
import { tabulate } from '../../core/base/text-table.js';
import { outcomeOfError, VERIFY_EXIT_CODES } from '../../core/tuf/verification.js';
import { parseCommandArgs, parseRefOrUsage, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';

const HELP = `Usage: trustdesk pin list [--json]
       trustdesk pin add NAME [NAME...]      pin each repository to its current root (verified first)
       trustdesk pin add NAME --id ID...     pin to root key IDs given by the owner (no network; for disable_tofu)
       trustdesk pin remove NAME [NAME...]   remove a repository's exact pin

Pins are kept in TrustDesk's pins file (--pins FILE, $TRUSTDESK_PINS, or <config dir>/trustdesk-pins.json);
a notary client config (--trust-pinning FILE) applies too. A pinned repository whose root does not
match is refused (TRUST_PIN_MISMATCH), also after a root rotation, until the pin is updated.
`;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, id: { type: 'string', multiple: true } });
  const [sub, ...names] = positionals;
  if (values.help || sub === undefined) {
    io.stdout(HELP);
    return values.help ? 0 : 2;
  }
  const ctx = contextFromFlags(values, io);
  try {
    if (sub === 'list') {
      const l = await listPins(ctx);
      if (values.json) io.stdout(`${JSON.stringify(l, null, 2)}\n`);
      else {
        io.stdout(`pins file: ${l.pinsFile}${l.disableTofu ? '  (trust on first use disabled)' : ''}\n\n`);
        if (l.pins.length) {
          io.stdout(
            tabulate([
              ['PATTERN', 'PIN', 'SOURCE'],
              ...l.pins.map((p) => [
                p.pattern,
                p.kind === 'certs' ? (p.certIds ?? []).map((i) => i.slice(0, 12)).join(', ') : `CA ${p.caFile}`,
                p.source,
              ]),
            ]),
          );
        } else io.stdout('no pins\n');
        if (l.repositories.length) {
          io.stdout('\n');
          io.stdout(
            tabulate([
              ['REPOSITORY', 'TRUSTED BY'],
              ...l.repositories.map((r) => [
                r.gun,
                r.kind === 'tofu' ? 'trust on first use' : r.kind === 'refused' ? 'refused (not pinned)' : `${r.kind} pin ${r.pattern}`,
              ]),
            ]),
          );
        }
      }
      return 0;
    }
    if (sub !== 'add' && sub !== 'remove') throw new UsageError(`unknown pin subcommand "${sub}"`);
    if (names.length === 0) throw new UsageError(`"trustdesk pin ${sub}" requires at least 1 repository`);
    for (const n of names) parseRefOrUsage(n);
    const ids = values.id as string[] | undefined;
    if (ids && (sub !== 'add' || names.length !== 1)) throw new UsageError('--id pins exactly one repository: trustdesk pin add NAME --id ID...');
    let code = 0;
    for (const n of names) {
      try {
        if (sub === 'add' && ids) {
          const r = await pinRootIds(ctx, { name: n, ids });
          io.stdout(`pinned ${r.gun} to root key ${r.certIds.join(', ')} in ${r.pinsFile}\n`);
        } else if (sub === 'add') {
          const r = await pinCurrentRoot(ctx, { name: n });
          io.stdout(`pinned ${r.gun} to root v${r.rootVersion} key ${r.certIds.join(', ')} in ${r.pinsFile}\n`);
        } else {
          const r = await unpinRepository(ctx, { name: n });
          io.stdout(r.removed ? `removed the pin of ${r.gun}\n` : `${r.gun} had no exact pin\n`);
        }
      } catch (err) {
        const v = toErrorValue(err);
        io.stderr(`${n}: ${v.code}: ${v.message}\n`);
        code = Math.max(code, VERIFY_EXIT_CODES[outcomeOfError(err)]);
      }
    }
    return code;
  } finally {
    ctx.close();
  }
}

export const pinCommand: Command = {
  name: 'pin',
  summary: 'pin list | add NAME... | remove NAME...   trust pins (root certificate IDs per repository)',
  run,
};
