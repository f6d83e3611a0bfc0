/**
 * Where PKCS#11 modules usually are: Yubico's ykcs11 (the paths notary searches, plus Windows'),
 * OpenSC's opensc-pkcs11, SoftHSM2, and paths the user chose (settings, --module,
 * TRUSTDESK_PKCS11_MODULE). Only the file system is checked here; loading happens in the worker.
 */
import { existsSync } from 'node:fs';

export type ModuleKind = 'ykcs11' | 'opensc' | 'softhsm' | 'user';

export interface ModuleCandidate {
  path: string;
  kind: ModuleKind;
  exists: boolean;
}

const YKCS11: Record<string, string[]> = {
  linux: [
    '/usr/lib/x86_64-linux-gnu/libykcs11.so',
    '/usr/lib/aarch64-linux-gnu/libykcs11.so',
    '/usr/lib/libykcs11.so',
    '/usr/lib/libykcs11.so.1',
    '/usr/lib64/libykcs11.so',
    '/usr/lib64/libykcs11.so.1',
    '/usr/local/lib/libykcs11.so',
  ],
  darwin: [
    '/opt/homebrew/lib/libykcs11.dylib',
    '/usr/local/lib/libykcs11.dylib',
    '/usr/local/docker/lib/libykcs11.dylib',
    '/usr/local/docker-experimental/lib/libykcs11.dylib',
  ],
  win32: ['C:\\Program Files\\Yubico\\Yubico PIV Tool\\bin\\libykcs11.dll', 'C:\\Program Files (x86)\\Yubico\\Yubico PIV Tool\\bin\\libykcs11.dll'],
};

const OPENSC: Record<string, string[]> = {
  linux: [
    '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
    '/usr/lib/opensc-pkcs11.so',
    '/usr/lib64/opensc-pkcs11.so',
    '/usr/local/lib/opensc-pkcs11.so',
  ],
  darwin: ['/Library/OpenSC/lib/opensc-pkcs11.so', '/opt/homebrew/lib/opensc-pkcs11.so', '/usr/local/lib/opensc-pkcs11.so'],
  win32: ['C:\\Windows\\System32\\opensc-pkcs11.dll', 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll'],
};

const SOFTHSM: Record<string, string[]> = {
  linux: ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'],
  darwin: ['/opt/homebrew/lib/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'],
  win32: ['C:\\SoftHSM2\\lib\\softhsm2-x64.dll'],
};

/** The default search paths of a platform, in order: ykcs11, OpenSC, SoftHSM2. */
export function defaultModulePaths(platform: NodeJS.Platform = process.platform): { path: string; kind: ModuleKind }[] {
  const p = platform === 'darwin' || platform === 'win32' ? platform : 'linux';
  return [
    ...YKCS11[p]!.map((path) => ({ path, kind: 'ykcs11' as const })),
    ...OPENSC[p]!.map((path) => ({ path, kind: 'opensc' as const })),
    ...SOFTHSM[p]!.map((path) => ({ path, kind: 'softhsm' as const })),
  ];
}

export function kindOf(path: string): ModuleKind {
  const base = path.toLowerCase();
  if (base.includes('ykcs11')) return 'ykcs11';
  if (base.includes('opensc')) return 'opensc';
  if (base.includes('softhsm')) return 'softhsm';
  return 'user';
}

export interface DiscoverOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** User-chosen modules (settings, --module): listed first, shown even when missing. */
  extra?: string[];
  exists?: (path: string) => boolean;
}

/**
 * The modules to try: the user's first, then TRUSTDESK_PKCS11_MODULE, then the installed defaults
 * (missing defaults are left out; a symlink and its target count once).
 */
export function discoverModules(opts: DiscoverOptions = {}): ModuleCandidate[] {
  const exists = opts.exists ?? existsSync;
  const env = opts.env ?? process.env;
  const out: ModuleCandidate[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: ModuleKind, always: boolean) => {
    if (!path || seen.has(path)) return;
    const e = exists(path);
    if (!e && !always) return;
    seen.add(path);
    out.push({ path, kind, exists: e });
  };
  for (const p of opts.extra ?? []) add(p, kindOf(p), true);
  for (const p of (env.TRUSTDESK_PKCS11_MODULE ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean)) add(p, kindOf(p), true);
  const defaults = defaultModulePaths(opts.platform);
  const kinds = new Set<ModuleKind>();
  for (const d of defaults) {
    // one path per kind is enough (the others are usually symlinks to the same library)
    if (kinds.has(d.kind)) continue;
    if (exists(d.path)) {
      add(d.path, d.kind, false);
      kinds.add(d.kind);
    }
  }
  return out;
}

/** The one module to use when the user did not name one: the first found, else an error text. */
export function defaultModule(opts: DiscoverOptions = {}): string | undefined {
  return discoverModules(opts).find((m) => m.exists)?.path;
}
