/**
 * CI signing set-up (issue 10 §3): a delegation key for a CI system, added as a signer of chosen
 * repositories, and a bundle with what the CI needs, written to a directory the user chose:
 *
 *   <name>.key            the delegation private key, encrypted with the passphrase given (notary's
 *                         export form: `docker trust key load` and `trustdesk key load` accept it)
 *   <name>.pub            its public key
 *   github-actions.yml    a job step that signs with it (trustdesk sign, or docker trust sign)
 *   gitlab-ci.yml         the same for GitLab CI
 *   README.txt            the CI variables to create, and how to revoke this signer later
 *
 * The key is made in a staging trust dir inside the bundle directory and removed from there once
 * exported, so it does not stay on the admin's machine. The root key is never part of it: the admin's
 * targets key (or the releases delegation) authorises the new signer, nothing else is exported.
 * Results are IPC-safe: paths, IDs and names only; never key bytes or passphrases.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TrustDeskError } from '../../base/errors.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { exportKey, generateKey } from '../keys/keys.js';
import { addSigner, checkSignerName, publicKeyFromPem, type AddSignerOutcome } from './signers.js';

/** The CI secrets the snippets read. */
export const CI_KEY_VARIABLE = 'TRUSTDESK_CI_SIGNER_KEY';
export const CI_PASSPHRASE_VARIABLE = 'TRUSTDESK_CI_SIGNER_PASSPHRASE';
/** What docker trust sign and trustdesk sign read the delegation key's passphrase from. */
export const SIGNING_PASSPHRASE_ENV = 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE';

export interface CiSignerOptions {
  /** Signer (delegation) name, e.g. `github-ci`. */
  name: string;
  repositories: string[];
  /** Optional path prefixes the CI may sign (tags starting with these). */
  paths?: string[];
  /** Directory to write the bundle to (created; must not already hold a bundle). */
  outDir: string;
  /** The trust server the CI signs against (put into the snippets); default: the context's for the first repository. */
  trustServer?: string;
}

export interface CiBundleFiles {
  key: string;
  publicKey: string;
  githubActions: string;
  gitlabCi: string;
  readme: string;
}

export interface CiSignerResult {
  name: string;
  /** Canonical ID of the CI key. */
  keyId: string;
  repositories: AddSignerOutcome[];
  files: CiBundleFiles;
  /** The CI variables to create: the key file's text and the passphrase. */
  variables: { key: string; passphrase: string; signingPassphraseEnv: string };
  /** How to remove this signer again (commands). */
  revoke: string[];
  warnings: string[];
}

function yamlQuote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function githubActionsSnippet(name: string, repositories: string[], trustServer?: string): string {
  const first = repositories[0] ?? 'REGISTRY/REPO';
  return `# GitHub Actions: sign the pushed tag with the CI delegation key "${name}".
# Repository secrets: ${CI_KEY_VARIABLE} (the text of ${name}.key), ${CI_PASSPHRASE_VARIABLE} (its passphrase).
# The runner needs TrustDesk's CLI (trustdesk) or docker. The root key is not needed and must never be given to CI.
jobs:
  sign:
    runs-on: ubuntu-latest
    env:
      IMAGE: ${yamlQuote(first)}
      TAG: \${{ github.ref_name }}
${trustServer ? `      DOCKER_CONTENT_TRUST_SERVER: ${yamlQuote(trustServer)}\n` : ''}      ${SIGNING_PASSPHRASE_ENV}: \${{ secrets.${CI_PASSPHRASE_VARIABLE} }}
    steps:
      - name: Load the CI signing key
        env:
          ${CI_KEY_VARIABLE}: \${{ secrets.${CI_KEY_VARIABLE} }}
        run: |
          umask 077
          printf '%s\\n' "$${CI_KEY_VARIABLE}" > "$RUNNER_TEMP/${name}.key"
          trustdesk key load "$RUNNER_TEMP/${name}.key" --name ${name}
          rm -f "$RUNNER_TEMP/${name}.key"
      - name: Sign
        run: trustdesk sign "$IMAGE:$TAG"
      # Or with docker: docker trust key load "$RUNNER_TEMP/${name}.key" --name ${name}
      #                 docker trust sign "$IMAGE:$TAG"
`;
}

export function gitlabCiSnippet(name: string, repositories: string[], trustServer?: string): string {
  const first = repositories[0] ?? 'REGISTRY/REPO';
  return `# GitLab CI: sign the pushed tag with the CI delegation key "${name}".
# CI/CD variables (masked, protected): ${CI_KEY_VARIABLE} (type File: the text of ${name}.key),
# ${CI_PASSPHRASE_VARIABLE} (its passphrase). The job image needs TrustDesk's CLI (trustdesk) or docker.
# The root key is not needed and must never be given to CI.
sign-image:
  stage: deploy
  variables:
    IMAGE: ${yamlQuote(first)}
${trustServer ? `    DOCKER_CONTENT_TRUST_SERVER: ${yamlQuote(trustServer)}\n` : ''}  script:
    - export ${SIGNING_PASSPHRASE_ENV}="$${CI_PASSPHRASE_VARIABLE}"
    - trustdesk key load "$${CI_KEY_VARIABLE}" --name ${name}
    - trustdesk sign "$IMAGE:$CI_COMMIT_TAG"
    # Or with docker: docker trust key load "$${CI_KEY_VARIABLE}" --name ${name}
    #                 docker trust sign "$IMAGE:$CI_COMMIT_TAG"
  rules:
    - if: $CI_COMMIT_TAG
`;
}

export function revokeCommands(name: string, repositories: string[]): string[] {
  return repositories.flatMap((r) => [`trustdesk signer remove ${name} ${r}`, `# or: docker trust signer remove ${name} ${r}`]);
}

function readmeText(name: string, keyId: string, repositories: string[], paths: string[] | undefined): string {
  return `CI signer "${name}" (key ${keyId})

Signs: ${repositories.join(', ')}${paths?.length ? `\nOnly tags starting with: ${paths.join(', ')}` : ''}

Create these CI secrets:
  ${CI_KEY_VARIABLE}         the whole text of ${name}.key (encrypted)
  ${CI_PASSPHRASE_VARIABLE}  the passphrase chosen for it; the snippets pass it to
                             ${SIGNING_PASSPHRASE_ENV}, which trustdesk sign and docker trust sign read
                             (notary reads NOTARY_DELEGATION_PASSPHRASE)

The CI publishes alone, so the repository's snapshot key must be held by the trust server (docker's
default; for a repository made with "notary init": notary key rotate GUN snapshot -r).

Then delete ${name}.key from this machine: the CI secret is its only copy. The root key is not part of
this bundle and is never needed in CI.

To revoke this CI signer later (its signatures stop counting for new releases):
${revokeCommands(name, repositories)
  .map((c) => `  ${c}`)
  .join('\n')}
`;
}

/**
 * Makes the CI key, adds it as signer `name` to every repository (one publish each), and writes the
 * bundle. The key's passphrase comes from the context (dialog or DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE),
 * as do the admin's passphrases for the repositories' targets keys.
 */
export async function setUpCiSigner(ctx: TrustContext, opts: CiSignerOptions): Promise<CiSignerResult> {
  checkSignerName(opts.name);
  if (opts.repositories.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'choose at least one repository for the CI signer');
  for (const r of opts.repositories) {
    const ref = parseReference(r);
    if (ref.tag || ref.digest) throw new TrustDeskError('INVALID_ARGUMENT', `${r}: give a repository, not a tag or digest`);
  }
  const trustServer = opts.trustServer ?? ctx.session.trustServer(parseReference(opts.repositories[0]!));
  const out = resolve(opts.outDir);
  await mkdir(out, { recursive: true, mode: 0o700 });
  const files: CiBundleFiles = {
    key: join(out, `${opts.name}.key`),
    publicKey: join(out, `${opts.name}.pub`),
    githubActions: join(out, 'github-actions.yml'),
    gitlabCi: join(out, 'gitlab-ci.yml'),
    readme: join(out, 'README.txt'),
  };
  for (const f of Object.values(files)) {
    if (
      await stat(f).then(
        () => true,
        () => false,
      )
    )
      throw new TrustDeskError('KEY_EXISTS', `${f} already exists: choose an empty directory`);
  }
  // The key is made in a staging trust dir, exported encrypted, and the staging copy removed.
  const staging = join(out, `.trustdesk-staging-${process.pid}`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  let keyId: string;
  const kctx = ctx.with({ trustDir: staging });
  try {
    const gen = await generateKey(kctx, { name: opts.name, dir: out });
    keyId = gen.keyId;
    await exportKey(kctx, { keyId, outFile: files.key });
  } finally {
    kctx.close();
    await rm(staging, { recursive: true, force: true });
  }
  const pub = publicKeyFromPem(await readFile(files.publicKey, 'utf8'), files.publicKey);
  const repositories = await addSigner(ctx, {
    name: opts.name,
    keys: [pub],
    repositories: opts.repositories,
    ...(opts.paths?.length ? { paths: opts.paths } : {}),
  });
  const warnings: string[] = [];
  for (const r of repositories) {
    if (r.error) warnings.push(`${r.repository}: the signer was not added (${r.error.code}: ${r.error.message})`);
    // This machine signed the snapshot: its key is not on the trust server, so the CI (which has only
    // its delegation key) could not publish alone.
    if (r.result?.preview.roles.some((x) => x.role === 'snapshot' && x.signedBy === 'local')) {
      const gun = parseReference(r.repository).gun;
      warnings.push(
        `${r.repository}: its snapshot key is on this machine, not on the trust server, so the CI cannot publish alone; hand it to the server first: trustdesk key rotate ${gun} snapshot --server-managed`,
      );
    }
  }
  await writeFile(files.githubActions, githubActionsSnippet(opts.name, opts.repositories, trustServer), { mode: 0o644 });
  await writeFile(files.gitlabCi, gitlabCiSnippet(opts.name, opts.repositories, trustServer), { mode: 0o644 });
  await writeFile(files.readme, readmeText(opts.name, keyId, opts.repositories, opts.paths), { mode: 0o644 });
  return {
    name: opts.name,
    keyId,
    repositories,
    files,
    variables: { key: CI_KEY_VARIABLE, passphrase: CI_PASSPHRASE_VARIABLE, signingPassphraseEnv: SIGNING_PASSPHRASE_ENV },
    revoke: revokeCommands(opts.name, opts.repositories),
    warnings,
  };
}
