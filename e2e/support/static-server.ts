/** Serves the built renderer on 127.0.0.1 exactly as the app:// protocol does (same files, same CSP). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { rendererFile } from '../../electron/app/renderer-files.js';

export const RENDERER_DIR = resolve(import.meta.dirname, '../../dist/renderer');

export async function serveRenderer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const f = await rendererFile(RENDERER_DIR, url.pathname);
    res.writeHead(f.status, f.headers);
    res.end(f.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
