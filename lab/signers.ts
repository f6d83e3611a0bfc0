/**
 * Delegation signers for scenarios, made with `docker trust key generate`.
 * A signer either shares the lab's DOCKER_CONFIG (the repo admin holds the key)
 * or gets a DOCKER_CONFIG of its own, so it is the only holder of its key.
 */
import { access, copyFile, cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerTrust } from './cli.js';
import type { ScenarioLab } from './scenario-kit.js';

export interface Signer {
  name: string;
  /** PEM public key written by `docker trust key generate` (`role: <name>` header). */
  pubFile: string;
  /** DOCKER_CONFIG holding the private key. */
  dockerConfigDir: string;
  /** `dockerConfigDir/trust` (usable as `notary -d`). */
  trustDir: string;
  /** Env overrides for the CLIs to act as this signer. */
  env: Record<string, string>;
}

const pending = new Map<string, Promise<Signer>>();

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A DOCKER_CONFIG of the signer's own: same config.json and TLS CAs as the lab's, empty trust dir. */
async function ownDockerConfig(lab: ScenarioLab, name: string): Promise<string> {
  const dir = join(lab.dir, 'signers', name, 'docker');
  await mkdir(join(dir, 'trust'), { recursive: true });
  await copyFile(join(lab.dockerConfigDir, 'config.json'), join(dir, 'config.json'));
  await cp(join(lab.dockerConfigDir, 'tls'), join(dir, 'tls'), { recursive: true });
  return dir;
}

async function create(lab: ScenarioLab, name: string, ownConfig: boolean): Promise<Signer> {
  const keysDir = join(lab.dir, 'signers', 'keys');
  await mkdir(keysDir, { recursive: true });
  const dockerConfigDir = ownConfig ? await ownDockerConfig(lab, name) : lab.dockerConfigDir;
  const env = { DOCKER_CONFIG: dockerConfigDir };
  const pubFile = join(keysDir, `${name}.pub`);
  if (!(await exists(pubFile))) await dockerTrust(lab, ['key', 'generate', name, '--dir', keysDir], { env });
  return { name, pubFile, dockerConfigDir, trustDir: join(dockerConfigDir, 'trust'), env };
}

/**
 * Returns signer `name` for this lab, generating its key once (later calls, also
 * concurrent ones, reuse it). `ownConfig`: keep the key out of the lab's trust dir.
 */
export function ensureSigner(lab: ScenarioLab, name: string, ownConfig: boolean): Promise<Signer> {
  const key = `${lab.dir}\0${name}`;
  let p = pending.get(key);
  if (!p) {
    p = create(lab, name, ownConfig);
    pending.set(key, p);
    p.catch(() => pending.delete(key));
  }
  return p;
}
