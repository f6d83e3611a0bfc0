import { describe, it, expect } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from './http-client.js';

describe('HttpClient in offline (air-gapped) mode', () => {
  it('refuses every request before a connection is made; the same client online connects', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
    try {
      const off = new HttpClient({ allowHttp: true, offline: true });
      await expect(off.request({ url, maxBytes: 100 })).rejects.toMatchObject({
        code: 'NETWORK_UNREACHABLE',
        message: expect.stringContaining('online machine'),
      });
      await expect(off.request({ url, method: 'POST', body: Buffer.from('x'), maxBytes: 100 })).rejects.toMatchObject({
        code: 'NETWORK_UNREACHABLE',
      });
      off.close();
      expect(connections).toBe(0);
      const on = new HttpClient({ allowHttp: true });
      expect((await on.request({ url, maxBytes: 100 })).status).toBe(200);
      on.close();
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });
});
