import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenKeyIds, canonicalIdOfDer } from './hardware-tokens.js';
import { makeSoftHsm, softHsmAvailable } from '../../../../tests/support/softhsm.js';

const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const workerBuilt = existsSync(join(import.meta.dirname, '../../../../dist/electron/signer/worker.js'));
const hasTools = softHsmAvailable() && onPath('pkcs11-tool') && onPath('softhsm2-util') && workerBuilt;

describe('hardware token key IDs', () => {
  it.skipIf(!workerBuilt)('no modules: no work, no warnings; a broken module is a warning', async () => {
    expect(await tokenKeyIds([])).toEqual({ keyIds: new Set(), warnings: [] });
    const r = await tokenKeyIds(['/nonexistent/libpkcs11.so']);
    expect(r.keyIds.size).toBe(0);
    expect(r.warnings[0]).toMatch(/cannot use PKCS#11 module .*cannot open shared object file/);
  });

  it.skipIf(!hasTools)('finds the canonical ID of a key made on a SoftHSM token by another tool, without a PIN', async () => {
    const hsm = makeSoftHsm(['td']);
    try {
      const env = { ...process.env, ...hsm.env };
      execFileSync(
        'pkcs11-tool',
        [
          '--module',
          hsm.module,
          '--token-label',
          'td',
          '--login',
          '--pin',
          '1234',
          '--keypairgen',
          '--key-type',
          'EC:prime256v1',
          '--id',
          '0a',
          '--label',
          'root',
        ],
        { env, stdio: 'ignore' },
      );
      const der = join(mkdtempSync(join(tmpdir(), 'trustdesk-pub-')), 'pub.der');
      execFileSync(
        'pkcs11-tool',
        ['--module', hsm.module, '--token-label', 'td', '--read-object', '--type', 'pubkey', '--id', '0a', '--output-file', der],
        { env, stdio: 'ignore' },
      );
      const expected = canonicalIdOfDer(readFileSync(der), 'pubkey');
      const r = await tokenKeyIds([hsm.module], { env });
      expect(r.warnings, r.warnings.join('\n')).toEqual([]);
      expect([...r.keyIds]).toEqual([expected]);
    } finally {
      hsm.cleanup();
    }
  });
});
