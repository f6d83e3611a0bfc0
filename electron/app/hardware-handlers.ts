/**
 * Handlers of the Hardware keys view (shared/ipc/hardware-contract.ts), spread into the registry of
 * handlers.ts: the token doctor through the PKCS#11 worker (a utilityProcess in the app, so a vendor
 * module that crashes takes down only that process) and the token keys recorded in the trust dir.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import type { HARDWARE_CONTRACT } from '../../shared/ipc/hardware-contract.js';
import type { Settings } from '../../shared/view-model.js';
import type { TransportFactory } from '../core/signing/token/client.js';
import { TokenAccess } from '../core/signing/token/tokens.js';
import { tokenDoctor } from '../core/use-cases/tokens/tokens.js';

type Spec = typeof HARDWARE_CONTRACT;
type HardwareImpl = { [C in keyof Spec]: (req: z.output<Spec[C]['request']>) => Promise<z.output<Spec[C]['response']>> };

export interface HardwareHandlerDeps {
  settings: { get(): Promise<Settings> };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  configDirOf: (s: Settings) => string;
  /** The worker transport (main: utilityProcess.fork; tests: child_process.fork). */
  transport?: TransportFactory;
}

export function hardwareHandlers(deps: HardwareHandlerDeps): HardwareImpl {
  return {
    async 'hardware:doctor'({ modules }) {
      const s = await deps.settings.get();
      const access = new TokenAccess({ trustDir: join(deps.configDirOf(s), 'trust'), env: deps.env, ...(deps.transport ? { transport: deps.transport } : {}) });
      try {
        const given = modules ?? s.pkcs11Modules;
        const r = await tokenDoctor(access, given, deps.env, { now: deps.now() });
        const records = await access.store.list();
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
            devices: m.tokens.map((t) => ({ label: t.label, serial: t.serial, manufacturer: t.manufacturer, model: t.model, firmware: t.firmware, yubikey: t.yubikey, keys: t.keys.map((k) => (k.origin || !originOf(k.keyId) ? k : { ...k, origin: originOf(k.keyId) })), certificates: t.certificates, findings: t.findings })),
          })),
          findings: r.findings,
          recordedKeys: records.map((k) => ({ keyId: k.keyId, role: k.role, origin: k.origin, devices: k.locations.map((l) => l.token.label), repositories: (k.certificates ?? []).map((c) => c.gun) })),
        };
      } finally {
        access.close();
      }
    },
  };
}
