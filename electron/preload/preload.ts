/**
 * The preload (sandboxed, bundled to dist/preload/preload.cjs): exposes `window.trustdesk`, one typed
 * `invoke` over the contract's channels, and nothing of Electron or Node itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, makeTrustdeskApi } from '../../shared/ipc/api.js';

// the event name of shared/ipc/secrets-contract.ts (SECRET_REQUEST_EVENT), literal so that zod stays out of the preload
const SECRET_REQUEST_EVENT = 'secret:request';

contextBridge.exposeInMainWorld(
  API_GLOBAL,
  makeTrustdeskApi(
    (channel, request) => ipcRenderer.invoke(channel, request),
    (listener) => {
      const on = (_event: unknown, request: unknown) => listener(request);
      ipcRenderer.on(SECRET_REQUEST_EVENT, on);
      return () => void ipcRenderer.removeListener(SECRET_REQUEST_EVENT, on);
    },
  ),
);
