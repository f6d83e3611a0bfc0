/**
 * Handler of the cosign channel (shared/ipc/cosign-contract.ts), spread into handlers.ts: the cosign
 * state of every tag of a repository for a public key file the user chose (PEM, cosign.pub).
 */
import type { z } from 'zod';
import type { COSIGN_CONTRACT } from '../../shared/ipc/cosign-contract.js';
import type { Settings } from '../../shared/view-model.js';
import { parseReference } from '../core/base/reference.js';
import { TrustSession } from '../core/session/trust-session.js';
import { publicKeyFromSpec } from '../core/signing/cosign/key-spec.js';
import { repositoryCosignStates } from '../core/cosign/tag-signatures.js';
import { join } from 'node:path';

type Spec = typeof COSIGN_CONTRACT;
type CosignImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface CosignHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
}

export function cosignHandlers(deps: CosignHandlerDeps): CosignImpl {
  return {
    async 'cosign:tags'({ name, keyFile }) {
      const s = await deps.settings.get();
      const ref = parseReference(name);
      const configDir = deps.configDirOf(s);
      // A PEM public key file only (no notary:/token: here: those could prompt).
      const key = await publicKeyFromSpec(keyFile.startsWith('notary:') || keyFile.startsWith('token:') ? `./${keyFile}` : keyFile, { trustDir: join(configDir, 'trust'), env: deps.env });
      const session = new TrustSession({ env: deps.env, configDir, server: s.trustServers[ref.registry], tlsCaCert: s.caFiles[ref.registry], offline: s.offline, now: deps.now() });
      try {
        return await repositoryCosignStates(session, ref.gun, key);
      } finally {
        session.close();
      }
    },
  };
}
