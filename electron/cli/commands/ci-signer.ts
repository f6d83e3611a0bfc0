/**
 * `trustdesk ci-signer NAME --repo REPO... --out DIR [--path PREFIX...]`: the CI signing set-up
 * (core/use-cases/ci-signer.ts) from the command line: a delegation key for a CI system, added as
 * signer NAME of the repositories, and the bundle (encrypted key, public key, GitHub Actions and
 * GitLab CI snippets, README with the CI variables and how to revoke) written to DIR. The new key's
 * passphrase and the repository key's come from DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE or the prompt.
 */
import { setUpCiSigner } from '../../core/use-cases/signers/ci-signer.js';
import { parseCommandArgs, UsageError, type Command } from '../cli-support.js';
import { contextFromFlags } from '../context.js';

const HELP = `Usage: trustdesk ci-signer NAME --repo REPO [--repo REPO...] --out DIR [--path PREFIX...] [--json]

Makes a delegation key for a CI system, adds it as signer NAME of every REPO (only tags starting with
a --path prefix, if given), and writes to DIR: NAME.key (encrypted), NAME.pub, github-actions.yml,
gitlab-ci.yml and README.txt (the CI variables to create, how to revoke the signer). The root key is
never part of it. Exit codes: 0 done; 1 a repository could not be changed; 2 usage.
`;

export const ciSignerCommand: Command = {
  name: 'ci-signer',
  summary: 'ci-signer NAME --repo REPO... --out DIR   CI delegation key, signer and CI snippets (never the root key)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      repo: { type: 'string', multiple: true },
      path: { type: 'string', multiple: true },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('"trustdesk ci-signer" requires exactly 1 argument (the CI signer name)');
    const repos = (values.repo as string[] | undefined) ?? [];
    if (repos.length === 0) throw new UsageError('give at least one --repo REPO');
    if (!values.out) throw new UsageError('give --out DIR: where the CI bundle is written');
    const ctx = contextFromFlags(values, io);
    try {
      const r = await setUpCiSigner(ctx, {
        name: positionals[0]!,
        repositories: repos,
        ...(values.path ? { paths: values.path as string[] } : {}),
        outDir: values.out as string,
      });
      const failed = r.repositories.some((x) => x.error);
      if (values.json) {
        io.stdout(`${JSON.stringify(r, null, 2)}\n`);
        return failed ? 1 : 0;
      }
      io.stdout(`CI signer ${r.name}: key ${r.keyId}\n`);
      for (const x of r.repositories)
        io.stdout(x.error ? `  FAILED ${x.repository}: ${x.error.code}: ${x.error.message}\n` : `  added to ${x.repository}\n`);
      io.stdout(
        `Bundle:\n${Object.values(r.files)
          .map((f) => `  ${f}\n`)
          .join('')}`,
      );
      io.stdout(
        `CI variables: ${r.variables.key} (the text of ${r.name}.key), ${r.variables.passphrase} (its passphrase, passed as ${r.variables.signingPassphraseEnv})\n`,
      );
      io.stdout(`Revoke later with:\n${r.revoke.map((c) => `  ${c}\n`).join('')}`);
      for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
      return failed ? 1 : 0;
    } finally {
      ctx.close();
    }
  },
};
