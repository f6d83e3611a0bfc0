/**
 * SoftHSM2 for tests: a private config and token directory per call (SOFTHSM2_CONF), never the
 * system's. Tokens are made with softhsm2-util; their slot IDs are random, so find them by label.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const SO_PIN = '12345678';
export const USER_PIN = '1234';

export interface SoftHsm {
  dir: string;
  conf: string;
  module: string;
  /** SOFTHSM2_CONF for this instance, for a child process. */
  env: Record<string, string>;
  addToken(label: string, pin?: string): void;
  cleanup(): void;
}

export function softHsmAvailable(): boolean {
  return existsSync(SOFTHSM_MODULE);
}

export function makeSoftHsm(labels: string[] = []): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { SOFTHSM2_CONF: conf };
  const hsm: SoftHsm = {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    env,
    addToken(label, pin = USER_PIN) {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const l of labels) hsm.addToken(l);
  return hsm;
}
