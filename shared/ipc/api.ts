/**
 * `window.trustdesk`: one method per channel, built the same way by the Electron preload
 * (over ipcRenderer.invoke) and by the e2e bridge (over a Playwright binding). No zod here: the
 * preload stays small; main parses every payload.
 */
import type { Channel, Request, Response, Result } from './contract.js';
import type { SecretRequestView } from './secrets-contract.js';

/** The channel list, kept in step with CONTRACT by a unit test. */
export const API_CHANNELS = [
  'app:info',
  'settings:get',
  'settings:update',
  'repositories:list',
  'repositories:add',
  'repositories:remove',
  'repository:summary',
  'repository:overview',
  'external:open',
  // publishing (shared/ipc/publishing-contract.ts), listed by name: importing that module would bundle zod into the preload
  'publish:preview',
  'publish:apply',
  'publish:init',
  'publish:rotate-root',
  'signers:impact',
  'onboarding:read-key',
  'onboarding:create-key',
  'onboarding:status',
  // audit view and CI signing set-up (audit-contract.ts), by name for the same reason
  'audit:run',
  'audit:pin-root',
  'audit:compare',
  'ci:setup',
  // keys (keys-contract.ts) and pins/offline inspector (pins-contract.ts), by name for the same reason
  'keys:list',
  'keys:generate',
  'keys:load',
  'keys:import',
  'keys:export',
  'keys:passwd',
  'keys:remove',
  'keys:restore',
  'pins:list',
  'pins:for',
  'pins:pin-current',
  'pins:unpin',
  'offline:open',
  'offline:overview',
  // hardware keys (hardware-contract.ts), by name for the same reason
  'hardware:doctor',
  'hardware:generate',
  'hardware:import',
  'hardware:adopt',
  // key ceremonies (ceremony-contract.ts), by name for the same reason
  'ceremony:generate',
  'ceremony:backup',
  'ceremony:shares-pdf',
  'ceremony:drill',
  'ceremony:rotate-request',
  'ceremony:bundle-open',
  'ceremony:bundle-sign',
  'ceremony:bundle-import',
  'ceremony:log-verify',
  // cosign signatures (cosign-contract.ts), by name for the same reason
  'cosign:tags',
  // the migration view (migrate-contract.ts), by name for the same reason
  'migrate:plan',
  'migrate:sign',
  'migrate:progress',
  'migrate:cancel',
  'migrate:policies',
  // renewal (renew-contract.ts), by name for the same reason
  'renew:plan',
  'renew:apply',
  // the PIN dialog's answer (secrets-contract.ts), by name for the same reason
  'secret:answer',
  // the system's open/save/folder dialogs (dialog-contract.ts), by name for the same reason
  'dialog:open',
  'dialog:save',
] as const satisfies readonly Channel[];

export type TrustdeskApi = {
  invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Response<C>>>;
  channels: readonly Channel[];
  /** Main asks for a PIN (the PIN dialog); answer with invoke('secret:answer'). Returns the unsubscribe. */
  onSecretRequest(listener: (request: SecretRequestView) => void): () => void;
};

export type RawInvoke = (channel: string, request: unknown) => Promise<unknown>;
/** Subscribes to main's secret requests (preload: ipcRenderer.on; e2e: the bridge); returns the unsubscribe. */
export type RawSubscribe = (listener: (request: unknown) => void) => () => void;

export function makeTrustdeskApi(raw: RawInvoke, subscribe: RawSubscribe = () => () => undefined): TrustdeskApi {
  const allowed = new Set<string>(API_CHANNELS);
  return Object.freeze({
    channels: API_CHANNELS,
    onSecretRequest(listener: (request: SecretRequestView) => void) {
      // main parses what it sends; the renderer checks the shape again before showing it
      return subscribe((request) => listener(request as SecretRequestView));
    },
    invoke(channel: string, request: unknown) {
      if (!allowed.has(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel ${channel}` } });
      }
      // main answers with values; a rejection (a closed window, an uncloneable payload) becomes one too
      return raw(channel, request).catch((err: unknown) => ({
        ok: false,
        error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
      }));
    },
  }) as TrustdeskApi;
}

/** The name under which the API appears on `window`. */
export const API_GLOBAL = 'trustdesk';
