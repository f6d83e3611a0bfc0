/**
 * The token doctor: for each PKCS#11 module, whether it loads, its slots and tokens, the keys (type,
 * curve, generated on the token or imported) and certificates (subject, validity) on each token,
 * the PIN state the token reports, the trust dir's records of token keys, and for a YubiKey (PIV,
 * ykcs11) what a security officer must fix: default PIN/PUK/management key, PIN retries, touch
 * policy. Each finding says what to do. Nothing here spends a PIN retry: the PIN is only used when
 * given, and the management-key check uses PIV's management key, which has no retry counter.
 */
import { X509Certificate } from 'node:crypto';
import { isTrustDeskError, TrustDeskError } from '../../base/errors.js';
import { certificateKeyJson, keyId as metadataKeyId, publicKeyJson } from '../../tuf/keys.js';
import { type Pkcs11Client } from './client.js';
import { kindOf, type ModuleKind } from './modules.js';
import type { ModuleReport, TokenInfo, TokenObject } from '../../../signer/protocol.js';
import { locationText, type TokenKeyRecord } from './tokens.js';

export type FindingLevel = 'ok' | 'info' | 'warning' | 'error';

export interface Finding {
  level: FindingLevel;
  title: string;
  detail?: string;
  /** What to do about it. */
  action?: string;
}

export interface DoctorKey {
  id: string;
  label: string;
  keyType: string;
  curve?: string;
  /** Metadata-style key ID (when the public key is readable). */
  keyId?: string;
  origin?: 'generated on the token' | 'imported';
}

export interface DoctorCertificate {
  id: string;
  label: string;
  subject: string;
  notAfter: string;
  keyId?: string;
  /** The certificate's own key ID (ecdsa-x509, as root.json names the root key). */
  certId?: string;
}

export interface DoctorToken {
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  firmware: string;
  slotId: string;
  yubikey: boolean;
  keys: DoctorKey[];
  certificates: DoctorCertificate[];
  findings: Finding[];
}

export interface DoctorModule {
  module: string;
  kind: ModuleKind;
  loads: boolean;
  library?: ModuleReport['library'];
  slots: number;
  tokens: DoctorToken[];
  findings: Finding[];
}

export interface DoctorReport {
  modules: DoctorModule[];
  /** Records of the trust dir whose token was not found. */
  findings: Finding[];
}

export const YUBIKEY_DEFAULT_MANAGEMENT_KEY = '010203040506070801020304050607080102030405060708';

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function isYubiKey(kind: ModuleKind, t: TokenInfo): boolean {
  return kind === 'ykcs11' || /yubico|yubikey/i.test(`${t.manufacturer} ${t.model} ${t.label}`);
}

function cnOf(subject: string): string | undefined {
  return /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(subject)?.[1];
}

export interface DoctorOptions {
  /** Log in with this PIN to see private keys (never guessed). */
  pin?: string;
  records?: TokenKeyRecord[];
  now?: Date;
  /** For a YubiKey: try PIV's factory management key (no retry counter). Default true. */
  checkManagementKey?: boolean;
}

function pinFindings(t: TokenInfo): Finding[] {
  const f = t.flags;
  const out: Finding[] = [];
  if (f.pinLocked)
    out.push({
      level: 'error',
      title: 'The user PIN is locked',
      action: 'Unblock it with the PUK or SO PIN (YubiKey: ykman piv access unblock-pin); nothing can be signed until then.',
    });
  else if (f.pinFinalTry)
    out.push({
      level: 'error',
      title: 'One PIN attempt left',
      detail: 'The next wrong PIN locks the token.',
      action: 'Type the PIN carefully; have the PUK ready.',
    });
  else if (f.pinCountLow)
    out.push({
      level: 'warning',
      title: 'Few PIN attempts left',
      detail: 'A wrong PIN was entered since the last successful login.',
      action: 'Log in once with the right PIN to reset the counter (e.g. trustdesk token doctor --pin-prompt).',
    });
  else out.push({ level: 'ok', title: 'PIN not locked', detail: 'The token reports no failed PIN attempts.' });
  if (f.pinToBeChanged)
    out.push({
      level: 'warning',
      title: 'The PIN must be changed',
      action: 'Change the PIN before using the token (YubiKey: ykman piv access change-pin).',
    });
  if (f.soPinLocked)
    out.push({
      level: 'error',
      title: 'The SO PIN / PUK is locked',
      action: 'The PIN can no longer be unblocked; a YubiKey can only be reset (ykman piv reset), which erases its keys: keep a backup token.',
    });
  else if (f.soPinFinalTry || f.soPinCountLow)
    out.push({
      level: 'warning',
      title: 'Few SO PIN / PUK attempts left',
      action: 'Use the right PUK/SO PIN next time; a locked PUK makes a locked PIN unrecoverable.',
    });
  if (!f.userPinInitialized)
    out.push({
      level: 'error',
      title: 'The user PIN is not set',
      action: 'Initialise the token and its PIN first (softhsm2-util --init-token, or the vendor tool).',
    });
  return out;
}

export async function runDoctor(client: Pkcs11Client, modules: string[], opts: DoctorOptions = {}): Promise<DoctorReport> {
  const now = opts.now ?? new Date();
  const report: DoctorReport = { modules: [], findings: [] };
  const seenTokens: { module: string; label: string; serial: string }[] = [];
  for (const module of modules) {
    const kind = kindOf(module);
    const m: DoctorModule = { module, kind, loads: false, slots: 0, tokens: [], findings: [] };
    report.modules.push(m);
    let info: ModuleReport;
    try {
      info = await client.list(module);
    } catch (err) {
      const e = err as TrustDeskError;
      m.findings.push({
        level: 'error',
        title: isTrustDeskError(err, 'TOKEN_WORKER_FAILED') ? 'The module crashed or hung' : 'The module does not load',
        detail: e.message,
        action:
          kind === 'ykcs11'
            ? 'Install Yubico\u2019s yubico-piv-tool / ykcs11 package and start pcscd (Linux: apt install ykcs11 pcscd).'
            : kind === 'opensc'
              ? 'Install OpenSC and start pcscd.'
              : kind === 'softhsm'
                ? 'Check SOFTHSM2_CONF and its tokendir (softhsm2-util --show-slots).'
                : 'Check the path and that the library is built for this machine (64-bit).',
      });
      continue;
    }
    m.loads = true;
    m.library = info.library;
    m.slots = info.slots.length;
    m.findings.push({
      level: 'ok',
      title: 'Module loads',
      detail: `${info.library.description} by ${info.library.manufacturer}, version ${info.library.version}, Cryptoki ${info.library.cryptoki}`,
    });
    if (info.slots.length === 0)
      m.findings.push({
        level: 'warning',
        title: 'No slots',
        action:
          kind === 'ykcs11' || kind === 'opensc'
            ? 'Plug in the token; on Linux check that pcscd runs (systemctl status pcscd).'
            : 'Create a token (softhsm2-util --init-token --free --label NAME).',
      });
    else if (info.tokens.length === 0)
      m.findings.push({ level: 'warning', title: `${info.slots.length} slot(s), no token present`, action: 'Plug in the token.' });
    const empty = info.tokens.filter((t) => !t.flags.initialized).length;
    if (empty) m.findings.push({ level: 'info', title: `${empty} slot(s) with an uninitialised token`, detail: 'Left out below.' });
    for (const t of info.tokens.filter((x) => x.flags.initialized)) {
      seenTokens.push({ module, label: t.label, serial: t.serial });
      const yk = isYubiKey(kind, t);
      const dt: DoctorToken = {
        label: t.label,
        serial: t.serial,
        manufacturer: t.manufacturer,
        model: t.model,
        firmware: t.firmware,
        slotId: t.slotId,
        yubikey: yk,
        keys: [],
        certificates: [],
        findings: [],
      };
      m.tokens.push(dt);
      dt.findings.push(...pinFindings(t));
      let objects: TokenObject[] = [];
      try {
        objects = await client.objects(module, { label: t.label, ...(t.serial ? { serial: t.serial } : {}) }, opts.pin);
      } catch (err) {
        dt.findings.push({
          level: isTrustDeskError(err, 'TOKEN_PIN_WRONG') ? 'error' : 'warning',
          title: 'Cannot read the objects on the token',
          detail: (err as Error).message,
          ...(isTrustDeskError(err, 'TOKEN_PIN_WRONG') ? { action: 'Check the attempts left before trying again.' } : {}),
        });
      }
      const publics = new Map(objects.filter((o) => o.kind === 'public-key').map((o) => [o.id, o]));
      const certs = objects.filter((o) => o.kind === 'certificate');
      const privates = objects.filter((o) => o.kind === 'private-key');
      const ids = new Set([...publics.keys(), ...privates.map((p) => p.id)]);
      for (const id of ids) {
        const pub = publics.get(id);
        const priv = privates.find((p) => p.id === id);
        const keyType = (pub ?? priv)!.keyType ?? 'other';
        const curve = (pub ?? priv)!.curve;
        let kid: string | undefined;
        if (pub?.spki) {
          try {
            kid = metadataKeyId({ keytype: 'ecdsa', keyval: { private: null, public: pub.spki } });
          } catch {
            /* unreadable */
          }
        }
        const k: DoctorKey = {
          id,
          label: (pub ?? priv)!.label,
          keyType,
          ...(curve ? { curve: CURVE_NAMES[curve] ?? curve } : {}),
          ...(kid ? { keyId: kid } : {}),
        };
        if (priv?.generatedOnToken !== undefined) k.origin = priv.generatedOnToken ? 'generated on the token' : 'imported';
        dt.keys.push(k);
        if (keyType !== 'ec' || curve !== 'prime256v1') {
          dt.findings.push({
            level: 'warning',
            title: `Key ${id} is ${keyType.toUpperCase()}${curve ? ` ${CURVE_NAMES[curve] ?? curve}` : ''}`,
            detail: 'Notary root keys must be ECDSA P-256.',
            action: 'Use an ECDSA P-256 key for a root (trustdesk token generate).',
          });
        } else {
          dt.findings.push({
            level: 'ok',
            title: `Key ${id}: ECDSA P-256${kid ? ` (${kid.slice(0, 12)}\u2026)` : ''}`,
            ...(k.origin
              ? {
                  detail:
                    k.origin === 'imported'
                      ? 'Imported: a copy exists (or existed) outside the token.'
                      : 'Generated on the token: it has never existed anywhere else.',
                }
              : {}),
          });
        }
        if (priv?.extractable)
          dt.findings.push({
            level: 'error',
            title: `Key ${id} can be exported`,
            action: 'Delete it and import or generate it again as non-extractable.',
          });
      }
      if (ids.size === 0)
        dt.findings.push({
          level: 'info',
          title: 'No keys on the token',
          action: opts.pin
            ? 'Generate a root key: trustdesk token generate.'
            : 'Some tokens show keys only after login: run the doctor with the PIN to see private keys.',
        });
      for (const c of certs) {
        if (!c.der) continue;
        try {
          const x = new X509Certificate(Buffer.from(c.der, 'base64'));
          const kid = metadataKeyId(publicKeyJson(x.publicKey));
          dt.certificates.push({
            id: c.id,
            label: c.label,
            subject: x.subject.replace(/\n/g, ', '),
            notAfter: new Date(x.validTo).toISOString(),
            keyId: kid,
            certId: metadataKeyId(certificateKeyJson(x.toString())),
          });
          const cn = cnOf(x.subject) ?? '';
          const expired = new Date(x.validTo) < now;
          dt.findings.push({
            level: expired ? 'error' : 'ok',
            title: `Certificate ${c.id}: CN=${cn}`,
            detail: `valid until ${new Date(x.validTo).toISOString().slice(0, 10)}${cn === 'root' ? ' (notary\u2019s own YubiKey convention)' : ''}`,
            ...(expired ? { action: 'Rotate the root (trustdesk key rotate REPO root --to-token) to get a new certificate.' } : {}),
          });
        } catch {
          dt.findings.push({ level: 'warning', title: `Certificate ${c.id} cannot be parsed`, action: 'Remove it if it is not used.' });
        }
      }
      if (yk) yubikeyFindings(dt, t, kind, objects);
      if (yk && kind === 'ykcs11' && opts.checkManagementKey !== false) {
        try {
          const r = await client.request<{ isDefault: boolean }>({
            op: 'probe-management-key',
            module,
            token: { label: t.label, ...(t.serial ? { serial: t.serial } : {}) },
            key: YUBIKEY_DEFAULT_MANAGEMENT_KEY,
          });
          dt.findings.push(
            r.isDefault
              ? {
                  level: 'error',
                  title: 'The factory management key is set',
                  detail: 'Anyone with the YubiKey can put keys and certificates on it.',
                  action: 'ykman piv access change-management-key --generate --protect',
                }
              : { level: 'ok', title: 'The management key was changed' },
          );
        } catch (err) {
          dt.findings.push({ level: 'info', title: 'Management key not checked', detail: (err as Error).message });
        }
      }
    }
    report.modules[report.modules.length - 1] = m;
  }
  for (const r of opts.records ?? []) {
    const present = r.locations.filter((l) =>
      seenTokens.some((s) => s.module === l.module && s.label === l.token.label && (!l.token.serial || l.token.serial === s.serial)),
    );
    for (const l of present) {
      const dt = report.modules
        .find((m) => m.module === l.module)
        ?.tokens.find((t) => t.label === l.token.label && (!l.token.serial || t.serial === l.token.serial));
      // public objects are visible without a PIN; a key recorded here but absent from its token was deleted (or the token was reset)
      if (dt && dt.keys.length > 0 && !dt.keys.some((k) => k.id === r.ckaId || k.keyId === r.keyId)) {
        dt.findings.push({
          level: 'error',
          title: `The ${r.role} key ${r.keyId.slice(0, 12)}\u2026 recorded for this token is not on it`,
          detail: `CKA_ID ${r.ckaId} was not found.`,
          action: 'Use another token that holds it (token import to a backup), or rotate the root: trustdesk key rotate REPO root --to-token LABEL.',
        });
      }
    }
    if (present.length === 0) {
      report.findings.push({
        level: 'info',
        title: `${r.role} key ${r.keyId.slice(0, 12)}\u2026 is not reachable now`,
        detail: `It is on ${r.locations.map(locationText).join('; ')}.`,
        action: 'Plug in one of these tokens to sign with it.',
      });
    }
    if (r.locations.length === 1 && r.origin === 'generated') {
      report.findings.push({
        level: 'warning',
        title: `${r.role} key ${r.keyId.slice(0, 12)}\u2026 exists on one token only`,
        detail:
          'Generated on the token: if the token is lost or broken, the repositories of this root cannot be recovered without a new root for every client.',
        action:
          'For a backup, generate the root in software once and import it into two tokens (trustdesk token import KEYID --token A --token B), then delete the file.',
      });
    }
  }
  return report;
}

function yubikeyFindings(dt: DoctorToken, t: TokenInfo, kind: ModuleKind, objects: TokenObject[]): void {
  dt.findings.push({
    level: 'warning',
    title: 'Default PIN and PUK cannot be checked without spending a retry',
    detail:
      'Factory defaults are PIN 123456 and PUK 12345678. Notary itself tries 123456 first on every run, costing one of the 3 retries when the PIN was changed.',
    action: 'Run ykman piv info (it warns "Using default PIN!"); change them: ykman piv access change-pin, ykman piv access change-puk.',
  });
  dt.findings.push({
    level: 'info',
    title: 'PIN retries',
    detail:
      t.flags.pinCountLow || t.flags.pinFinalTry
        ? 'Fewer than the maximum are left.'
        : 'The token reports no failed attempts (a YubiKey allows 3 PIN and 3 PUK attempts by default).',
    action:
      'See the exact count with ykman piv info; set it with ykman piv access set-retries (this resets PIN and PUK to the defaults: change them right after).',
  });
  dt.findings.push({
    level: 'info',
    title: 'Touch policy',
    detail: 'PKCS#11 does not show a key\u2019s touch policy. It is fixed when the key is generated or imported.',
    action:
      'For a root key, require touch: ykman piv keys generate --touch-policy always (or --touch-policy always on import); check with ykman piv info.',
  });
  if (kind === 'ykcs11') {
    const slot9c = objects.find((o) => o.id === '02' && o.kind !== 'certificate');
    dt.findings.push(
      slot9c
        ? {
            level: 'ok',
            title: 'Slot 9c (digital signature) holds a key',
            detail: 'Slot 9c asks for the PIN before every signature (PIN policy "always").',
          }
        : {
            level: 'info',
            title: 'Slot 9c (digital signature) is empty',
            action: 'trustdesk token generate --module <ykcs11> --token "<label>" puts the root there (CKA_ID 2 = slot 9c).',
          },
    );
  }
  const [major, minor] = t.firmware.split('.').map(Number);
  if (major !== undefined && (major < 5 || (major === 5 && (minor ?? 0) < 7))) {
    dt.findings.push({
      level: 'info',
      title: `Firmware ${t.firmware}`,
      detail: 'Before 5.7 the management key is 3DES; firmware cannot be upgraded.',
    });
  }
}
