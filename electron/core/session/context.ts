/**
 * The one context every use case runs in: `(context, input) → result`.
 *
 * It holds what a trust operation needs from its surroundings and nothing else:
 * - the trust session (docker config dir, trust cache, connection pool, trust servers, pins);
 * - the key finder: key files of the trust dir ∪ keys recorded on PKCS#11 tokens;
 * - the secret providers: passphrases (the CLI's prompt or environment, the app's dialog) and token
 *   PINs; a secret is asked when a key is used, never stored here, never returned;
 * - the clock, the offline switch and the ceremony log.
 *
 * Exactly two places build one: `electron/cli/context.ts` (flags and environment) and
 * `electron/app/context.ts` (the app's Settings). Use cases never read process.env or Settings.
 */
import { join } from 'node:path';
import type { PassphraseProvider } from '../keystore/passphrase-sources.js';
import { KeyRing } from '../signing/signer.js';
import { FilesAndTokens, type KeyFinder } from '../signing/key-finder.js';
import { TokenAccess, type PinProvider } from '../signing/token/tokens.js';
import type { TransportFactory } from '../signing/token/client.js';
import type { PdfPrinter } from '../base/pdf-printer.js';
import { TrustSession, type SessionOptions } from './trust-session.js';

/** Where secrets come from: asked only when a key is used; the answer is dropped after use. */
export interface SecretProviders {
  /** Key file passphrases (after the environment's, as docker and notary do). */
  passphrase?: PassphraseProvider;
  /** Token PINs and SO PINs. */
  pin?: PinProvider;
  /** cosign key passwords (after COSIGN_PASSWORD, as cosign). */
  cosignPassword?: CosignPasswordProvider;
}

/**
 * A cosign key password: `unlock` shows `question` for an existing cosign.key; `new` is the password
 * of a cosign.key about to be written (`what`: its path; the CLI asks twice). Undefined: none given.
 */
export type CosignPasswordProvider = (
  request: { purpose: 'unlock'; question: string } | { purpose: 'new'; what: string },
) => Promise<string | undefined>;

export interface ContextOptions extends Omit<SessionOptions, 'now'> {
  /** The clock; default: the real time. Tests fix it. */
  clock?: () => Date;
  /** Whether the clock is fixed (tests, `--now`): expiry is then judged at that time, else at the real one. */
  fixedClock?: boolean;
  secrets?: SecretProviders;
  /** How the PKCS#11 worker runs (the app: an Electron utilityProcess; default: child_process.fork). */
  pkcs11Transport?: TransportFactory;
  /** The ceremony log this context appends to (root ceremonies), if any. */
  ceremonyLog?: string;
  /** Chromium's print-to-PDF (the app; the CLI has none): the share sheets PDF. */
  pdfPrinter?: PdfPrinter;
}

export class TrustContext {
  readonly session: TrustSession;
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretProviders;
  readonly ceremonyLog: string | undefined;
  private tokenAccess?: TokenAccess;
  private fileKeys?: KeyRing;

  constructor(readonly options: ContextOptions = {}) {
    this.env = options.env ?? process.env;
    this.secrets = options.secrets ?? {};
    this.ceremonyLog = options.ceremonyLog;
    const { clock, fixedClock, secrets: _secrets, pkcs11Transport: _transport, ceremonyLog: _log, pdfPrinter: _printer, ...session } = options;
    this.session = new TrustSession({ ...session, env: this.env, ...(clock && fixedClock ? { now: clock } : {}) });
  }

  /** The docker config dir (`--config`, `$DOCKER_CONFIG`, `~/.docker`, or the app's Settings). */
  get configDir(): string {
    return this.session.configDir;
  }

  /** The trust dir: keys, token records and the TUF cache. */
  get trustDir(): string {
    return this.session.cache.trustDir;
  }

  get offline(): boolean {
    return this.session.offline;
  }

  /** Chromium's print-to-PDF, where the surroundings have one (the app). */
  get pdfPrinter(): PdfPrinter | undefined {
    return this.options.pdfPrinter;
  }

  now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /** The key files of the trust dir, unlocked with this context's passphrase sources. */
  get keyFiles(): KeyRing {
    this.fileKeys ??= new KeyRing(this.trustDir, { env: this.env, ...(this.secrets.passphrase ? { prompt: this.secrets.passphrase } : {}) });
    return this.fileKeys;
  }

  /** Keys on PKCS#11 tokens recorded in the trust dir; the worker starts on first use. */
  get tokens(): TokenAccess {
    this.tokenAccess ??= new TokenAccess({
      trustDir: this.trustDir,
      env: this.env,
      ...(this.secrets.pin ? { prompt: this.secrets.pin } : {}),
      ...(this.options.pkcs11Transport ? { transport: this.options.pkcs11Transport } : {}),
    });
    return this.tokenAccess;
  }

  /** The one key finder: files first, then tokens. */
  get keys(): KeyFinder & { files: KeyRing; tokens?: TokenAccess } {
    return new FilesAndTokens(this.keyFiles, this.tokens);
  }

  /** The same surroundings with other secret providers (the app: one dialog's answers for one request). */
  withSecrets(secrets: SecretProviders): TrustContext {
    return new TrustContext({ ...this.options, secrets: { ...this.secrets, ...secrets } });
  }

  /** The same surroundings with other session options (e.g. a trust dir elsewhere, offline). */
  with(options: Partial<ContextOptions>): TrustContext {
    return new TrustContext({ ...this.options, ...options });
  }

  /** Closes the connection pool and the token worker; PINs asked during this context are forgotten. */
  close(): void {
    this.tokenAccess?.close();
    this.tokenAccess = undefined;
    this.session.close();
  }
}

/** A context, run, closed: for one operation. */
export async function withContext<T>(options: ContextOptions, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
  const ctx = new TrustContext(options);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

/** `<config dir>/trust` for a config dir. */
export function trustDirOf(configDir: string): string {
  return join(configDir, 'trust');
}
