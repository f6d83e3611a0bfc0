/**
 * The e2e stand-in for the preload: defines `window.trustdesk` exactly as electron/preload/preload.ts
 * does (the same makeTrustdeskApi), over the Playwright binding that calls the real main-process
 * handlers instead of ipcRenderer.invoke.
 */
import { API_GLOBAL, makeTrustdeskApi, type RawInvoke } from '../../shared/ipc/api.js';

const binding = (window as unknown as { __trustdeskInvoke: RawInvoke }).__trustdeskInvoke;
// main's secret requests arrive here from the test's page.evaluate (ipcRenderer.on in the preload)
const listeners = new Set<(request: unknown) => void>();
Object.defineProperty(window, '__trustdeskSecretRequest', {
  value: (request: unknown) => listeners.forEach((l) => l(request)),
  writable: false,
  configurable: false,
  enumerable: false,
});
Object.defineProperty(window, API_GLOBAL, {
  value: makeTrustdeskApi(
    (channel, request) => binding(channel, request),
    (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  ),
  writable: false,
  configurable: false,
  enumerable: true,
});
