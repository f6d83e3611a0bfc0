/** Minimal HTTPS client for the lab (Node `https` with the lab CA; no keep-alive). */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpsRequest {
  url: string | URL;
  method?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** PEM CA certificate(s) or a path to them (read once and cached). */
  ca: string;
  timeoutMs?: number;
}

const caCache = new Map<string, string>();

function loadCa(ca: string): string {
  if (ca.includes('-----BEGIN')) return ca;
  let pem = caCache.get(ca);
  if (pem === undefined) {
    pem = readFileSync(ca, 'utf8');
    caCache.set(ca, pem);
  }
  return pem;
}

/** Sends one request and buffers the whole response. */
export function httpsRequest(req: HttpsRequest): Promise<HttpsResponse> {
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  const headers: Record<string, string | number> = { ...req.headers };
  if (body) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const r = request(url, { method: req.method ?? 'GET', headers, ca: loadCa(req.ca), agent: false, timeout: req.timeoutMs ?? 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method ?? 'GET'} ${url.href}`)));
    r.on('error', reject);
    r.end(body);
  });
}
