/**
 * Handlers of the Hardware keys view (shared/ipc/hardware-contract.ts), spread into the registry of
 * handlers.ts: the token doctor through the PKCS#11 worker (a utilityProcess in the app, so a vendor
 * module that crashes takes down only that process) and the token keys recorded in the trust dir.
 * The doctor reads without a PIN; generate, import and adopt ask for it in the PIN dialog (the app
 * context's PIN provider), once per device and request.
 */
import type { HARDWARE_CONTRACT } from '../../shared/ipc/hardware-contract.js';
import type { ChannelHandlers, ChannelsOf } from '../../shared/ipc/handlers.js';
import {
  adoptTokenKey,
  checkTokenCopies,
  generateBackedUpOnToken,
  generateOnToken,
  hardwareReport,
  importRootToTokens,
  type TokenTarget,
} from '../core/use-cases/tokens/tokens.js';
import { oneShotProvider } from '../core/keystore/passphrase-sources.js';
import type { TokenKeyRecord } from '../core/signing/token/tokens.js';
import type { AppContext } from './context.js';

/** A device of the request, looked for in the Settings' modules when it names none. */
const target = (ctx: AppContext, d: TokenTarget) => ({ ...d, settings: ctx.settings.pkcs11Modules });
/** A token key record as the view shows it (no module paths, no public key bytes). */
const keyView = (r: TokenKeyRecord) => ({
  keyId: r.keyId,
  role: r.role,
  origin: r.origin,
  ckaId: r.ckaId,
  devices: r.locations.map((l) => l.token.label + (l.token.serial ? ` (serial ${l.token.serial})` : '')),
});
const checksView = (c: Awaited<ReturnType<typeof checkTokenCopies>>) => c.map(({ token, ...rest }) => ({ device: token, ...rest }));

export const HARDWARE_HANDLERS: ChannelHandlers<AppContext, ChannelsOf<typeof HARDWARE_CONTRACT>> = {
  'hardware:doctor': (ctx, { modules }) => hardwareReport(ctx.trust, { modules: modules ?? ctx.settings.pkcs11Modules }),
  'hardware:generate': async (ctx, { device, gun, backupCopy, passphrases }) => {
    const input = { token: target(ctx, device), ...(gun ? { gun } : {}) };
    if (backupCopy) {
      // the file's new passphrase also opens it for the import onto the device
      const trust = passphrases ? ctx.trustWith({ passphrase: oneShotProvider({ new: passphrases.new, unlock: passphrases.new }) }) : ctx.trust;
      const r = await generateBackedUpOnToken(trust, input);
      return { key: keyView(r.key), keyFile: r.keyFile, ...(r.certificateFor ? { certificateFor: r.certificateFor } : {}) };
    }
    const r = await generateOnToken(ctx.trust, input);
    return { key: keyView(r.key), ...(r.certificateFor ? { certificateFor: r.certificateFor } : {}) };
  },
  'hardware:import': async (ctx, { keyId, devices, passphrases }) => {
    const trust = passphrases ? ctx.trustWith({ passphrase: oneShotProvider(passphrases) }) : ctx.trust;
    const r = await importRootToTokens(trust, { keyIdPrefix: keyId, tokens: devices.map((d) => target(ctx, d)) });
    return {
      key: keyView(r.key),
      imported: r.imported,
      failed: r.failed.map((f) => ({ device: f.token, error: f.error })),
      checks: checksView(await checkTokenCopies(trust, r.key)),
      keyFile: r.keyFile,
    };
  },
  'hardware:adopt': async (ctx, { device, ckaId }) => {
    const key = await adoptTokenKey(ctx.trust, { token: target(ctx, device), ckaId });
    return { key: keyView(key), checks: checksView(await checkTokenCopies(ctx.trust, key)) };
  },
};
