/** The app:// protocol: serves dist/renderer with the CSP header; nothing else. */
import { protocol } from 'electron';
import { rendererFile } from '../app/renderer-files.js';
import { APP_HOST, APP_SCHEME, RENDERER_DIR } from './paths.js';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false } },
  ]);
}

export function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response('not found', { status: 404 });
    const f = await rendererFile(RENDERER_DIR, url.pathname);
    return new Response(new Uint8Array(f.body), { status: f.status, headers: f.headers });
  });
}
