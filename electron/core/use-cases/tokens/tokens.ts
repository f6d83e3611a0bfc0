/**
 * Hardware-token use-cases for the CLI (`trustdesk token ...`) and the app's Hardware keys view:
 * list modules and tokens, the doctor, generate a root key on a token, adopt one already there,
 * import a file root key into one or more tokens. Each takes the one TrustContext: its trust dir
 * (token key records, key files), `ctx.tokens` (the PKCS#11 worker, PINs from the environment then
 * `ctx.secrets.pin`), passphrases for key files, the clock. Results are IPC-safe: public keys, IDs,
 * labels, findings; never a PIN.
 */
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import type { TrustContext } from '../../session/context.js';
import { runDoctor, type DoctorReport } from '../../signing/token/doctor.js';
import { discoverModules, type ModuleCandidate } from '../../signing/token/modules.js';
import { locateToken, type TokenTarget } from '../../signing/token/locate.js';
import type { LoginAs, ModuleReport } from '../../../signer/protocol.js';
import { locationText, Pkcs11Signer, type TokenKeyRecord, type TokenLocation } from '../../signing/token/tokens.js';
import type { HardwareReportView } from '../../../../shared/ipc/hardware-contract.js';
import { generateRootKey } from '../ceremony/root-generate.js';
import { KeyFileStore } from '../../keystore/key-file-store.js';

export type { TokenTarget };

export interface TokenListResult {
  candidates: ModuleCandidate[];
  modules: { module: string; report?: ModuleReport; error?: ErrorValue }[];
  /** Token keys recorded in the trust dir. */
  keys: TokenKeyRecord[];
}

/** Which modules: `modules` given (`--module`, the request's), else those found; `settings`: the app's configured ones. */
export interface ModuleChoice {
  modules: string[];
  settings?: string[];
}

/** The modules to use: the given ones, else the discovered ones. */
export function modulesFor(given: string[], env: NodeJS.ProcessEnv, settings: string[] = []): ModuleCandidate[] {
  return discoverModules({ env, extra: [...given, ...settings] }).filter((m) => given.length === 0 || given.includes(m.path));
}

export async function listTokens(ctx: TrustContext, input: ModuleChoice): Promise<TokenListResult> {
  const access = ctx.tokens;
  const candidates = modulesFor(input.modules, ctx.env, input.settings);
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

/** The doctor; with `pin` (the CLI's `--login`) it also logs in to see private keys. The PIN is not kept or returned. */
export async function tokenDoctor(ctx: TrustContext, input: ModuleChoice & { pin?: string }): Promise<DoctorReport> {
  const access = ctx.tokens;
  const candidates = modulesFor(input.modules, ctx.env, input.settings).map((c) => c.path);
  const report = await runDoctor(access.client, candidates, {
    records: await access.store.list(),
    ...(input.pin ? { pin: input.pin } : {}),
    now: ctx.now(),
  });
  if (candidates.length === 0) {
    report.findings.unshift({
      level: 'error',
      title: 'No PKCS#11 module found',
      action: 'Install ykcs11 (YubiKey) or OpenSC, or give the module with --module PATH (or TRUSTDESK_PKCS11_MODULE).',
    });
  }
  return report;
}

/** The doctor as the Hardware keys view shows it (tokens are "devices" there), with the recorded token keys. */
export async function hardwareReport(ctx: TrustContext, input: ModuleChoice): Promise<HardwareReportView> {
  const r = await tokenDoctor(ctx, input);
  const records = await ctx.tokens.store.list();
  // without a PIN the token hides how a key came to be; the trust dir's record knows
  const originOf = (keyId?: string) => {
    const o = records.find((x) => x.keyId === keyId)?.origin;
    return o === 'generated' ? 'generated on the token' : o === 'imported' ? 'imported' : undefined;
  };
  return {
    modules: r.modules.map((m) => ({
      path: m.module,
      kind: m.kind,
      loads: m.loads,
      ...(m.library ? { library: m.library } : {}),
      slotCount: m.slots,
      findings: m.findings,
      devices: m.tokens.map((t) => ({
        label: t.label,
        serial: t.serial,
        manufacturer: t.manufacturer,
        model: t.model,
        firmware: t.firmware,
        yubikey: t.yubikey,
        keys: t.keys.map((k) => (k.origin || !originOf(k.keyId) ? k : { ...k, origin: originOf(k.keyId) })),
        certificates: t.certificates,
        findings: t.findings,
      })),
    })),
    findings: r.findings,
    recordedKeys: records.map((k) => ({
      keyId: k.keyId,
      role: k.role,
      origin: k.origin,
      devices: k.locations.map((l) => l.token.label),
      repositories: (k.certificates ?? []).map((c) => c.gun),
    })),
    rootKeys: await rootKeyPlaces(ctx, records, r),
  };
}

/** Where each root key lives: a key file of the trust dir, the tokens holding it, its root certificates (per repository, with their IDs). */
async function rootKeyPlaces(ctx: TrustContext, records: TokenKeyRecord[], report: DoctorReport): Promise<HardwareReportView['rootKeys']> {
  const files = await ctx.keyFiles.rootKeys().catch(() => []);
  const ids = [...new Set([...files.map((f) => f.keyId), ...records.filter((x) => x.role === 'root').map((x) => x.keyId)])].sort();
  return ids.map((keyId) => {
    const record = records.find((x) => x.keyId === keyId);
    const certificates = new Map<string, string>();
    for (const m of report.modules)
      for (const t of m.tokens)
        for (const c of t.certificates) {
          const gun = /CN=([^,]+)/.exec(c.subject)?.[1];
          if (c.keyId === keyId && gun && c.certId) certificates.set(gun, c.certId);
        }
    return {
      keyId,
      file: files.some((f) => f.keyId === keyId),
      devices: (record?.locations ?? []).map((l) => l.token.label + (l.token.serial ? ` (serial ${l.token.serial})` : '')),
      certificates: [...certificates].map(([gun, certId]) => ({ gun, certId })),
    };
  });
}

/** A copy on one token checked: it signs, and the signature verifies with the recorded public key. */
export interface CopyCheck {
  token: string;
  signs: boolean;
  error?: ErrorValue;
}

/** Signs a probe with each token copy of a key alone (the backups too) and checks the signature against the public key. */
export async function checkTokenCopies(ctx: TrustContext, record: TokenKeyRecord): Promise<CopyCheck[]> {
  const out: CopyCheck[] = [];
  for (const l of record.locations) {
    const one = new Pkcs11Signer({ ...record, locations: [l] }, ctx.tokens);
    try {
      // Pkcs11Signer verifies every signature it gets against the recorded public key
      await one.signRaw(
        Buffer.from(`trustdesk copy check ${record.keyId}`),
        `check that the copy of key ${record.keyId.slice(0, 7)} on this token signs`,
      );
      out.push({ token: locationText(l), signs: true });
    } catch (err) {
      out.push({ token: locationText(l), signs: false, error: toErrorValue(err) });
    }
  }
  return out;
}

/**
 * Resolves a token target (`--module`, `--token LABEL`, `--serial`) into a location: without a
 * module, the first module found that has a token with that label.
 */
export function resolveTokenLocation(ctx: TrustContext, input: TokenTarget & { settings?: string[] }): Promise<TokenLocation> {
  const { settings, ...target } = input;
  return locateToken(ctx.tokens, target, ctx.env, settings);
}

export interface GenerateResult {
  key: TokenKeyRecord;
  /** Repositories whose root certificate was stored on the token with the key. */
  certificateFor?: string;
}

/** A new root key made on the token; with `gun`, its root certificate for that repository is stored there too (dated `ctx.now()`). */
export async function generateOnToken(
  ctx: TrustContext,
  input: { token: TokenTarget & { settings?: string[] }; gun?: string; ckaId?: string; label?: string; as?: LoginAs },
): Promise<GenerateResult> {
  const access = ctx.tokens;
  const location = await resolveTokenLocation(ctx, input.token);
  const key = await access.generate(location, {
    role: 'root',
    ...(input.ckaId ? { ckaId: input.ckaId } : {}),
    ...(input.label ? { label: input.label } : {}),
    ...(input.as ? { as: input.as } : {}),
  });
  if (input.gun) await access.rootCertificate(key, input.gun, ctx.now());
  return { key, ...(input.gun ? { certificateFor: input.gun } : {}) };
}

/**
 * A root key that can still be backed up (`token generate --backed-up`, the Hardware keys view's "keep
 * an encrypted copy"): made on this machine as an encrypted root key file of the trust dir (the
 * ceremony's `root generate`, logged), then put on the token, the copy checked by the import. The
 * file stays for the backups (a second token, m-of-n shares) until the user removes it; a key made
 * on the token itself cannot leave it. If no token took the key, the new file is removed again.
 */
export async function generateBackedUpOnToken(
  ctx: TrustContext,
  input: { token: TokenTarget & { settings?: string[] }; gun?: string; as?: LoginAs },
): Promise<GenerateResult & { keyFile: string }> {
  await resolveTokenLocation(ctx, input.token); // no token, no new key file
  const { keyId } = await generateRootKey(ctx);
  let r: ImportResult;
  try {
    r = await importRootToTokens(ctx, { keyIdPrefix: keyId, tokens: [input.token], ...(input.as ? { as: input.as } : {}) });
  } catch (err) {
    const store = new KeyFileStore(ctx.trustDir);
    await store
      .find(keyId)
      .then((e) => store.remove(e, ctx.now()))
      .then(() => store.purge(keyId))
      .catch(() => undefined);
    throw err;
  }
  if (input.gun) await ctx.tokens.rootCertificate(r.key, input.gun, ctx.now());
  return { key: r.key, keyFile: r.keyFile, ...(input.gun ? { certificateFor: input.gun } : {}) };
}

/** Records a P-256 key already on the token (made with ykman, pkcs11-tool) as a root key. */
export async function adoptTokenKey(
  ctx: TrustContext,
  input: { token: TokenTarget & { settings?: string[] }; ckaId: string },
): Promise<TokenKeyRecord> {
  const location = await resolveTokenLocation(ctx, input.token);
  return ctx.tokens.adopt(location, input.ckaId);
}

export interface ImportResult {
  key: TokenKeyRecord;
  imported: string[];
  failed: { token: string; error: ErrorValue }[];
  /** The key file that still holds the key (the user decides whether to keep it as a backup). */
  keyFile: string;
}

/** Puts the trust dir's root key `keyIdPrefix` on each token (located in order); the key file is kept. */
export async function importRootToTokens(
  ctx: TrustContext,
  input: { keyIdPrefix: string; tokens: (TokenTarget & { settings?: string[] })[]; as?: LoginAs },
): Promise<ImportResult> {
  const access = ctx.tokens;
  const locations: TokenLocation[] = [];
  for (const t of input.tokens) locations.push(await resolveTokenLocation(ctx, t));
  const ring = ctx.keyFiles;
  const roots = await ring.rootKeys();
  const matches = roots.filter((e) => e.keyId.startsWith(input.keyIdPrefix.toLowerCase()));
  if (matches.length === 0) throw new TrustDeskError('KEY_NOT_FOUND', `no root key ${input.keyIdPrefix} in ${ctx.trustDir}`);
  if (matches.length > 1) throw new TrustDeskError('INVALID_ARGUMENT', `${input.keyIdPrefix} names ${matches.length} root keys: give more of the ID`);
  const entry = matches[0]!;
  const signer = await ring.rootSigner(entry);
  const { record, failed } = await access.importKey(signer.privateKey, locations, { role: 'root', ...(input.as ? { as: input.as } : {}) });
  const imported = locations.filter((l) => !failed.some((f) => f.location === l)).map(locationText);
  const result: ImportResult = {
    key: record,
    imported,
    failed: failed.map((f) => ({ token: locationText(f.location), error: f.error.toValue() })),
    keyFile: entry.path,
  };
  if (imported.length === 0)
    throw new TrustDeskError(
      failed[0]?.error.code ?? 'TOKEN_ERROR',
      `the key was put on no token: ${failed.map((f) => `${locationText(f.location)}: ${f.error.message}`).join('; ')}`,
    );
  return result;
}
