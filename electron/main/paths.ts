/** Where the built app's parts are: dist/renderer, dist/preload, beside dist/electron/main/. */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const up = join(here, '..', '..');
/** dist/ when running the build; <root>/dist when running from the sources (tests). */
export const DIST_DIR = basename(up) === 'dist' ? up : join(up, 'dist');
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
