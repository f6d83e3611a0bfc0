/**
 * SoftHSM2 for tests: a private config and token directory per call (SOFTHSM2_CONF), never the
 * system's. Tokens are made with softhsm2-util; their slot IDs are random, so find them by label.
 * With `{ shim: true }` the module is the tests' fake PKCS#11 module (pkcs11-shim/shim.c), which
 * forwards to SoftHSM2 until `hsm.shim(mode)` tells it to answer as a locked, final-try or removed
 * token would.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const SO_PIN = '12345678';
export const USER_PIN = '1234';

/**
 * What the fake module does (shim.c): `normal` forwards everything; `locked` answers a user login with
 * CKR_PIN_LOCKED and flags the PIN locked; `final-try` / `count-low` set those token flags;
 * `remove-after-N` removes the token after N more signatures; `remove-at-F` when C_F is called on
 * one of its sessions (e.g. `remove-at-SignInit`); `removed` removes it now. `label` limits the mode
 * to one token (labels without spaces).
 */
export type ShimMode = 'normal' | 'locked' | 'final-try' | 'count-low' | 'removed' | `remove-after-${number}` | `remove-at-${string}`;

export interface SoftHsm {
  dir: string;
  conf: string;
  /** The module to load: SoftHSM2's, or the fake module in front of it. */
  module: string;
  /** SOFTHSM2_CONF for this instance (and the fake module's variables), for a child process. */
  env: Record<string, string>;
  addToken(label: string, pin?: string): void;
  /** Sets the fake module's behaviour from the next PKCS#11 call on (only with `{ shim: true }`). */
  shim(mode: ShimMode, label?: string): void;
  /** The fake module's current instruction (it rewrites `remove-after-N` to `removed` when it fires). */
  shimState(): string;
  cleanup(): void;
}

export function softHsmAvailable(): boolean {
  return existsSync(SOFTHSM_MODULE);
}

const SHIM_SOURCE = resolve(import.meta.dirname, 'pkcs11-shim/shim.c');

/** Whether the fake module can be built here (gcc and p11-kit's pkcs11.h). */
export function pkcs11ShimBuildable(): boolean {
  return existsSync('/usr/include/p11-kit-1/p11-kit/pkcs11.h') && existsSync(SHIM_SOURCE) && hasGcc();
}

function hasGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the fake PKCS#11 module with gcc into the temp dir, once per version of its source (the file
 * name carries the source's hash, so parallel workers and later runs reuse it); returns its path.
 */
export function buildPkcs11Shim(): string {
  const source = readFileSync(SHIM_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'trustdesk-pkcs11-shim');
  const out = join(dir, `shim-${hash}.so`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-I/usr/include/p11-kit-1', '-o', tmp, SHIM_SOURCE, '-ldl'], { stdio: 'pipe' });
  renameSync(tmp, out);
  return out;
}

export function makeSoftHsm(labels: string[] = [], opts: { shim?: boolean } = {}): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const control = join(dir, 'shim-control');
  const env: Record<string, string> = opts.shim
    ? { SOFTHSM2_CONF: conf, TRUSTDESK_SHIM_MODULE: SOFTHSM_MODULE, TRUSTDESK_SHIM_CONTROL: control }
    : { SOFTHSM2_CONF: conf };
  const hsm: SoftHsm = {
    dir,
    conf,
    module: opts.shim ? buildPkcs11Shim() : SOFTHSM_MODULE,
    env,
    shim(mode, label) {
      if (!opts.shim) throw new Error('makeSoftHsm: this instance has no fake module ({ shim: true })');
      writeFileSync(`${control}.tmp`, `${mode}${label ? ` label=${label}` : ''}\n`);
      renameSync(`${control}.tmp`, control);
    },
    shimState() {
      return existsSync(control) ? readFileSync(control, 'utf8').trim() : 'normal';
    },
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
