/**
 * The e2e stand-in for the preload: defines `window.trustdesk` exactly as electron/preload/preload.ts
 * does (the same makeTrustdeskApi), over the Playwright binding that calls the real main-process
 * handlers instead of ipcRenderer.invoke.
 */
import { API_GLOBAL, makeTrustdeskApi, type RawInvoke } from '../../shared/ipc/api.js';

const binding = (window as unknown as { __trustdeskInvoke: RawInvoke }).__trustdeskInvoke;
Object.defineProperty(window, API_GLOBAL, {
  value: makeTrustdeskApi((channel, request) => binding(channel, request)),
  writable: false,
  configurable: false,
  enumerable: true,
});
