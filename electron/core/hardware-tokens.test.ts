import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseObjects, parseSlots, tokenKeyIds, canonicalIdOfDer } from './hardware-tokens.js';

const SOFTHSM = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const hasTools = SOFTHSM !== undefined && onPath('pkcs11-tool') && onPath('softhsm2-util');

describe('hardware token key IDs', () => {
  it('parses pkcs11-tool slot and object listings', () => {
    expect(parseSlots('Available slots:\nSlot 0 (0x3b20d8b6): SoftHSM slot ID 0x3b20d8b6\n  token label : x\nSlot 1 (0x1): other\n  token label : y\nSlot 2 (0x2): SoftHSM\n  token state:   uninitialized\n')).toEqual(['0x3b20d8b6', '0x1']);
    const objects = parseObjects(
      'Public Key Object; EC  EC_POINT 256 bits\n  EC_POINT:   0441\n  label:      root\n  ID:         01\n  Usage:      verify\nCertificate Object; type = X.509 cert\n  label:      c\n  ID:         A0b1\nData object 1\n  ID:         ff\n',
    );
    expect(objects).toEqual([
      { type: 'pubkey', id: '01' },
      { type: 'cert', id: 'a0b1' },
    ]);
  });

  it('no modules: no work, no warnings; a broken module is a warning', async () => {
    expect(await tokenKeyIds([])).toEqual({ keyIds: new Set(), warnings: [] });
    const r = await tokenKeyIds(['/nonexistent/libpkcs11.so'], { tool: hasTools ? 'pkcs11-tool' : '/nonexistent/pkcs11-tool' });
    expect(r.keyIds.size).toBe(0);
    expect(r.warnings[0]).toMatch(/cannot use PKCS#11 module/);
  });

  it.skipIf(!hasTools)('finds the canonical ID of a key generated on a SoftHSM token, without a PIN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-softhsm-'));
    mkdirSync(join(dir, 'tokens'));
    const conf = join(dir, 'softhsm2.conf');
    writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const env = { ...process.env, SOFTHSM2_CONF: conf };
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'td', '--so-pin', '0000', '--pin', '1234'], { env, stdio: 'ignore' });
    execFileSync('pkcs11-tool', ['--module', SOFTHSM!, '--token-label', 'td', '--login', '--pin', '1234', '--keypairgen', '--key-type', 'EC:prime256v1', '--id', '0a', '--label', 'root'], { env, stdio: 'ignore' });
    const der = join(dir, 'pub.der');
    execFileSync('pkcs11-tool', ['--module', SOFTHSM!, '--token-label', 'td', '--read-object', '--type', 'pubkey', '--id', '0a', '--output-file', der], { env, stdio: 'ignore' });
    const expected = canonicalIdOfDer(readFileSync(der), 'pubkey');
    const r = await tokenKeyIds([SOFTHSM!], { env });
    expect(r.warnings, r.warnings.join("\n")).toEqual([]);
    expect([...r.keyIds]).toEqual([expected]);
  });
});
