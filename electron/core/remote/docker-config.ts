/**
 * What the docker CLI reads from its config directory for `docker trust`: the config dir and trust
 * dir, registry credentials (`config.json` `auths`, `credsStore`, `credHelpers`), per-host TLS material
 * (`$DOCKER_CONFIG/tls/<host:port>/`) and the trust server URL.
 * As docker/cli reads them (`cli/config`, `cli/trust/trust.go`).
 */

import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TrustDeskError } from '../base/errors.js';
import { DEFAULT_REGISTRY, parseReference, registryHostname, type ParsedReference } from '../base/reference.js';
import type { TlsMaterial } from './http-client.js';

export type Env = Record<string, string | undefined>;

/** Docker Hub's key in `auths` and for credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
export const DOCKER_HUB_NOTARY_SERVER = 'https://notary.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user). */
  identityToken?: string;
}

export interface AuthEntry {
  /** The key as written in `auths`. */
  key: string;
  credentials?: Credentials;
  /** Set when the entry could not be decoded; reported only when this registry's credentials are asked for. */
  problem?: string;
}

export interface LoadOptions {
  /** Environment for credential helpers (PATH lookup); default process.env. */
  env?: Env;
  /** Kill a credential helper after this long (10 s). */
  helperTimeoutMs?: number;
  /** Called for every warning as it happens (warnings are also kept in `config.warnings`). */
  onWarning?: (message: string) => void;
}

/** `DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: Env = process.env): string {
  const fromEnv = env.DOCKER_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const home = env.HOME || env.USERPROFILE || homedir();
  return join(home, '.docker');
}

/** `<config dir>/trust`: docker's notary trust directory (keys in `private/`, metadata in `tuf/`). */
export function trustDir(env: Env = process.env): string {
  return join(dockerConfigDir(env), 'trust');
}

/** `https://a.b:5000/v2/` → `a.b:5000` (docker's ConvertToHostname). */
export function convertToHostname(key: string): string {
  let s = key;
  if (s.startsWith('http://')) s = s.slice('http://'.length);
  else if (s.startsWith('https://')) s = s.slice('https://'.length);
  const slash = s.indexOf('/');
  return slash >= 0 ? s.slice(0, slash) : s;
}

/** The key docker uses for a registry's credentials (`https://index.docker.io/v1/` for Docker Hub). */
export function authConfigKey(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_AUTH_KEY : registry;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeEntry(key: string, raw: unknown): AuthEntry {
  if (!isObject(raw)) return { key, problem: `auths["${key}"] is not an object` };
  const creds: Credentials = {};
  const auth = raw.auth;
  if (auth !== undefined && auth !== null && auth !== '') {
    if (typeof auth !== 'string') return { key, problem: `auths["${key}"].auth is not a string` };
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || !/^[A-Za-z0-9+/=\s_-]*$/.test(auth)) {
      return { key, problem: `auths["${key}"].auth is not base64 of "user:password"` };
    }
    creds.username = decoded.slice(0, colon);
    creds.password = decoded.slice(colon + 1);
  } else {
    if (typeof raw.username === 'string' && raw.username !== '') creds.username = raw.username;
    if (typeof raw.password === 'string' && raw.password !== '') creds.password = raw.password;
  }
  if (typeof raw.identitytoken === 'string' && raw.identitytoken !== '') creds.identityToken = raw.identitytoken;
  return Object.keys(creds).length > 0 ? { key, credentials: creds } : { key };
}

/** The parsed `config.json` of a docker config directory. */
export class DockerConfig {
  readonly auths: ReadonlyMap<string, AuthEntry>;
  readonly credsStore: string | undefined;
  readonly credHelpers: Readonly<Record<string, string>>;
  readonly warnings: string[] = [];

  constructor(
    readonly dir: string,
    raw: { auths: Map<string, AuthEntry>; credsStore?: string; credHelpers: Record<string, string> },
    private readonly options: LoadOptions = {},
  ) {
    this.auths = raw.auths;
    this.credsStore = raw.credsStore;
    this.credHelpers = raw.credHelpers;
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  /** The `auths` entry for a registry: exact key, then any key whose hostname matches (docker's lookup). */
  authEntryFor(registry: string): AuthEntry | undefined {
    const key = authConfigKey(registry);
    const exact = this.auths.get(key);
    if (exact !== undefined) return exact;
    const wanted = DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_ALIASES : new Set([registry]);
    for (const entry of this.auths.values()) {
      if (wanted.has(convertToHostname(entry.key))) return entry;
    }
    return undefined;
  }

  /** The credential helper configured for a registry (`credHelpers`, else `credsStore`). */
  helperFor(registry: string): string | undefined {
    const key = authConfigKey(registry);
    const specific = this.credHelpers[key] ?? this.credHelpers[registry] ?? this.credHelpers[convertToHostname(key)];
    if (specific !== undefined && specific !== '') return specific;
    return this.credsStore !== undefined && this.credsStore !== '' ? this.credsStore : undefined;
  }

  /**
   * Credentials for a registry (`docker.io`, `127.0.0.1:5000`, ...), or undefined for anonymous access.
   * A configured helper is asked first; when it is missing, fails or times out there is a warning
   * and the plain `auths` entry (if it holds credentials) is used instead. Never throws for a helper;
   * throws CONFIG_INVALID for a malformed `auths` entry of this registry.
   */
  async credentialsFor(registry: string): Promise<Credentials | undefined> {
    const helper = this.helperFor(registry);
    if (helper !== undefined) {
      const fromHelper = await this.askHelper(helper, authConfigKey(registry));
      if (fromHelper !== undefined) return fromHelper;
    }
    const entry = this.authEntryFor(registry);
    if (entry?.problem !== undefined) {
      throw new TrustDeskError('CONFIG_INVALID', `${join(this.dir, 'config.json')}: ${entry.problem}`);
    }
    return entry?.credentials;
  }

  private async askHelper(name: string, serverUrl: string): Promise<Credentials | undefined> {
    const program = `docker-credential-${name}`;
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      this.warn(`ignoring credential helper "${name}": not a valid helper name`);
      return undefined;
    }
    const result = await runHelper(program, serverUrl, this.options.env ?? process.env, this.options.helperTimeoutMs ?? 10_000);
    if (result.kind === 'missing') {
      this.warn(`credential helper ${program} not found in PATH; continuing without its credentials for ${serverUrl}`);
      return undefined;
    }
    if (result.kind === 'timeout') {
      this.warn(`credential helper ${program} did not answer within ${result.ms} ms; continuing without its credentials for ${serverUrl}`);
      return undefined;
    }
    if (result.kind === 'failed') {
      if (/credentials not found/i.test(result.output)) return undefined;
      this.warn(`credential helper ${program} failed for ${serverUrl}: ${result.output.trim().slice(0, 200) || `exit code ${result.code}`}`);
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      this.warn(`credential helper ${program} printed something that is not JSON for ${serverUrl}`);
      return undefined;
    }
    if (!isObject(parsed) || typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined;
    const username = typeof parsed.Username === 'string' ? parsed.Username : '';
    if (username === '<token>') return { identityToken: parsed.Secret };
    return { username, password: parsed.Secret };
  }
}

type HelperResult =
  { kind: 'ok'; stdout: string } | { kind: 'missing' } | { kind: 'timeout'; ms: number } | { kind: 'failed'; code: number | null; output: string };

function runHelper(program: string, serverUrl: string, env: Env, timeoutMs: number): Promise<HelperResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: HelperResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch {
      resolve({ kind: 'missing' });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind: 'timeout', ms: timeoutMs });
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    const cap = 64 * 1024;
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < cap) stdout += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < cap) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ENOENT' || err.code === 'EACCES' ? { kind: 'missing' } : { kind: 'failed', code: null, output: err.message });
    });
    child.on('close', (code) => {
      if (code === 0) finish({ kind: 'ok', stdout });
      else finish({ kind: 'failed', code, output: `${stdout}\n${stderr}` });
    });
    child.stdin?.on('error', () => undefined); // helper exited before reading stdin
    child.stdin?.end(serverUrl);
  });
}

/**
 * Reads `<dir>/config.json`. A missing file is an empty config; unreadable or malformed JSON, or
 * wrongly typed top-level fields, are CONFIG_INVALID. A malformed `auths` entry is reported only when
 * that registry's credentials are asked for.
 */
export async function loadDockerConfig(dir: string, options: LoadOptions = {}): Promise<DockerConfig> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new DockerConfig(dir, { auths: new Map(), credHelpers: {} }, options);
    throw new TrustDeskError('CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new TrustDeskError('CONFIG_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(raw)) throw new TrustDeskError('CONFIG_INVALID', `${file}: expected a JSON object`);

  const auths = new Map<string, AuthEntry>();
  if (raw.auths !== undefined && raw.auths !== null) {
    if (!isObject(raw.auths)) throw new TrustDeskError('CONFIG_INVALID', `${file}: "auths" must be an object`);
    for (const [key, value] of Object.entries(raw.auths)) auths.set(key, decodeEntry(key, value));
  }
  let credsStore: string | undefined;
  if (raw.credsStore !== undefined && raw.credsStore !== null) {
    if (typeof raw.credsStore !== 'string') throw new TrustDeskError('CONFIG_INVALID', `${file}: "credsStore" must be a string`);
    credsStore = raw.credsStore;
  }
  const credHelpers: Record<string, string> = {};
  if (raw.credHelpers !== undefined && raw.credHelpers !== null) {
    if (!isObject(raw.credHelpers)) throw new TrustDeskError('CONFIG_INVALID', `${file}: "credHelpers" must be an object`);
    for (const [key, value] of Object.entries(raw.credHelpers)) {
      if (typeof value !== 'string') throw new TrustDeskError('CONFIG_INVALID', `${file}: credHelpers["${key}"] must be a string`);
      credHelpers[key] = value;
    }
  }
  const config: { auths: Map<string, AuthEntry>; credsStore?: string; credHelpers: Record<string, string> } = {
    auths,
    credHelpers,
  };
  if (credsStore !== undefined) config.credsStore = credsStore;
  return new DockerConfig(dir, config, options);
}

function looksLikePem(b: Buffer): boolean {
  return b.includes('-----BEGIN ');
}

async function readPem(file: string, what: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new TrustDeskError('CONFIG_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!looksLikePem(data)) throw new TrustDeskError('CONFIG_INVALID', `${what} ${file} is not a PEM file`);
  return data;
}

/**
 * TLS material for a server, as docker builds it: every `*.crt` in `<configDir>/tls/<hostPort>/`
 * is a CA (added to the system roots), a `<name>.cert` + `<name>.key` pair is the client
 * certificate (a lone one is CONFIG_INVALID; with several pairs the first by name is used), and
 * `extra.caFile` (`--tlscacert`) is one more CA. A missing directory means no extra material.
 * `hostPort` is the URL's host as written (`notary.example.com`, `127.0.0.1:4443`).
 */
export async function tlsMaterialFor(configDir: string, hostPort: string, extra: { caFile?: string } = {}): Promise<TlsMaterial> {
  const ca: Buffer[] = [];
  const material: TlsMaterial = {};
  if (hostPort.includes('/') || hostPort.includes('\\') || hostPort === '..' || hostPort === '.' || hostPort === '') {
    throw new TrustDeskError('INVALID_ARGUMENT', `invalid host for TLS configuration: ${JSON.stringify(hostPort)}`);
  }
  const dir = join(configDir, 'tls', hostPort);
  let names: string[] = [];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new TrustDeskError('CONFIG_INVALID', `cannot read TLS directory ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
  const certs = new Set(names.filter((n) => n.endsWith('.cert')).map((n) => n.slice(0, -'.cert'.length)));
  const keys = new Set(names.filter((n) => n.endsWith('.key')).map((n) => n.slice(0, -'.key'.length)));
  for (const name of names) {
    if (name.endsWith('.crt')) ca.push(await readPem(join(dir, name), 'CA certificate'));
  }
  for (const stem of certs) {
    if (!keys.has(stem)) {
      throw new TrustDeskError(
        'CONFIG_INVALID',
        `missing key ${stem}.key for client certificate ${join(dir, `${stem}.cert`)}. Note that CA certificates should use the extension .crt`,
      );
    }
  }
  for (const stem of keys) {
    if (!certs.has(stem)) {
      throw new TrustDeskError('CONFIG_INVALID', `missing client certificate ${stem}.cert for key ${join(dir, `${stem}.key`)}`);
    }
  }
  const firstPair = [...certs].sort()[0];
  if (firstPair !== undefined) {
    material.cert = await readPem(join(dir, `${firstPair}.cert`), 'client certificate');
    material.key = await readPem(join(dir, `${firstPair}.key`), 'client key');
  }
  if (extra.caFile !== undefined && extra.caFile !== '') ca.push(await readPem(extra.caFile, 'CA certificate'));
  if (ca.length > 0) material.ca = ca;
  return material;
}

/**
 * The notary (trust) server for an image, as docker chooses it: the `--server` flag, else
 * `DOCKER_CONTENT_TRUST_SERVER`, else `https://notary.docker.io` for Docker Hub images, else
 * `https://<registry>`. Anything but a valid https URL is INSECURE_URL, with docker's wording.
 */
export function trustServerFor(reference: ParsedReference | string, env: Env = process.env, flag?: string): string {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const configured = flag !== undefined && flag !== '' ? flag : env.DOCKER_CONTENT_TRUST_SERVER;
  if (configured !== undefined && configured !== '') {
    let ok = false;
    try {
      const u = new URL(configured);
      ok = u.protocol === 'https:' && u.host !== '';
    } catch {
      ok = false;
    }
    if (!ok) throw new TrustDeskError('INSECURE_URL', `valid https URL required for trust server, got ${configured}`);
    return configured;
  }
  if (ref.registry === DEFAULT_REGISTRY) return DOCKER_HUB_NOTARY_SERVER;
  return `https://${ref.registry}`;
}

function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) {
    const a = address.toLowerCase();
    return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
  }
  return false;
}

/**
 * docker's loopback rule: a registry named `localhost`, a loopback IP, or a name resolving to a
 * loopback address is "insecure", and docker then skips verification of the trust server's
 * certificate. TrustDesk exposes the fact; turning verification off stays an explicit choice.
 */
export async function isLoopbackRegistry(
  registry: string,
  resolve: (host: string) => Promise<string[]> = async (host) => (await lookup(host, { all: true })).map((a) => a.address),
): Promise<boolean> {
  const host = registryHostname(registry);
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) !== 0) return isLoopbackAddress(host);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<string[]>((_, reject) => {
      timer = setTimeout(() => reject(new Error('lookup timed out')), 5_000);
    });
    const addresses = await Promise.race([resolve(host), timeout]);
    return addresses.some(isLoopbackAddress);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
