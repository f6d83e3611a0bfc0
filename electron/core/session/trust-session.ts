/**
 * One session of trust work: the docker config dir, the trust cache, one HTTP connection pool shared
 * by every request (keep-alive, parallel fetches), and per-repository loading that the CLI, the app
 * and the benchmark all use the same way.
 */
import { join } from 'node:path';
import { TrustCache } from '../cache/trust-cache.js';
import { TrustDeskError } from '../base/errors.js';
import { parseReference, registryApiHost, type ParsedReference } from '../base/reference.js';
import { updateRepository, type RepositoryTrust } from '../tuf/repository-updater.js';
import { HttpClient, type TlsMaterial } from '../remote/http-client.js';
import type { HttpTraceHook } from '../remote/http-trace.js';
import { CONNECTIONS_PER_HOST } from '../base/connection-limits.js';
import { mergeProxySettings, proxySettingsFromEnv, type ProxySettings } from '../remote/proxy-rules.js';
import { NotaryClient } from '../remote/notary-client.js';
import { NotaryPublisher } from '../remote/notary-publisher.js';
import { AuthenticatedClient } from '../remote/auth.js';
import { dockerConfigDir, loadDockerConfig, tlsMaterialFor, trustServerFor } from '../remote/docker-config.js';
import { RegistryClient } from '../remote/registry-client.js';
import { OciClient } from '../remote/oci-client.js';
import type { RegistryTag } from '../tuf/verdicts.js';
import { defaultPinsFile, loadNotaryClientConfig, loadPinSettings, mergeTrustPinning, type TrustPinning } from '../tuf/trust-pinning.js';

export interface SessionOptions {
  env?: NodeJS.ProcessEnv;
  /** `--config DIR`: the docker config dir (default $DOCKER_CONFIG or ~/.docker). */
  configDir?: string;
  /** `--server URL`: the trust server. */
  server?: string;
  /** `--tlscacert FILE`: an extra CA for the trust server and the registry. */
  tlsCaCert?: string;
  /** Trust servers per registry host (the app's Settings); `server` applies where none is named. */
  servers?: Readonly<Record<string, string>>;
  /** Extra CA files per registry host (the app's Settings); `tlsCaCert` applies where none is named. */
  caFiles?: Readonly<Record<string, string>>;
  /** Make no network call: verify what the cache holds. */
  offline?: boolean;
  /** Clock for expiry checks: a fixed time (tests) or a clock read at each use (the app's context). */
  now?: Date | (() => Date);
  timeoutMs?: number;
  /** `--trust-dir DIR`: a trust directory elsewhere than <config dir>/trust (e.g. copied from another machine). */
  trustDir?: string;
  /** `--trust-pinning FILE`: a notary client config whose `trust_pinning` section applies. */
  trustPinningFile?: string;
  /** TrustDesk's pins file (default $TRUSTDESK_PINS, else <config dir>/trustdesk-pins.json). */
  pinsFile?: string;
  /** Pins given directly (tests, the app); merged over the files. */
  pinning?: TrustPinning;
  /**
   * Proxies (the app's Settings) over the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY: an absent
   * field keeps the environment's value, an empty one means none. Without it: the environment's.
   */
  proxy?: Partial<Pick<ProxySettings, 'httpsProxy' | 'httpProxy' | 'noProxy'>>;
  /** Receives the timeline of every HTTP request (the bench's `--trace`); none: nothing is recorded. */
  httpTrace?: HttpTraceHook;
}

export class TrustSession {
  readonly configDir: string;
  readonly cache: TrustCache;
  private readonly env: NodeJS.ProcessEnv;
  private readonly http: HttpClient;
  private readonly tls = new Map<string, TlsMaterial>();
  private readonly tlsReady = new Map<string, Promise<void>>();
  private readonly authClients = new Map<string, Promise<AuthenticatedClient>>();
  private pinningLoaded?: Promise<TrustPinning>;
  /** TrustDesk's pins file this session reads (and `pinCurrentRoot` writes). */
  readonly pinsFile: string;

  constructor(private readonly opts: SessionOptions = {}) {
    this.env = opts.env ?? process.env;
    this.configDir = opts.configDir ?? dockerConfigDir(this.env);
    this.cache = new TrustCache(opts.trustDir ?? join(this.configDir, 'trust'));
    this.pinsFile = opts.pinsFile ?? defaultPinsFile(this.env, this.configDir);
    // A few keep-alive connections per host (connection-limits.ts): enough to overlap round trips,
    // few enough TLS handshakes; every repository of one command shares them.
    this.http = new HttpClient({
      tlsFor: (hostPort) => this.tls.get(hostPort) ?? {},
      timeoutMs: opts.timeoutMs,
      maxSocketsPerHost: CONNECTIONS_PER_HOST,
      ...(opts.httpTrace ? { trace: opts.httpTrace } : {}),
      // docker's proxies for the trust server, the registry and token auth (loopback never proxied).
      proxy: mergeProxySettings(proxySettingsFromEnv(this.env), opts.proxy),
      ...(opts.offline ? { offline: true } : {}),
    });
  }

  /** Loads the TLS material docker would use for a server (its tls/<host:port>/ dir, --tlscacert). */
  private prepareTls(url: string, registry: string): Promise<void> {
    const host = new URL(url).host;
    let ready = this.tlsReady.get(host);
    if (!ready) {
      ready = tlsMaterialFor(this.configDir, host, { caFile: this.opts.caFiles?.[registry] ?? this.opts.tlsCaCert }).then((m) => {
        this.tls.set(host, m);
      });
      this.tlsReady.set(host, ready);
    }
    return ready;
  }

  private authFor(registry: string): Promise<AuthenticatedClient> {
    let c = this.authClients.get(registry);
    if (!c) {
      c = loadDockerConfig(this.configDir).then(
        (config) => new AuthenticatedClient({ http: this.http, credentials: () => config.credentialsFor(registry) }),
      );
      this.authClients.set(registry, c);
    }
    return c;
  }

  /** The trust server for a reference: --server, DOCKER_CONTENT_TRUST_SERVER, or docker's default. */
  trustServer(ref: ParsedReference): string {
    return trustServerFor(ref, this.env, this.opts.servers?.[ref.registry] ?? this.opts.server);
  }

  /** The pins in force: TrustDesk's pins file, then the notary config, then pins given directly. */
  trustPinning(): Promise<TrustPinning> {
    this.pinningLoaded ??= (async () =>
      mergeTrustPinning(
        await loadPinSettings(this.pinsFile),
        this.opts.trustPinningFile ? await loadNotaryClientConfig(this.opts.trustPinningFile) : undefined,
        this.opts.pinning,
      ))();
    return this.pinningLoaded;
  }

  /**
   * Verifies a repository's trust data (network unless offline), updating the cache. Offline, the
   * cache is verified as of the time it was written; callers report what has expired since.
   */
  async loadTrust(ref: ParsedReference, opts: { acceptExpired?: (role: string) => boolean } = {}): Promise<RepositoryTrust> {
    const pinning = await this.trustPinning();
    const source = this.opts.offline ? undefined : await this.notarySource(ref);
    return updateRepository({
      gun: ref.gun,
      cache: this.cache,
      source,
      now: this.fixedNow(),
      pinning,
      asOfCache: this.opts.offline,
      ...(opts.acceptExpired ? { acceptExpired: opts.acceptExpired } : {}),
    });
  }

  /** The trust server of a reference as a MetadataSource (TLS and auth as docker would use them). */
  async notarySource(ref: ParsedReference): Promise<NotaryClient> {
    if (this.opts.offline) throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the trust server is not contacted');
    const server = this.trustServer(ref);
    await this.prepareTls(server, ref.registry);
    return new NotaryClient(server, await this.authFor(ref.registry));
  }

  /** The trust server of a reference for writing (publish, server keys), with push scope. */
  async notaryPublisher(ref: ParsedReference): Promise<NotaryPublisher> {
    if (this.opts.offline) throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: nothing can be published');
    const server = this.trustServer(ref);
    await this.prepareTls(server, ref.registry);
    return new NotaryPublisher(server, await this.authFor(ref.registry));
  }

  /** The clock of this session (tests may fix it). */
  now(): Date {
    return this.fixedNow() ?? new Date();
  }

  /** The session's clock when one was given (undefined: the updater reads the real time itself). */
  private fixedNow(): Date | undefined {
    const n = this.opts.now;
    return typeof n === 'function' ? n() : n;
  }

  /** Whether this session makes no network call at all. */
  get offline(): boolean {
    return this.opts.offline === true;
  }

  /** Forgets the loaded pins (after the pins file changed). */
  reloadPinning(): void {
    this.pinningLoaded = undefined;
  }

  async registry(ref: ParsedReference): Promise<RegistryClient> {
    const base = `https://${registryApiHost(ref.registry)}`;
    await this.prepareTls(base, ref.registry);
    return new RegistryClient({ baseUrl: base, client: await this.authFor(ref.registry), registry: ref.registry });
  }

  /** Registry access for cosign signatures (blobs, uploads, referrers), same TLS and credentials. */
  async ociClient(ref: ParsedReference): Promise<OciClient> {
    if (this.opts.offline) throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the registry is not contacted');
    const base = `https://${registryApiHost(ref.registry)}`;
    await this.prepareTls(base, ref.registry);
    return new OciClient(base, await this.authFor(ref.registry), ref.registry);
  }

  /** Every registry tag of a repository with its manifest digest (per-tag errors kept per tag). */
  async registryTags(ref: ParsedReference): Promise<RegistryTag[]> {
    if (this.opts.offline) throw new TrustDeskError('NETWORK_UNREACHABLE', 'offline: the registry is not contacted');
    const reg = await this.registry(ref);
    const tags = await reg.listTags(ref.repository);
    const digests = await reg.manifestDigests(ref.repository, tags);
    return tags.map((tag) => {
      const d = digests.get(tag);
      if (!d) return { tag, error: { code: 'INTERNAL', message: `no manifest result for ${tag}` } };
      if (!d.ok) return { tag, error: d.error };
      return { tag, digest: d.digest, size: d.size, mediaType: d.mediaType };
    });
  }

  close(): void {
    this.http.close();
  }
}

export { parseReference };
