/**
 * The Hardware keys view with the real handlers: a SoftHSM2 token (a real PKCS#11 module) holding a
 * root key generated on it through TrustDesk's PKCS#11 worker, with its root certificate, plus a
 * module path that does not exist: the doctor's report shows the module loading, the token, the key
 * (ECDSA P-256, generated on the token), the certificate (CN = GUN), the missing module with what
 * to do, and the token key recorded in the trust dir. Skips where SoftHSM2 is not installed.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect, labHandlers, bridge, seriousAxeViolations, skipWithoutTokens } from './support/fixtures.js';
import { makeSoftHsm } from '../tests/support/softhsm.js';
import { TokenAccess } from '../electron/core/signing/token/tokens.js';
import { forkTransport } from '../electron/core/signing/token/client.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PIN = 'e2e-hardware-pin';

test('Hardware keys: the token doctor shows the module, the token, a root key generated on it, its certificate and a missing module', async ({
  page,
  context,
  lab,
  origin,
}) => {
  skipWithoutTokens();
  const hsm = makeSoftHsm();
  try {
    hsm.addToken('release-root', PIN);
    const configDir = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-hw-')), 'docker');
    cpSync(lab.dockerConfigDir, configDir, { recursive: true });
    const env = { ...process.env, ...hsm.env };
    const gun = `${lab.registryHost}/e2e/hardware`;
    const access = new TokenAccess({
      trustDir: join(configDir, 'trust'),
      env: { TRUSTDESK_TOKEN_PIN: PIN },
      transport: forkTransport(undefined, env),
    });
    const key = await access.generate({ module: hsm.module, token: { label: 'release-root' } });
    await access.rootCertificate(key, gun, new Date());
    access.close();

    const handlers = await labHandlers({ ...lab, dockerConfigDir: configDir }, { env });
    await handlers.invoke('settings:update', { pkcs11Modules: [hsm.module, '/nonexistent/libykcs11.so'] });
    await bridge(context, handlers, origin);
    await page.goto(`${origin}/#/hardware`);
    await expect(page.getByRole('heading', { name: 'Hardware keys', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Hardware keys' })).toHaveAttribute('aria-current', 'page');

    const module = page.getByRole('region', { name: `Module ${hsm.module}` });
    await expect(module.getByRole('list', { name: `Module checks for ${hsm.module}` })).toContainText('Module loads');
    const token = module.getByRole('article', { name: 'Token release-root' });
    const keys = token.getByRole('table', { name: 'Keys' });
    await expect(keys.getByRole('row').filter({ hasText: key.keyId.slice(0, 12) })).toContainText('EC P-256');
    await expect(keys.getByRole('row').filter({ hasText: key.keyId.slice(0, 12) })).toContainText('generated on the token');
    await expect(token.getByRole('table', { name: 'Certificates' })).toContainText(`CN=${gun}`);
    await expect(token.getByRole('list', { name: 'Checks for token release-root' })).toContainText('PIN not locked');

    const missing = page.getByRole('region', { name: 'Module /nonexistent/libykcs11.so' });
    await expect(missing).toContainText('The module does not load');
    await expect(missing).toContainText('Install Yubico');

    const recorded = page.getByRole('table').filter({ hasText: 'Repositories' });
    await expect(recorded.getByRole('row').filter({ hasText: key.keyId.slice(0, 12) })).toContainText('generated on the token');
    await expect(recorded).toContainText(gun);
    await expect(page.getByRole('list', { name: 'Token key records' })).toContainText('exists on one token only');
    await expect(page.locator('body')).not.toContainText(PIN);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'hardware-keys.png'), fullPage: true });
  } finally {
    hsm.cleanup();
  }
});
