/**
 * The preload (sandboxed, bundled to dist/preload/preload.cjs): exposes `window.trustdesk`, one typed
 * `invoke` over the contract's channels, and nothing of Electron or Node itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, makeTrustdeskApi } from '../../shared/ipc/api.js';

contextBridge.exposeInMainWorld(
  API_GLOBAL,
  makeTrustdeskApi((channel, request) => ipcRenderer.invoke(channel, request)),
);
