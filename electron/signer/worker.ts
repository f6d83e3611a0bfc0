/**
 * The PKCS#11 worker: the only place that loads a vendor module (pkcs11js). It runs in a process of
 * its own, a `child_process.fork` child (CLI, tests) or an Electron `utilityProcess` (the app), so a
 * module that crashes or hangs takes down this process only; the client (client.ts) turns that into
 * a clear error. It answers JSON requests (protocol.ts) one at a time. PINs are used for one request
 * and never echoed, logged or put in an error.
 */
import { createRequire } from 'node:module';
import { createPublicKey } from 'node:crypto';
import type {
  LoginAs,
  TokenFlags,
  TokenInfo,
  TokenObject,
  TokenRef,
  WorkerErrorValue,
  WorkerMessage,
  WorkerReply,
  WorkerRequest,
} from './protocol.js';

type Pkcs11Module = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;
type Handle = Buffer;

const require = createRequire(import.meta.url);
let lib: Pkcs11Module | undefined;
function pkcs11js(): Pkcs11Module {
  lib ??= require('pkcs11js') as Pkcs11Module;
  return lib;
}

/** DER OIDs of the EC curves TrustDesk names (CKA_EC_PARAMS). */
export const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
const CURVES: Record<string, string> = { '06082a8648ce3d030107': 'prime256v1', '06052b81040022': 'secp384r1', '06052b81040023': 'secp521r1' };
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export class WorkerError extends Error {
  constructor(readonly value: WorkerErrorValue) {
    super(value.message);
  }
}

const REMOVED = new Set(['CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_DEVICE_ERROR', 'CKR_SESSION_CLOSED', 'CKR_TOKEN_NOT_RECOGNIZED']);

/** pkcs11js throws Pkcs11Error (message = CKR name, code) or a plain Error "CKR_X:208": one shape. */
export function ckrOf(err: unknown): { ckr?: string; method?: string; message: string } {
  const e = err as { message?: string; method?: string };
  const message = String(e?.message ?? err);
  const m = /(CKR_\w+?)(?::(\d+))?$/.exec(message.trim()) ?? /(CKR_[A-Z0-9_]+)/.exec(message);
  return { ...(m ? { ckr: m[1] } : {}), ...(e?.method ? { method: e.method } : {}), message };
}

function fail(code: string, message: string, extra: Partial<WorkerErrorValue> = {}): never {
  throw new WorkerError({ code, message, ...extra });
}

function tokenError(err: unknown, what: string): never {
  if (err instanceof WorkerError) throw err;
  const { ckr, method, message } = ckrOf(err);
  const extra = { ...(ckr ? { ckr } : {}), ...(method ? { method } : {}) };
  if (ckr && REMOVED.has(ckr)) fail('TOKEN_REMOVED', `${what}: the token was removed or stopped answering (${ckr})`, extra);
  if (ckr === 'CKR_PIN_LOCKED') fail('TOKEN_PIN_LOCKED', `${what}: the token's PIN is locked (${ckr})`, extra);
  fail('TOKEN_ERROR', `${what}: ${ckr ?? message}${method ? ` in ${method}` : ''}`, extra);
}

const trim = (s: string) => s.replace(/\0/g, '').trim();
const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;

const modules = new Map<string, Pkcs11>();

function open(path: string): Pkcs11 {
  const cached = modules.get(path);
  if (cached) return cached;
  const { PKCS11 } = pkcs11js();
  const p = new PKCS11();
  try {
    p.load(path);
  } catch (err) {
    fail('TOKEN_MODULE_ERROR', `cannot load the PKCS#11 module ${path}: ${(err as Error).message}`);
  }
  try {
    p.C_Initialize();
  } catch (err) {
    const { ckr, message } = ckrOf(err);
    if (ckr !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      fail('TOKEN_MODULE_ERROR', `the PKCS#11 module ${path} loads but does not start (C_Initialize: ${ckr ?? message})`, ckr ? { ckr } : {});
    }
  }
  modules.set(path, p);
  return p;
}

function flagsOf(flags: number): TokenFlags {
  const c = pkcs11js();
  const has = (f: number) => (flags & f) !== 0;
  return {
    initialized: has(0x400 /* CKF_TOKEN_INITIALIZED */),
    loginRequired: has(c.CKF_LOGIN_REQUIRED),
    userPinInitialized: has(c.CKF_USER_PIN_INITIALIZED),
    pinCountLow: has(c.CKF_USER_PIN_COUNT_LOW),
    pinFinalTry: has(c.CKF_USER_PIN_FINAL_TRY),
    pinLocked: has(c.CKF_USER_PIN_LOCKED),
    pinToBeChanged: has(c.CKF_USER_PIN_TO_BE_CHANGED),
    soPinCountLow: has(c.CKF_SO_PIN_COUNT_LOW),
    soPinFinalTry: has(c.CKF_SO_PIN_FINAL_TRY),
    soPinLocked: has(c.CKF_SO_PIN_LOCKED),
    protectedAuthenticationPath: has(c.CKF_PROTECTED_AUTHENTICATION_PATH),
  };
}

function tokenInfo(p: Pkcs11, slot: Handle): TokenInfo {
  const t = p.C_GetTokenInfo(slot);
  const s = p.C_GetSlotInfo(slot);
  return {
    slotId: slot.toString('hex'),
    slotDescription: trim(s.slotDescription),
    label: trim(t.label),
    manufacturer: trim(t.manufacturerID),
    model: trim(t.model),
    serial: trim(t.serialNumber),
    firmware: version(t.firmwareVersion),
    hardware: version(t.hardwareVersion),
    minPinLength: t.minPinLen,
    maxPinLength: t.maxPinLen,
    flags: flagsOf(t.flags),
  };
}

function findSlot(p: Pkcs11, module: string, ref: TokenRef): { slot: Handle; info: TokenInfo } {
  let slots: Handle[];
  try {
    slots = p.C_GetSlotList(true);
  } catch (err) {
    tokenError(err, `cannot list the slots of ${module}`);
  }
  const seen: string[] = [];
  for (const slot of slots) {
    let info: TokenInfo;
    try {
      info = tokenInfo(p, slot);
    } catch {
      continue; // a token that went away while listing
    }
    seen.push(info.serial ? `${info.label} (serial ${info.serial})` : info.label);
    if (info.label === ref.label.trim() && (!ref.serial || info.serial === ref.serial.trim())) return { slot, info };
  }
  fail(
    'TOKEN_NOT_FOUND',
    `no token "${ref.label}"${ref.serial ? ` with serial ${ref.serial}` : ''} in ${module}${seen.length ? `; present: ${seen.join(', ')}` : ': no token is present (plugged in?)'}`,
  );
}

function pinState(p: Pkcs11, slot: Handle): WorkerErrorValue['pinState'] {
  try {
    const f = flagsOf(p.C_GetTokenInfo(slot).flags);
    return f.pinLocked ? 'locked' : f.pinFinalTry ? 'final-try' : f.pinCountLow ? 'count-low' : 'ok';
  } catch {
    return undefined;
  }
}

function login(p: Pkcs11, slot: Handle, session: Handle, pin: string, label: string, userType?: number): void {
  const c = pkcs11js();
  try {
    p.C_Login(session, userType ?? c.CKU_USER, pin);
  } catch (err) {
    const { ckr } = ckrOf(err);
    if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') return;
    if ((ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LEN_RANGE') && userType === c.CKU_SO) {
      fail(
        'TOKEN_PIN_WRONG',
        `wrong SO PIN for token "${label}" (a YubiKey's ykcs11 wants the PIV management key in hex here)${ckr === 'CKR_PIN_LEN_RANGE' ? ' (wrong length)' : ''}`,
        { ckr },
      );
    }
    if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LEN_RANGE') {
      const state = pinState(p, slot);
      const left =
        state === 'locked'
          ? 'the PIN is now locked: unblock it with the PUK or SO PIN'
          : state === 'final-try'
            ? 'one attempt left: the next wrong PIN locks the token'
            : state === 'count-low'
              ? 'few attempts left before the token locks'
              : 'the token did not say how many attempts are left (a YubiKey allows 3 by default)';
      fail('TOKEN_PIN_WRONG', `wrong PIN for token "${label}"${ckr === 'CKR_PIN_LEN_RANGE' ? ' (wrong length)' : ''}: ${left}`, {
        ckr,
        ...(state ? { pinState: state } : {}),
      });
    }
    tokenError(err, `cannot log in to token "${label}"`);
  }
}

function withSession<T>(
  module: string,
  ref: TokenRef,
  pin: string | undefined,
  fn: (p: Pkcs11, session: Handle, slot: Handle, info: TokenInfo) => T,
  as: LoginAs = 'user',
): T {
  const c = pkcs11js();
  const p = open(module);
  const { slot, info } = findSlot(p, module, ref);
  let session: Handle;
  try {
    session = p.C_OpenSession(slot, c.CKF_SERIAL_SESSION | c.CKF_RW_SESSION);
  } catch (err) {
    tokenError(err, `cannot open a session with token "${info.label}"`);
  }
  let loggedIn = false;
  try {
    if (pin !== undefined) {
      login(p, slot, session, pin, info.label, as === 'so' ? c.CKU_SO : undefined);
      loggedIn = true;
    }
    return fn(p, session, slot, info);
  } catch (err) {
    return tokenError(err, `token "${info.label}"`);
  } finally {
    if (loggedIn) {
      try {
        p.C_Logout(session);
      } catch {
        /* the token may be gone */
      }
    }
    try {
      p.C_CloseSession(session);
    } catch {
      /* the token may be gone */
    }
  }
}

function find(p: Pkcs11, session: Handle, template: { type: number; value?: unknown }[]): Handle[] {
  p.C_FindObjectsInit(session, template as never);
  try {
    const out: Handle[] = [];
    for (;;) {
      const batch = p.C_FindObjects(session, 32);
      if (batch.length === 0) break;
      out.push(...batch);
    }
    return out;
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function attr(p: Pkcs11, session: Handle, obj: Handle, type: number): Buffer | undefined {
  try {
    const [a] = p.C_GetAttributeValue(session, obj, [{ type }]);
    const v = a?.value;
    return Buffer.isBuffer(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function bool(b: Buffer | undefined): boolean | undefined {
  return b && b.length > 0 ? b[0] !== 0 : undefined;
}

function ulong(b: Buffer | undefined): number | undefined {
  return b && b.length >= 4 ? (b.length >= 8 ? Number(b.readBigUInt64LE(0)) : b.readUInt32LE(0)) : undefined;
}

/** CKA_EC_POINT (a DER OCTET STRING around 04||X||Y, or the raw point) → P-256 SPKI DER. */
export function spkiFromEcPoint(point: Buffer): Buffer | undefined {
  let raw = point;
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) raw = point.subarray(2);
  if (raw.length !== 65 || raw[0] !== 0x04) return undefined;
  return Buffer.concat([P256_SPKI_PREFIX, raw]);
}

function ecPointOfSpki(spki: Buffer): Buffer {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') fail('TOKEN_ERROR', 'only ECDSA P-256 keys are put on tokens');
  const raw = spki.subarray(spki.length - 65);
  return Buffer.concat([Buffer.from([0x04, 0x41]), raw]);
}

function readObject(p: Pkcs11, session: Handle, obj: Handle): TokenObject | undefined {
  const c = pkcs11js();
  const cls = ulong(attr(p, session, obj, c.CKA_CLASS));
  const id = (attr(p, session, obj, c.CKA_ID) ?? Buffer.alloc(0)).toString('hex');
  const label = (attr(p, session, obj, c.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8');
  if (cls === c.CKO_CERTIFICATE) {
    const der = attr(p, session, obj, c.CKA_VALUE);
    return { kind: 'certificate', id, label, ...(der ? { der: der.toString('base64') } : {}) };
  }
  if (cls !== c.CKO_PUBLIC_KEY && cls !== c.CKO_PRIVATE_KEY) return undefined;
  const kt = ulong(attr(p, session, obj, c.CKA_KEY_TYPE));
  const keyType = kt === c.CKK_EC ? 'ec' : kt === c.CKK_RSA ? 'rsa' : 'other';
  const params = attr(p, session, obj, c.CKA_EC_PARAMS);
  const curve = params ? (CURVES[params.toString('hex')] ?? params.toString('hex')) : undefined;
  const base = { id, label, keyType, ...(curve ? { curve } : {}) } as const;
  if (cls === c.CKO_PUBLIC_KEY) {
    const point = attr(p, session, obj, c.CKA_EC_POINT);
    const spki = point && curve === 'prime256v1' ? spkiFromEcPoint(point) : undefined;
    return { kind: 'public-key', ...base, ...(spki ? { spki: spki.toString('base64') } : {}) };
  }
  const local = bool(attr(p, session, obj, c.CKA_LOCAL));
  const neverExtractable = bool(attr(p, session, obj, c.CKA_NEVER_EXTRACTABLE));
  const sensitive = bool(attr(p, session, obj, c.CKA_SENSITIVE));
  const extractable = bool(attr(p, session, obj, c.CKA_EXTRACTABLE));
  const alwaysAuthenticate = bool(attr(p, session, obj, c.CKA_ALWAYS_AUTHENTICATE));
  return {
    kind: 'private-key',
    ...base,
    ...(local !== undefined ? { generatedOnToken: local && neverExtractable !== false } : {}),
    ...(sensitive !== undefined ? { sensitive } : {}),
    ...(extractable !== undefined ? { extractable } : {}),
    ...(alwaysAuthenticate !== undefined ? { alwaysAuthenticate } : {}),
  };
}

function privateKey(p: Pkcs11, session: Handle, id: string, label: string): Handle {
  const c = pkcs11js();
  const [key] = find(p, session, [
    { type: c.CKA_CLASS, value: c.CKO_PRIVATE_KEY },
    { type: c.CKA_ID, value: Buffer.from(id, 'hex') },
  ]);
  if (!key) fail('TOKEN_KEY_NOT_FOUND', `token "${label}" has no private key with ID ${id}`);
  return key;
}

function ensureFreeId(p: Pkcs11, session: Handle, id: string, label: string): void {
  const c = pkcs11js();
  if (find(p, session, [{ type: c.CKA_ID, value: Buffer.from(id, 'hex') }]).length > 0) {
    fail('TOKEN_ERROR', `token "${label}" already holds an object with ID ${id}: nothing was changed`);
  }
}

export function handle(req: WorkerRequest): unknown {
  const c = pkcs11js();
  switch (req.op) {
    case 'ping':
      return { pid: process.pid };
    case 'list': {
      const p = open(req.module);
      try {
        const info = p.C_GetInfo();
        const slots = p.C_GetSlotList(false).map((slot) => {
          const s = p.C_GetSlotInfo(slot);
          return { slotId: slot.toString('hex'), description: trim(s.slotDescription), tokenPresent: (s.flags & 0x1) !== 0 /* CKF_TOKEN_PRESENT */ };
        });
        const tokens: TokenInfo[] = [];
        for (const slot of p.C_GetSlotList(true)) {
          try {
            tokens.push(tokenInfo(p, slot));
          } catch {
            /* removed while listing */
          }
        }
        return {
          module: req.module,
          library: {
            description: trim(info.libraryDescription),
            manufacturer: trim(info.manufacturerID),
            version: version(info.libraryVersion),
            cryptoki: version(info.cryptokiVersion),
          },
          slots,
          tokens,
        };
      } catch (err) {
        return tokenError(err, `cannot list the tokens of ${req.module}`);
      }
    }
    case 'objects':
      return withSession(req.module, req.token, req.pin, (p, session) => {
        const out: TokenObject[] = [];
        for (const obj of find(p, session, [])) {
          const o = readObject(p, session, obj);
          if (o) out.push(o);
        }
        return out;
      });
    case 'generate':
      return withSession(
        req.module,
        req.token,
        req.pin,
        (p, session, _slot, info) => {
          ensureFreeId(p, session, req.ckaId, info.label);
          const id = Buffer.from(req.ckaId, 'hex');
          const { publicKey } = p.C_GenerateKeyPair(
            session,
            { mechanism: c.CKM_EC_KEY_PAIR_GEN },
            [
              { type: c.CKA_TOKEN, value: true },
              { type: c.CKA_VERIFY, value: true },
              { type: c.CKA_EC_PARAMS, value: P256_PARAMS },
              { type: c.CKA_ID, value: id },
              { type: c.CKA_LABEL, value: req.label },
            ],
            [
              { type: c.CKA_TOKEN, value: true },
              { type: c.CKA_PRIVATE, value: true },
              { type: c.CKA_SIGN, value: true },
              { type: c.CKA_SENSITIVE, value: true },
              { type: c.CKA_EXTRACTABLE, value: false },
              { type: c.CKA_ID, value: id },
              { type: c.CKA_LABEL, value: req.label },
            ],
          );
          const point = attr(p, session, publicKey, c.CKA_EC_POINT);
          const spki = point && spkiFromEcPoint(point);
          if (!spki) fail('TOKEN_ERROR', `token "${info.label}" made a key whose public point cannot be read`);
          return { spki: spki.toString('base64') };
        },
        req.as,
      );
    case 'import':
      return withSession(
        req.module,
        req.token,
        req.pin,
        (p, session, _slot, info) => {
          ensureFreeId(p, session, req.ckaId, info.label);
          const id = Buffer.from(req.ckaId, 'hex');
          const d = Buffer.from(req.d, 'base64');
          try {
            const point = ecPointOfSpki(Buffer.from(req.spki, 'base64'));
            p.C_CreateObject(session, [
              { type: c.CKA_CLASS, value: c.CKO_PRIVATE_KEY },
              { type: c.CKA_KEY_TYPE, value: c.CKK_EC },
              { type: c.CKA_TOKEN, value: true },
              { type: c.CKA_PRIVATE, value: true },
              { type: c.CKA_SIGN, value: true },
              { type: c.CKA_SENSITIVE, value: true },
              { type: c.CKA_EXTRACTABLE, value: false },
              { type: c.CKA_EC_PARAMS, value: P256_PARAMS },
              { type: c.CKA_VALUE, value: d },
              { type: c.CKA_ID, value: id },
              { type: c.CKA_LABEL, value: req.label },
            ]);
            try {
              // a public-key object lets tools read the key without a PIN; ykcs11 has none of its own
              // (it derives public keys from the slot's certificate), so its refusal is not an error
              p.C_CreateObject(session, [
                { type: c.CKA_CLASS, value: c.CKO_PUBLIC_KEY },
                { type: c.CKA_KEY_TYPE, value: c.CKK_EC },
                { type: c.CKA_TOKEN, value: true },
                { type: c.CKA_VERIFY, value: true },
                { type: c.CKA_EC_PARAMS, value: P256_PARAMS },
                { type: c.CKA_EC_POINT, value: point },
                { type: c.CKA_ID, value: id },
                { type: c.CKA_LABEL, value: req.label },
              ]);
            } catch {
              try {
                for (const o of find(p, session, [
                  { type: c.CKA_CLASS, value: c.CKO_PUBLIC_KEY },
                  { type: c.CKA_ID, value: id },
                ]))
                  p.C_DestroyObject(session, o);
              } catch {
                /* nothing half-made to remove */
              }
            }
          } catch (err) {
            for (const o of find(p, session, [{ type: c.CKA_ID, value: id }])) p.C_DestroyObject(session, o);
            throw err;
          } finally {
            d.fill(0);
          }
          return { imported: true };
        },
        req.as,
      );
    case 'store-certificate':
      return withSession(
        req.module,
        req.token,
        req.pin,
        (p, session) => {
          const id = Buffer.from(req.ckaId, 'hex');
          const template = [
            { type: c.CKA_CLASS, value: c.CKO_CERTIFICATE },
            { type: c.CKA_CERTIFICATE_TYPE, value: c.CKC_X_509 },
            { type: c.CKA_TOKEN, value: true },
            { type: c.CKA_ID, value: id },
            { type: c.CKA_LABEL, value: req.label },
            { type: c.CKA_SUBJECT, value: Buffer.from(req.subject, 'base64') },
            { type: c.CKA_ISSUER, value: Buffer.from(req.issuer, 'base64') },
            { type: c.CKA_SERIAL_NUMBER, value: Buffer.from(req.serial, 'base64') },
            { type: c.CKA_VALUE, value: Buffer.from(req.der, 'base64') },
          ];
          try {
            p.C_CreateObject(session, template);
          } catch (err) {
            // SoftHSM leaves a half-made certificate after a failed create: remove it
            for (const o of find(p, session, [
              { type: c.CKA_CLASS, value: c.CKO_CERTIFICATE },
              { type: c.CKA_ID, value: id },
              { type: c.CKA_LABEL, value: req.label },
            ])) {
              try {
                p.C_DestroyObject(session, o);
              } catch {
                /* best effort */
              }
            }
            throw err;
          }
          return { stored: true };
        },
        req.as,
      );
    case 'delete-key':
      return withSession(
        req.module,
        req.token,
        req.pin,
        (p, session) => {
          let n = 0;
          for (const o of find(p, session, [{ type: c.CKA_ID, value: Buffer.from(req.ckaId, 'hex') }])) {
            p.C_DestroyObject(session, o);
            n++;
          }
          return { deleted: n };
        },
        req.as,
      );
    case 'probe-management-key':
      // ykcs11: CKU_SO is the PIV management key, which has no retry counter (a wrong one costs nothing)
      return withSession(req.module, req.token, undefined, (p, session) => {
        try {
          p.C_Login(session, c.CKU_SO, req.key);
        } catch (err) {
          const { ckr } = ckrOf(err);
          if (ckr === 'CKR_PIN_INCORRECT') return { isDefault: false };
          throw err;
        }
        try {
          p.C_Logout(session);
        } catch {
          /* ignore */
        }
        return { isDefault: true };
      });
    case 'sign':
      return withSession(req.module, req.token, req.pin, (p, session, slot, info) => {
        const digest = Buffer.from(req.digest, 'hex');
        if (digest.length !== 32) fail('TOKEN_ERROR', 'a token signs a 32-byte SHA-256 digest');
        const key = privateKey(p, session, req.ckaId, info.label);
        p.C_SignInit(session, { mechanism: c.CKM_ECDSA }, key);
        if (bool(attr(p, session, key, c.CKA_ALWAYS_AUTHENTICATE))) login(p, slot, session, req.pin, info.label, c.CKU_CONTEXT_SPECIFIC);
        const sig = p.C_Sign(session, digest, Buffer.alloc(256));
        return { sig: Buffer.from(sig).toString('hex') };
      });
    default:
      fail('TOKEN_ERROR', `unknown request ${(req as { op: string }).op}`);
  }
}

function errorValue(err: unknown): WorkerErrorValue {
  if (err instanceof WorkerError) return err.value;
  const { ckr, message } = ckrOf(err);
  return { code: 'TOKEN_ERROR', message: ckr ?? message, ...(ckr ? { ckr } : {}) };
}

/** Runs one message; the PIN is dropped from the request before anything else sees it. */
export function answer(msg: WorkerMessage): WorkerReply {
  try {
    const result = handle(msg);
    return { id: msg.id, ok: true, result };
  } catch (err) {
    return { id: msg.id, ok: false, error: errorValue(err) };
  } finally {
    if ('pin' in msg) (msg as { pin?: string }).pin = undefined;
    if ('d' in msg) (msg as { d?: string }).d = undefined;
  }
}

function finalizeAll(): void {
  for (const p of modules.values()) {
    try {
      p.C_Finalize();
    } catch {
      /* ignore */
    }
  }
  modules.clear();
}

interface ParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

/** Wires the worker to its parent: Electron's utilityProcess parentPort, or a forked child's IPC channel. */
export function serve(): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  const send = (reply: WorkerReply) => (parentPort ? parentPort.postMessage(reply) : process.send?.(reply));
  const onMessage = (data: unknown) => {
    const msg = data as WorkerMessage | { op: 'exit' };
    if (msg && (msg as { op?: string }).op === 'exit') {
      finalizeAll();
      process.exit(0);
    }
    send(answer(msg as WorkerMessage));
  };
  if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
  else {
    process.on('message', onMessage);
    process.on('disconnect', () => {
      finalizeAll();
      process.exit(0);
    });
  }
}

const isMain = (() => {
  const arg = process.argv[1] ?? '';
  return (
    /pkcs11[-/\\]worker\.(c?js|mjs)$/.test(arg) ||
    (process as unknown as { parentPort?: unknown }).parentPort !== undefined ||
    process.env.TRUSTDESK_PKCS11_WORKER_MAIN === '1'
  );
})();
if (isMain && (process.send || (process as unknown as { parentPort?: unknown }).parentPort)) serve();
