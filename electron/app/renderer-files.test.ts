import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rendererFile } from './renderer-files.js';

describe('renderer files', () => {
  const root = mkdtempSync(join(tmpdir(), 'trustdesk-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'a.js'), 'x');
  writeFileSync(join(root, '..', 'outside.js'), 'secret');

  it('serves the built files with the CSP header', async () => {
    const f = await rendererFile(root, '/');
    expect(f.status).toBe(200);
    expect(f.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await rendererFile(root, '/assets/a.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('refuses paths outside the renderer, unknown types and bad encodings', async () => {
    for (const p of ['/../outside.js', '/%2e%2e/outside.js', '/assets/%00.js', '/%E0%A4%A', '/index.exe', '/missing.js']) {
      expect((await rendererFile(root, p)).status, p).toBe(404);
    }
  });
});
