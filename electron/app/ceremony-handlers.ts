/**
 * Handlers of the Ceremony view (shared/ipc/ceremony-contract.ts). `ceremony:bundle-open` and
 * `ceremony:bundle-sign` read and write local files and sign with local keys or tokens only: no
 * trust session is made, so they work with networking off. In offline mode (Settings) the channels
 * that need the trust server are refused before any connection is tried.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { CEREMONY_CONTRACT } from '../../shared/ipc/ceremony-contract.js';
import type { Settings } from '../../shared/view-model.js';
import { exportRootBackup, restoreDrill } from '../core/ceremony/backup.js';
import { checkBundle, compareWithCachedRoot, missingSignatures, rootCertificates, signBundle } from '../core/ceremony/bundle.js';
import { CeremonyLog } from '../core/ceremony/log.js';
import { importSignedBundle, prepareRootRotation } from '../core/ceremony/rotation.js';
import { TrustDeskError } from '../core/base/errors.js';
import type { PublicKeyJson } from '../core/tuf/keys.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import type { TransportFactory } from '../core/signing/token/client.js';
import { TokenAccess } from '../core/signing/token/tokens.js';
import { KeyRing } from '../core/signing/signer.js';
import { parseReference } from '../core/base/reference.js';
import { TrustSession } from '../core/session/trust-session.js';
import { TrustCache } from '../core/cache/trust-cache.js';

type Spec = typeof CEREMONY_CONTRACT;
type CeremonyImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface CeremonyHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  transport?: TransportFactory;
  invalidate: (gun: string) => void;
}

export function ceremonyHandlers(deps: CeremonyHandlerDeps): CeremonyImpl {
  const dirs = async () => {
    const s = await deps.settings.get();
    const configDir = deps.configDirOf(s);
    const trustDir = join(configDir, 'trust');
    return { s, configDir, trustDir, log: new CeremonyLog(join(trustDir, 'ceremony', 'ceremony.log'), deps.now) };
  };
  const online = (s: Settings, what: string) => {
    if (s.offline) throw new TrustDeskError('NETWORK_UNREACHABLE', `TrustDesk is in offline mode: ${what} needs the trust server; turn offline mode off in Settings on the online machine`);
  };
  const session = (s: Settings, configDir: string, gun: string) => {
    const ref = parseReference(gun);
    return { ref, session: new TrustSession({ env: deps.env, configDir, server: s.trustServers[ref.registry], tlsCaCert: s.caFiles[ref.registry], offline: s.offline }) };
  };
  const ring = (trustDir: string, p?: { unlock?: string; new?: string }) => new KeyRing(trustDir, { env: deps.env, ...(p ? { prompt: oneShotProvider(p) } : {}) });

  return {
    async 'ceremony:backup'({ keyId, outDir, shares }) {
      const { trustDir, log } = await dirs();
      return exportRootBackup({ trustDir, keyId, outDir, ...(shares ? { shares } : {}), log });
    },
    async 'ceremony:drill'({ backupFile, shareFiles, repositories, expectKeyId, passphrases }) {
      const { s, configDir, trustDir, log } = await dirs();
      if (!backupFile === !shareFiles?.length) throw new TrustDeskError('INVALID_ARGUMENT', 'choose the backup file or the share files');
      const roots: { gun: string; raw: Buffer }[] = [];
      for (const name of repositories) {
        const { ref, session: ts } = session(s, configDir, name);
        try {
          roots.push({ gun: ref.gun, raw: (await ts.loadTrust(ref)).root.raw });
        } finally {
          ts.close();
        }
      }
      const shares = shareFiles?.length ? await Promise.all(shareFiles.map((f) => readFile(f, 'utf8'))) : undefined;
      const r = await restoreDrill({ source: shares ? { shares } : { backupFile: backupFile! }, roots, env: deps.env, ...(passphrases ? { prompt: oneShotProvider(passphrases) } : {}), trustDir, ...(expectKeyId ? { expectKeyId } : {}), log, now: deps.now });
      return { ok: r.ok, keyId: r.keyId, from: r.from, repositories: r.repositories, ...(r.expected ? { expected: r.expected } : {}) };
    },
    async 'ceremony:rotate-request'({ repository, newKeyId, outFile, allowNoBackup, passphrases }) {
      const { s, configDir, trustDir, log } = await dirs();
      online(s, 'preparing a root rotation');
      const { ref, session: ts } = session(s, configDir, repository);
      try {
        const plan = await prepareRootRotation({ session: ts, ref, keys: ring(trustDir, passphrases), newRootKeyId: newKeyId, allowUnbackedUp: !!allowNoBackup, log });
        await writeFile(outFile, `${JSON.stringify(plan.bundle, null, 2)}\n`, { mode: 0o600 });
        return { preflight: plan.preflight, summary: plan.bundle.summary, bundleId: plan.bundle.id, sha256: plan.bundle.items[0]!.sha256, outFile };
      } finally {
        ts.close();
      }
    },
    async 'ceremony:bundle-open'({ file }) {
      const { trustDir } = await dirs();
      const c = checkBundle(await readFile(file, 'utf8'));
      const rootCheck = compareWithCachedRoot(c, await new TrustCache(trustDir).read(c.bundle.gun, 'root').catch(() => undefined));
      const item = c.bundle.items[0]!;
      return { id: c.bundle.id, kind: c.bundle.kind, gun: c.bundle.gun, createdAt: c.bundle.createdAt, summary: c.summary, certificates: rootCertificates(c.newRoots[0]! as never), version: item.version, sha256: item.sha256, length: item.length, signedBy: item.signatures.map((x) => x.keyid), missing: missingSignatures(c), rootCheck };
    },
    async 'ceremony:bundle-sign'({ file, outFile, passphrases, pin }) {
      const { trustDir, log } = await dirs();
      const c = checkBundle(await readFile(file, 'utf8'));
      compareWithCachedRoot(c, await new TrustCache(trustDir).read(c.bundle.gun, 'root').catch(() => undefined));
      const keys = ring(trustDir, passphrases);
      const tokens = new TokenAccess({ trustDir, env: pin ? { ...deps.env, TRUSTDESK_TOKEN_PIN: pin } : deps.env, ...(deps.transport ? { transport: deps.transport } : {}) });
      try {
        const { bundle, signedBy } = await signBundle(c, { signerFor: async (k: PublicKeyJson) => (await keys.signerFor(k)) ?? (await tokens.signerFor(k)) }, deps.now());
        await writeFile(outFile, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
        await log.append({ step: 'bundle-signed-offline', keyIds: signedBy, hashes: { 'root.json signed': c.bundle.items[0]!.sha256, 'signed bundle': bundle.bundleSha256 }, details: { gun: c.bundle.gun, bundleId: c.bundle.id, network: 'none' } });
        return { signedBy, outFile };
      } finally {
        tokens.close();
      }
    },
    async 'ceremony:bundle-import'({ file, publish, rollbackPlanFile }) {
      const { s, configDir, trustDir, log } = await dirs();
      online(s, 'importing a signed bundle');
      const text = await readFile(file, 'utf8');
      const c = checkBundle(text, 'signed');
      const { ref, session: ts } = session(s, configDir, c.bundle.gun);
      try {
        const r = await importSignedBundle({ session: ts, ref, trustDir, text, publish, log, rollbackPlanFile: rollbackPlanFile ?? `${file}.rollback-plan.md` });
        if (r.published) deps.invalidate(r.gun);
        return { published: r.published, gun: r.gun, fromVersion: r.fromVersion, toVersion: r.toVersion, simulations: r.simulations, newRootKeyIds: r.newRootKeyIds, ...(r.rollbackPlan ? { rollbackPlan: r.rollbackPlan } : {}) };
      } finally {
        ts.close();
      }
    },
    async 'ceremony:log-verify'({ file }) {
      const { log } = await dirs();
      const target = file ? new CeremonyLog(file) : log;
      return { ...(await target.verify()), file: target.path };
    },
  };
}
