/**
 * Hardware-token use-cases for the CLI (`trustdesk token ...`) and the app's Hardware keys view:
 * list modules and tokens, the doctor, generate a root key on a token, import a file root key into
 * one or more tokens. Results are IPC-safe: public keys, IDs, labels, findings; never a PIN.
 */
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import { KeyRing, type PassphraseContext } from '../../signing/signer.js';
import { runDoctor, type DoctorReport } from '../../signing/token/doctor.js';
import { discoverModules, type ModuleCandidate } from '../../signing/token/modules.js';
import type { LoginAs, ModuleReport } from '../../../signer/protocol.js';
import { TokenAccess, locationText, type TokenKeyRecord, type TokenLocation } from '../../signing/token/tokens.js';

export interface TokenListResult {
  candidates: ModuleCandidate[];
  modules: { module: string; report?: ModuleReport; error?: ErrorValue }[];
  /** Token keys recorded in the trust dir. */
  keys: TokenKeyRecord[];
}

/** The modules to use: the given ones, else the discovered ones. */
export function modulesFor(given: string[], env: NodeJS.ProcessEnv, settings: string[] = []): ModuleCandidate[] {
  return discoverModules({ env, extra: [...given, ...settings] }).filter((m) => given.length === 0 || given.includes(m.path));
}

export async function listTokens(access: TokenAccess, modules: string[], env: NodeJS.ProcessEnv, settings: string[] = []): Promise<TokenListResult> {
  const candidates = modulesFor(modules, env, settings);
  const out: TokenListResult = { candidates, modules: [], keys: await access.store.list() };
  for (const c of candidates) {
    try {
      out.modules.push({ module: c.path, report: await access.client.list(c.path) });
    } catch (err) {
      out.modules.push({ module: c.path, error: toErrorValue(err) });
    }
  }
  return out;
}

export async function tokenDoctor(access: TokenAccess, modules: string[], env: NodeJS.ProcessEnv, opts: { pin?: string; settings?: string[]; now?: Date } = {}): Promise<DoctorReport> {
  const candidates = modulesFor(modules, env, opts.settings ?? []).map((c) => c.path);
  const report = await runDoctor(access.client, candidates, { records: await access.store.list(), ...(opts.pin ? { pin: opts.pin } : {}), ...(opts.now ? { now: opts.now } : {}) });
  if (candidates.length === 0) {
    report.findings.unshift({ level: 'error', title: 'No PKCS#11 module found', action: 'Install ykcs11 (YubiKey) or OpenSC, or give the module with --module PATH (or TRUSTDESK_PKCS11_MODULE).' });
  }
  return report;
}

/**
 * Resolves `--module` and `--token` into a location: without a module, the first module found that
 * has a token with that label (else the first module found, so the error names it).
 */
export async function resolveTokenLocation(access: TokenAccess, module: string | undefined, label: string, serial: string | undefined, env: NodeJS.ProcessEnv, settings: string[] = []): Promise<TokenLocation> {
  const token = { label, ...(serial ? { serial } : {}) };
  if (module) return { module, token };
  const found = discoverModules({ env, extra: settings }).filter((c) => c.exists);
  if (found.length === 0) throw new TrustDeskError('TOKEN_MODULE_ERROR', 'no PKCS#11 module found: give one with --module PATH (a YubiKey: libykcs11.so) or TRUSTDESK_PKCS11_MODULE');
  for (const c of found) {
    try {
      const r = await access.client.list(c.path);
      if (r.tokens.some((t) => t.label === label.trim() && (!serial || t.serial === serial))) return { module: c.path, token };
    } catch {
      /* a module that does not load is skipped here; the doctor says why */
    }
  }
  throw new TrustDeskError('TOKEN_NOT_FOUND', `no token "${label}"${serial ? ` with serial ${serial}` : ''} in ${found.map((c) => c.path).join(', ')}: plug it in, or give --module PATH`);
}

export interface GenerateResult {
  key: TokenKeyRecord;
  /** Repositories whose root certificate was stored on the token with the key. */
  certificateFor?: string;
}

export async function generateOnToken(access: TokenAccess, location: TokenLocation, opts: { gun?: string; ckaId?: string; label?: string; now?: Date; as?: LoginAs } = {}): Promise<GenerateResult> {
  const key = await access.generate(location, { role: 'root', ...(opts.ckaId ? { ckaId: opts.ckaId } : {}), ...(opts.label ? { label: opts.label } : {}), ...(opts.as ? { as: opts.as } : {}) });
  if (opts.gun) await access.rootCertificate(key, opts.gun, opts.now ?? new Date());
  return { key, ...(opts.gun ? { certificateFor: opts.gun } : {}) };
}

export interface ImportResult {
  key: TokenKeyRecord;
  imported: string[];
  failed: { token: string; error: ErrorValue }[];
  /** The key file that still holds the key (the user decides whether to keep it as a backup). */
  keyFile: string;
}

/** Puts the trust dir's root key `keyId` (prefix) on each token; the key file is kept. */
export async function importRootToTokens(access: TokenAccess, trustDir: string, passphrases: PassphraseContext, keyIdPrefix: string, locations: TokenLocation[], opts: { as?: LoginAs } = {}): Promise<ImportResult> {
  const ring = new KeyRing(trustDir, passphrases);
  const roots = await ring.rootKeys();
  const matches = roots.filter((e) => e.keyId.startsWith(keyIdPrefix.toLowerCase()));
  if (matches.length === 0) throw new TrustDeskError('KEY_NOT_FOUND', `no root key ${keyIdPrefix} in ${trustDir}`);
  if (matches.length > 1) throw new TrustDeskError('INVALID_ARGUMENT', `${keyIdPrefix} names ${matches.length} root keys: give more of the ID`);
  const entry = matches[0]!;
  const signer = await ring.rootSigner(entry);
  const { record, failed } = await access.importKey(signer.privateKey, locations, { role: 'root', ...(opts.as ? { as: opts.as } : {}) });
  const imported = locations.filter((l) => !failed.some((f) => f.location === l)).map(locationText);
  const result: ImportResult = { key: record, imported, failed: failed.map((f) => ({ token: locationText(f.location), error: f.error.toValue() })), keyFile: entry.path };
  if (imported.length === 0) throw new TrustDeskError(failed[0]?.error.code ?? 'TOKEN_ERROR', `the key was put on no token: ${failed.map((f) => `${locationText(f.location)}: ${f.error.message}`).join('; ')}`);
  return result;
}
