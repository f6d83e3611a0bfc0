/**
 * A SoftHSM token holding the public key of a lab repository's root key, configured in Settings as a
 * PKCS#11 module: the Administrative keys view says a hardware token holds the root key.
 * Skips where SoftHSM or OpenSC's pkcs11-tool is not installed (scripts/setup.sh installs both).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, labHandlers, bridge } from './support/fixtures.js';

const SOFTHSM = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const available = SOFTHSM !== undefined && onPath('pkcs11-tool') && onPath('softhsm2-util');

test('a root key whose public key is on a configured token is shown as held by the hardware token', async ({ page, context, lab, origin }) => {
  test.skip(!available, 'SoftHSM2 or pkcs11-tool is not installed');
  const gun = lab.scenarios.team.gun;
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-hsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'lab', '--so-pin', '0000', '--pin', '1234'], { env, stdio: 'ignore' });
  // the root key's public key, from the root.json the lab's docker and notary CLIs cached
  const root = JSON.parse(readFileSync(join(lab.dockerConfigDir, 'trust', 'tuf', gun, 'metadata', 'root.json'), 'utf8'));
  const rootKey = root.signed.keys[root.signed.roles.root.keyids[0]];
  const cert = new X509Certificate(Buffer.from(rootKey.keyval.public, 'base64').toString('utf8'));
  const pub = join(dir, 'root-pub.der');
  writeFileSync(pub, cert.publicKey.export({ type: 'spki', format: 'der' }));
  execFileSync(
    'pkcs11-tool',
    [
      '--module',
      SOFTHSM!,
      '--token-label',
      'lab',
      '--login',
      '--pin',
      '1234',
      '--write-object',
      pub,
      '--type',
      'pubkey',
      '--id',
      '01',
      '--label',
      'root',
    ],
    { env, stdio: 'ignore' },
  );

  const handlers = await labHandlers(lab, { env });
  await handlers.invoke('settings:update', { pkcs11Modules: [SOFTHSM!] });
  await bridge(context, handlers, origin);
  await page.goto(`${origin}/#/repo/${encodeURIComponent(gun)}/keys`);
  await expect(page.getByRole('region', { name: 'Root' })).toContainText('A hardware token on this machine');
  await expect(page.getByRole('region', { name: 'Targets (Repository key)' })).not.toContainText('hardware token');
});
