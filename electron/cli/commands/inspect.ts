/** `trustdesk inspect [--pretty] NAME[:TAG]...`: docker trust inspect's output, byte for byte. */
import { formatInspectJson, formatInspectPretty, type InspectResult } from '../../core/use-cases/inspect/inspect.js';
import { inspectRepositories } from '../../core/use-cases/inspect/inspect-repositories.js';
import { isTrustDeskError } from '../../core/base/errors.js';
import { parseCommandArgs, parseRefOrUsage, describeError, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { MANY_REPOSITORIES_HELP, progressLine } from '../progress.js';

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { pretty: { type: 'boolean' }, archive: { type: 'string' } });
  if (values.help) {
    io.stdout(`Usage: trustdesk inspect [--pretty] [--archive FILE] NAME[:TAG] [NAME[:TAG]...]\n\n` + MANY_REPOSITORIES_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('"trustdesk inspect" requires at least 1 argument');
  const refs = positionals.map((p) => ({ input: p, ref: parseRefOrUsage(p) }));
  const ctx = contextFromFlags(values, io);
  const progress = progressLine(io, refs.length, 'inspect:');
  try {
    const outcomes = await inspectRepositories(ctx, {
      repositories: refs,
      onSettled: progress.tick,
      ...(values.archive ? { archive: values.archive as string } : {}),
    });
    progress.done();
    let code = 0;
    const failure = (input: string, err: unknown) => {
      code = 1;
      if (isTrustDeskError(err, 'INSECURE_URL')) io.stderr(`${(err as Error).message}\n`);
      else if (isTrustDeskError(err, 'REPOSITORY_NOT_SIGNED')) io.stderr(`no signatures or cannot access ${input}\n`);
      else io.stderr(`no signatures or cannot access ${input}\n  cause: ${describeError(err)}\n`);
    };
    if (values.pretty) {
      let out = '';
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!;
        if (i > 0) out += '\n\n'; // docker writes the separator before it knows the next image fails
        if (!o.result) {
          io.stdout(out);
          failure(o.input, o.error);
          return 1; // docker stops at the first failing image in --pretty mode
        }
        out += formatInspectPretty(o.result);
      }
      io.stdout(out);
    } else {
      const ok: InspectResult[] = outcomes.filter((o) => o.result).map((o) => o.result!);
      io.stdout(formatInspectJson(ok));
      for (const o of outcomes) if (!o.result) failure(o.input, o.error);
    }
    return code;
  } finally {
    progress.done();
    ctx.close();
  }
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'inspect [--pretty] NAME[:TAG]...   signatures, signers and keys (same output as docker trust inspect)',
  run,
};
