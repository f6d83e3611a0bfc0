/**
 * `trustdesk token list | doctor | generate | import`: root keys on PKCS#11 tokens (YubiKey via
 * ykcs11, OpenSC cards, SoftHSM2). PINs come from TRUSTDESK_TOKEN_PIN or the prompt.
 */
import type { DoctorReport, Finding } from '../../core/signing/token/doctor.js';
import { TOKEN_PIN_ENV } from '../../core/signing/token/tokens.js';
import type { TrustContext } from '../../core/session/context.js';
import {
  adoptTokenKey,
  generateBackedUpOnToken,
  generateOnToken,
  importRootToTokens,
  listTokens,
  tokenDoctor,
  type TokenTarget,
} from '../../core/use-cases/tokens/tokens.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { TOKEN_OPTIONS } from './token-support.js';

const USAGE = `Usage: trustdesk token COMMAND

  list [--module PATH]... [--json]                 PKCS#11 modules found, their slots and tokens, token keys recorded here
  doctor [--module PATH]... [--login] [--json]     checks a security officer needs (module, tokens, keys, certificates, PIN, YubiKey PIV)
  generate --token LABEL [--module PATH] [--gun GUN] [--id HEX] [--login-as user|so] [--json]
                                                   new ECDSA P-256 root key made on the token (no copy anywhere)
  generate --token LABEL --backed-up [--module PATH] [--gun GUN] [--json]
                                                   the same key made here as an encrypted root key file, then put on the token;
                                                   the file is kept for the backups (token import to a second token, root backup --shares)
  adopt --token LABEL --id HEX [--module PATH] [--json]
                                                   records a P-256 key already on the token (made with ykman, pkcs11-tool) as a root key
  import KEYID --token LABEL [--token LABEL2]... [--module PATH] [--login-as user|so] [--json]
                                                   puts the trust dir's root key on one or more tokens (backups)

Writing keys logs in as the user (PIN), or as the SO for ykcs11 (the PIV management key, TRUSTDESK_TOKEN_SO_PIN);
--login-as user|so overrides it.
Modules: --module, else TRUSTDESK_PKCS11_MODULE, else ykcs11, OpenSC and SoftHSM2 at their usual paths.
PIN: ${TOKEN_PIN_ENV}, else asked on the terminal. A wrong PIN is never retried.
`;

function loginAs(values: Record<string, unknown>): { as?: 'user' | 'so' } {
  const v = values['login-as'] as string | undefined;
  if (v === undefined) return {};
  if (v !== 'user' && v !== 'so') throw new UsageError('--login-as takes user or so');
  return { as: v };
}

function modulesOf(values: Record<string, unknown>): string[] {
  return (values.module as string[] | undefined) ?? [];
}

const MARK: Record<Finding['level'], string> = { ok: 'ok  ', info: 'info', warning: 'WARN', error: 'FAIL' };

export function formatFindings(findings: Finding[], indent: string): string {
  let s = '';
  for (const f of findings) {
    s += `${indent}[${MARK[f.level]}] ${f.title}${f.detail ? `: ${f.detail}` : ''}\n`;
    if (f.action && f.level !== 'ok') s += `${indent}       -> ${f.action}\n`;
  }
  return s;
}

export function formatDoctor(r: DoctorReport): string {
  let s = '';
  for (const m of r.modules) {
    s += `Module ${m.module} (${m.kind})\n`;
    s += formatFindings(m.findings, '  ');
    for (const t of m.tokens) {
      s += `  Token "${t.label}" ${t.manufacturer} ${t.model}, serial ${t.serial || '-'}, firmware ${t.firmware}${t.yubikey ? ' (YubiKey PIV)' : ''}\n`;
      s += formatFindings(t.findings, '    ');
    }
  }
  if (r.findings.length) s += `Token keys recorded in this trust dir\n${formatFindings(r.findings, '  ')}`;
  return s;
}

/** `--token LABEL` with `--module PATH` and `--serial S`, as the use cases take it. */
function target(label: string, module: string | undefined, serial: string | undefined): TokenTarget {
  return { label, ...(module ? { module } : {}), ...(serial ? { serial } : {}) };
}

/** The use cases' context from the flags (PINs and passphrases: environment, then the terminal); closed when done. */
async function withTokens<T>(values: Record<string, unknown>, io: Io, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
  const ctx = contextFromFlags(values, io);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

const SUBCOMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  async list(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...TOKEN_OPTIONS, json: { type: 'boolean' } });
    if (positionals.length) throw new UsageError('"trustdesk token list" takes no arguments');
    return withTokens(values, io, async (ctx) => {
      const r = await listTokens(ctx, { modules: modulesOf(values) });
      if (values.json) {
        io.stdout(`${JSON.stringify(r, null, 2)}\n`);
        return 0;
      }
      if (r.modules.length === 0) io.stdout('No PKCS#11 module found (give one with --module PATH).\n');
      for (const m of r.modules) {
        if (m.error) {
          io.stdout(`${m.module}: cannot be used: ${m.error.code}: ${m.error.message}\n`);
          continue;
        }
        const rep = m.report!;
        io.stdout(
          `${m.module}: ${rep.library.description} (${rep.library.manufacturer} ${rep.library.version}), ${rep.slots.length} slot(s), ${rep.tokens.length} token(s)\n`,
        );
        for (const t of rep.tokens.filter((x) => x.flags.initialized)) {
          const pin = t.flags.pinLocked
            ? 'PIN LOCKED'
            : t.flags.pinFinalTry
              ? 'PIN: last attempt'
              : t.flags.pinCountLow
                ? 'PIN: attempts low'
                : 'PIN ok';
          io.stdout(`  slot ${t.slotId}  "${t.label}"  ${t.manufacturer} ${t.model}  serial ${t.serial || '-'}  ${pin}\n`);
        }
      }
      if (r.keys.length) {
        io.stdout('Token keys recorded in this trust dir:\n');
        for (const k of r.keys)
          io.stdout(
            `  ${k.keyId}  ${k.role}  ${k.origin === 'generated' ? 'generated on the token' : k.origin === 'imported' ? 'imported' : 'adopted (already on the token)'}  on ${k.locations.map((l) => `"${l.token.label}"`).join(', ')}\n`,
          );
      }
      return 0;
    });
  },

  async doctor(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...TOKEN_OPTIONS, json: { type: 'boolean' }, login: { type: 'boolean' } });
    if (positionals.length) throw new UsageError('"trustdesk token doctor" takes no arguments');
    return withTokens(values, io, async (ctx) => {
      let pin: string | undefined;
      if (values.login) {
        pin = io.env[TOKEN_PIN_ENV] || (await io.prompt?.('Enter the token PIN to see its private keys: ', { secret: true }));
        if (!pin) throw new UsageError(`--login needs the PIN (${TOKEN_PIN_ENV} or a terminal)`);
      }
      const r = await tokenDoctor(ctx, { modules: modulesOf(values), ...(pin ? { pin } : {}) });
      pin = undefined;
      io.stdout(values.json ? `${JSON.stringify(r, null, 2)}\n` : formatDoctor(r));
      const errors = [...r.findings, ...r.modules.flatMap((m) => [...m.findings, ...m.tokens.flatMap((t) => t.findings)])].filter(
        (f) => f.level === 'error',
      ).length;
      return errors ? 1 : 0;
    });
  },

  async generate(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...TOKEN_OPTIONS,
      json: { type: 'boolean' },
      gun: { type: 'string' },
      id: { type: 'string' },
      label: { type: 'string' },
      'login-as': { type: 'string' },
      'backed-up': { type: 'boolean' },
    });
    const labels = (values.token as string[] | undefined) ?? [];
    if (positionals.length || labels.length !== 1) throw new UsageError('"trustdesk token generate" needs exactly one --token LABEL');
    if (values['backed-up'] && (values.id || values.label)) throw new UsageError('--backed-up takes no --id or --label (the import chooses them)');
    if (values.id && !/^([0-9a-f]{2})+$/i.test(values.id as string)) throw new UsageError('--id takes the CKA_ID in hex (YubiKey: 02 = slot 9c)');
    return withTokens(values, io, async (ctx) => {
      const token = target(labels[0]!, modulesOf(values)[0], values.serial as string | undefined);
      if (values['backed-up']) {
        const b = await generateBackedUpOnToken(ctx, { token, ...(values.gun ? { gun: values.gun as string } : {}), ...loginAs(values) });
        if (values.json) io.stdout(`${JSON.stringify(b, null, 2)}\n`);
        else
          io.stdout(
            `Generated root key with ID ${b.key.keyId} and put it on token "${labels[0]}"; its encrypted copy ${b.keyFile} is kept for the backups (trustdesk token import ${b.key.keyId.slice(0, 12)} --token BACKUP; trustdesk root backup ${b.key.keyId.slice(0, 12)} --out DIR --shares 3-of-5).\n${b.certificateFor ? `Stored the root certificate for ${b.certificateFor} on the token.\n` : ''}`,
          );
        return 0;
      }
      const r = await generateOnToken(ctx, {
        token,
        ...(values.gun ? { gun: values.gun as string } : {}),
        ...(values.id ? { ckaId: (values.id as string).toLowerCase() } : {}),
        ...(values.label ? { label: values.label as string } : {}),
        ...loginAs(values),
      });
      if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      else {
        io.stdout(`Generated root key with ID ${r.key.keyId} on token "${labels[0]}" (CKA_ID ${r.key.ckaId}); it exists on this token only.\n`);
        if (r.certificateFor) io.stdout(`Stored the root certificate for ${r.certificateFor} on the token.\n`);
        io.stdout(`Use it: trustdesk init REPO --root-token "${labels[0]}"\n`);
      }
      return 0;
    });
  },

  async adopt(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...TOKEN_OPTIONS, json: { type: 'boolean' }, id: { type: 'string' } });
    const labels = (values.token as string[] | undefined) ?? [];
    if (positionals.length || labels.length !== 1 || !values.id)
      throw new UsageError('"trustdesk token adopt" needs --token LABEL and --id HEX (the CKA_ID; YubiKey slot 9c = 02)');
    if (!/^([0-9a-f]{2})+$/i.test(values.id as string)) throw new UsageError('--id takes the CKA_ID in hex');
    return withTokens(values, io, async (ctx) => {
      const r = await adoptTokenKey(ctx, {
        token: target(labels[0]!, modulesOf(values)[0], values.serial as string | undefined),
        ckaId: values.id as string,
      });
      if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      else
        io.stdout(
          `Adopted root key with ID ${r.keyId} (CKA_ID ${r.ckaId}) on token "${labels[0]}": it signs as a root key now.\nUse it: trustdesk init REPO --root-token "${labels[0]}"\n`,
        );
      return 0;
    });
  },

  async import(args, io) {
    const { values, positionals } = parseCommandArgs(args, { ...TOKEN_OPTIONS, json: { type: 'boolean' }, 'login-as': { type: 'string' } });
    const labels = (values.token as string[] | undefined) ?? [];
    if (positionals.length !== 1 || labels.length === 0) throw new UsageError('"trustdesk token import" needs KEYID and at least one --token LABEL');
    const mods = modulesOf(values);
    const tokens = labels.map((l, i) => target(l, mods[i] ?? mods[0], labels.length === 1 ? (values.serial as string | undefined) : undefined));
    return withTokens(values, io, async (ctx) => {
      const r = await importRootToTokens(ctx, { keyIdPrefix: positionals[0]!, tokens, ...loginAs(values) });
      if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      else {
        for (const t of r.imported) io.stdout(`Imported root key ${r.key.keyId} into ${t}\n`);
        for (const f of r.failed) io.stderr(`error: not imported into ${f.token}: ${f.error.code}: ${f.error.message}\n`);
        io.stdout(
          `The key file ${r.keyFile} still holds the key: keep it offline as a backup, or remove it (trustdesk key remove ${r.key.keyId.slice(0, 12)}) once every token is checked.\n`,
        );
      }
      return r.failed.length ? 1 : 0;
    });
  },
};

export const tokenCommand: Command = {
  name: 'token',
  summary: 'token list|doctor|generate|import|adopt   root keys on hardware tokens (PKCS#11: YubiKey, OpenSC, SoftHSM2)',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout(USAGE);
      return sub === undefined ? 2 : 0;
    }
    const fn = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!fn) throw new UsageError(`unknown token command "${sub}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(USAGE);
      return 0;
    }
    return fn(rest, io);
  },
};
