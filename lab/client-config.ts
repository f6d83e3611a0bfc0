/**
 * Client-side configuration for the lab: the docker config dir (CA per host,
 * empty auths, trust dir) and the environment for the docker and notary CLIs.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The one passphrase used for every key in the lab (root, targets, snapshot, delegations). */
export const LAB_PASSPHRASE = 'trustdesk-lab-passphrase';

/** A `DOCKER_HOST` that cannot reach any engine. */
export const NO_DOCKER_HOST = 'unix:///nonexistent';

/**
 * Writes `config.json` (`{"auths":{}}`), `tls/<host:port>/ca.crt` for each host
 * and an empty `trust/` dir. Returns the trust dir.
 */
export async function writeDockerConfig(dockerConfigDir: string, caFile: string, hosts: string[]): Promise<string> {
  await mkdir(dockerConfigDir, { recursive: true });
  await writeFile(join(dockerConfigDir, 'config.json'), '{"auths":{}}\n');
  for (const host of hosts) {
    const dir = join(dockerConfigDir, 'tls', host);
    await mkdir(dir, { recursive: true });
    await copyFile(caFile, join(dir, 'ca.crt'));
  }
  const trustDir = join(dockerConfigDir, 'trust');
  await mkdir(trustDir, { recursive: true });
  return trustDir;
}

/** Environment variables (only the lab's own) for `docker trust` and `notary`. */
export function labEnv(dockerConfigDir: string, notaryUrl: string, passphrase = LAB_PASSPHRASE): Record<string, string> {
  return {
    DOCKER_CONFIG: dockerConfigDir,
    DOCKER_CONTENT_TRUST_SERVER: notaryUrl,
    DOCKER_HOST: NO_DOCKER_HOST,
    DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: passphrase,
    DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: passphrase,
    NOTARY_ROOT_PASSPHRASE: passphrase,
    NOTARY_TARGETS_PASSPHRASE: passphrase,
    NOTARY_SNAPSHOT_PASSPHRASE: passphrase,
    NOTARY_DELEGATION_PASSPHRASE: passphrase,
  };
}

/** Variables from the caller's environment that would redirect or confuse the CLIs. */
export const STRIPPED_ENV = ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTENT_TRUST', 'NOTARY_AUTH'];
