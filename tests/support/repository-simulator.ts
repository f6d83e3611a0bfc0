/**
 * A repository simulator: builds a complete, correctly signed Notary repository in memory (root,
 * targets with delegations, snapshot, timestamp) with keys it generates, and serves it as a
 * MetadataSource. For attack tests that need states no real server will produce, and for the
 * large-repository benchmark (10,000 tags, 50 delegations).
 *
 * The root key is a bare `ecdsa` key here (notary accepts non-certificate root keys); the lab covers
 * the certificate-wrapped root keys real repositories use.
 */
import { generateKeyPairSync, createHash, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../../electron/core/tuf/canonical-json.js';
import { keyId, publicKeyJson, type PublicKeyJson } from '../../electron/core/tuf/keys.js';
import { signMessage } from '../../electron/core/tuf/signatures.js';
import { fileMetaFor } from '../../electron/core/tuf/metadata/file-meta.js';
import { TrustDeskError } from '../../electron/core/base/errors.js';
import type { MetadataSource } from '../../electron/core/tuf/repository-updater.js';

export interface SimKey {
  id: string;
  pub: PublicKeyJson;
  priv: KeyObject;
}

export function simKey(): SimKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKeyJson(publicKey);
  return { id: keyId(pub), pub, priv: privateKey };
}

export function signEnvelope(signed: unknown, keys: SimKey[]): Buffer {
  const msg = canonicalBytes(signed);
  const signatures = keys.map((k) => ({ keyid: k.id, ...signMessage(k.priv, msg) }));
  return Buffer.from(JSON.stringify({ signed, signatures }));
}

export interface SimulatedRepository {
  gun: string;
  files: Map<string, Buffer>;
  /** Registry view: tag → `sha256:<hex>` of the (pretend) manifest. */
  manifests: Map<string, { digest: string; size: number }>;
  source: MetadataSource & { requests: number };
}

export interface SimulatorOptions {
  gun?: string;
  tags: number;
  delegations: number;
  expires?: Date;
}

export function simulateRepository(opts: SimulatorOptions): SimulatedRepository {
  const gun = opts.gun ?? 'registry.example.test/sim/large';
  const expires = (opts.expires ?? new Date(Date.now() + 365 * 86_400_000)).toISOString();
  const [root, targets, snapshot, timestamp, releases] = [simKey(), simKey(), simKey(), simKey(), simKey()];
  const signers = Array.from({ length: opts.delegations }, () => simKey());
  const files = new Map<string, Buffer>();
  const manifests = new Map<string, { digest: string; size: number }>();

  const rootSigned = {
    _type: 'Root',
    consistent_snapshot: false,
    expires,
    keys: Object.fromEntries([root, targets, snapshot, timestamp].map((k) => [k.id, k.pub])),
    roles: {
      root: { keyids: [root.id], threshold: 1 },
      snapshot: { keyids: [snapshot.id], threshold: 1 },
      targets: { keyids: [targets.id], threshold: 1 },
      timestamp: { keyids: [timestamp.id], threshold: 1 },
    },
    version: 1,
  };
  files.set('root', signEnvelope(rootSigned, [root]));

  const tagMeta = (i: number) => {
    const manifest = Buffer.from(`{"schemaVersion":2,"tag":"v${i}"}`);
    const digest = createHash('sha256').update(manifest).digest();
    manifests.set(`v${i}`, { digest: `sha256:${digest.toString('hex')}`, size: manifest.length });
    return {
      hashes: { sha256: digest.toString('base64'), sha512: createHash('sha512').update(manifest).digest('base64') },
      length: manifest.length,
    };
  };
  const allTargets = Object.fromEntries(Array.from({ length: opts.tags }, (_, i) => [`v${i}`, tagMeta(i)]));
  const delegationRoles = [
    { keyids: [releases.id, ...signers.map((s) => s.id)], name: 'targets/releases', paths: [''], threshold: 1 },
    ...signers.map((s, i) => ({ keyids: [s.id], name: `targets/signer${i}`, paths: [''], threshold: 1 })),
  ];
  const targetsSigned = {
    _type: 'Targets',
    delegations: {
      keys: Object.fromEntries([releases, ...signers].map((k) => [k.id, k.pub])),
      roles: delegationRoles,
    },
    expires,
    targets: {},
    version: 2,
  };
  files.set('targets', signEnvelope(targetsSigned, [targets]));
  files.set(
    'targets/releases',
    signEnvelope({ _type: 'Targets', delegations: { keys: {}, roles: [] }, expires, targets: allTargets, version: 2 }, [releases]),
  );
  const perSigner = Math.ceil(opts.tags / Math.max(1, opts.delegations));
  signers.forEach((s, i) => {
    const mine = Object.fromEntries(Object.entries(allTargets).slice(i * perSigner, (i + 1) * perSigner));
    files.set(
      `targets/signer${i}`,
      signEnvelope({ _type: 'Targets', delegations: { keys: {}, roles: [] }, expires, targets: mine, version: 2 }, [s]),
    );
  });

  const meta = Object.fromEntries([...files].map(([role, raw]) => [role, fileMetaFor(raw)]));
  const snapRaw = signEnvelope({ _type: 'Snapshot', expires, meta, version: 2 }, [snapshot]);
  files.set('snapshot', snapRaw);
  files.set('timestamp', signEnvelope({ _type: 'Timestamp', expires, meta: { snapshot: fileMetaFor(snapRaw) }, version: 2 }, [timestamp]));

  const source = {
    requests: 0,
    async fetchRole(_gun: string, role: string, o: { maxBytes: number }): Promise<Buffer> {
      source.requests++;
      const b = files.get(role);
      if (!b) throw new TrustDeskError('METADATA_NOT_FOUND', `${role} not found`);
      if (b.length > o.maxBytes) throw new TrustDeskError('RESPONSE_TOO_LARGE', `${role} exceeds ${o.maxBytes} bytes`);
      return b;
    },
    async fetchRootVersion(_gun: string, version: number): Promise<Buffer> {
      source.requests++;
      if (version === 1) return files.get('root')!;
      throw new TrustDeskError('METADATA_NOT_FOUND', `${version}.root not found`);
    },
  };
  return { gun, files, manifests, source };
}
