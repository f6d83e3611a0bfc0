/** Where the built app's parts are, relative to dist/electron/main/. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(here, '..', '..');
export const RENDERER_DIR = join(DIST_DIR, 'renderer');
export const PRELOAD_FILE = join(DIST_DIR, 'preload', 'preload.cjs');

/** The app's pages are served as app://trustdesk/…, never from a remote URL or file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'trustdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
