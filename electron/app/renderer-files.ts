/**
 * Maps a request URL of the app's own pages to a file of the built renderer (dist/renderer), refusing
 * anything outside it. Used by the Electron app protocol and by the e2e server, so both serve alike.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface RendererFile {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

export async function rendererFile(root: string, pathname: string): Promise<RendererFile> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '\0';
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${rel}`);
  const type = TYPES[extname(file)];
  if (rel.includes('\0') || !file.startsWith(base + sep) || !type) {
    return { status: 404, body: Buffer.from('not found'), headers: { 'content-type': 'text/plain', ...SECURITY_HEADERS } };
  }
  try {
    return { status: 200, body: await readFile(file), headers: { 'content-type': type, ...SECURITY_HEADERS } };
  } catch {
    return { status: 404, body: Buffer.from('not found'), headers: { 'content-type': 'text/plain', ...SECURITY_HEADERS } };
  }
}
