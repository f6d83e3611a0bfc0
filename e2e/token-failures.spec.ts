/**
 * Token failures in the app (issue 15), with the real handlers, the PIN dialog and SoftHSM2 behind
 * the tests' fake PKCS#11 module (tests/support/pkcs11-shim/shim.c), which answers as a locked,
 * final-try or removed token when told: a cancelled dialog, a wrong PIN, a locked PIN (the dialog
 * says so and takes no PIN), a final try (the dialog says so), and a token pulled out while a root
 * key file is put on two tokens. Each leaves the repository (the server's metadata and `notary list`,
 * read with the real notary CLI), the trust directory (every file byte for byte) and the tokens'
 * objects (read with OpenSC's pkcs11-tool straight from SoftHSM2) as they were, and says what to do.
 * Skips where SoftHSM2, gcc or the built worker is missing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test, expect, appOnTokens, seriousAxeViolations, skipWithoutTokens } from './support/fixtures.js';
import type { LabInfo } from './support/lab-info.js';
import { makeSoftHsm, pkcs11ShimBuildable, SOFTHSM_MODULE, type SoftHsm } from '../tests/support/softhsm.js';
import { KeyRing } from '../electron/core/signing/signer.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PIN_A = 'e2e-fail-pin-a';
const PIN_B = 'e2e-fail-pin-b';
const PASS = 'e2e token failures passphrase 42';

/** Every file under `dir` with the SHA-256 of its bytes (and its mode). */
function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(st.mode & 0o777).toString(8)}`;
    }
  };
  walk(dir);
  return out;
}

/** The objects on a token as OpenSC's pkcs11-tool lists them, read from SoftHSM2 itself (not through the fake module). */
function tokenObjects(hsm: SoftHsm, label: string, pin: string): string {
  return execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, '--list-objects'], {
    env: { ...process.env, SOFTHSM2_CONF: hsm.conf },
  }).toString();
}

function fetchText(url: string, caFile: string): Promise<string> {
  return new Promise((ok, fail) => {
    get(url, { ca: readFileSync(caFile) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok(`${res.statusCode} ${body}`));
    }).on('error', fail);
  });
}

/** The repository as the server has it: its root and timestamp metadata, and `notary list` from a fresh trust dir. */
async function repositoryState(lab: LabInfo, gun: string): Promise<{ root: string; timestamp: string; list: string }> {
  const base = `${lab.notaryUrl}/v2/${gun}/_trust/tuf`;
  const list = execFileSync(
    'notary',
    ['-s', lab.notaryUrl, '--tlscacert', lab.caFile, '-d', mkdtempSync(join(tmpdir(), 'td-e2e-notary-')), 'list', gun],
    {
      env: { ...process.env, ...lab.env },
    },
  ).toString();
  return { root: await fetchText(`${base}/root.json`, lab.caFile), timestamp: await fetchText(`${base}/timestamp.json`, lab.caFile), list };
}

test('token failures: cancel, wrong PIN, locked, final try, removed while importing into two tokens — nothing changes, and the app says what to do', async ({
  page,
  context,
  lab,
  origin,
}) => {
  skipWithoutTokens();
  test.skip(!pkcs11ShimBuildable(), 'gcc or p11-kit pkcs11.h is missing: the fake PKCS#11 module cannot be built');
  test.setTimeout(180_000);
  const hsm = makeSoftHsm([], { shim: true });
  try {
    hsm.addToken('token-a', PIN_A);
    hsm.addToken('token-b', PIN_B);
    const { trustDir } = await appOnTokens(lab, hsm, { context, origin, prefix: 'trustdesk-e2e-tokfail-' });
    const fileKey = (await new KeyRing(trustDir, { env: { NOTARY_ROOT_PASSPHRASE: PASS } }).generate({ role: 'root' })).keyId;

    const gun = lab.scenarios.app.gun;
    const snapshot = async () => ({
      repository: await repositoryState(lab, gun),
      trustDir: treeDigest(trustDir),
      tokenA: tokenObjects(hsm, 'token-a', PIN_A),
      tokenB: tokenObjects(hsm, 'token-b', PIN_B),
    });
    const start = await snapshot();
    expect(start.repository.root).toMatch(/^200 /);
    expect(start.repository.list).toContain('v1');
    const unchanged = async (what: string) => {
      const now = await snapshot();
      expect(now.repository, `${what}: the repository on the server`).toEqual(start.repository);
      expect(now.trustDir, `${what}: the trust directory, byte for byte`).toEqual(start.trustDir);
      expect(now.tokenA, `${what}: the objects on token-a`).toBe(start.tokenA);
      expect(now.tokenB, `${what}: the objects on token-b`).toBe(start.tokenB);
    };

    await page.goto(`${origin}/#/hardware`);
    const tokenA = page.getByRole('article', { name: 'Token token-a' });
    await expect(tokenA).toBeVisible();
    await tokenA.getByLabel('Repository for its root certificate (optional)').fill(gun);
    const generate = tokenA.getByRole('button', { name: 'Generate a root key on this token' });
    const dialogA = page.getByRole('dialog', { name: 'PIN for token “token-a”' });
    const alertA = tokenA.getByRole('alert');

    // 1. a cancelled dialog
    await generate.click();
    await expect(dialogA).toBeVisible();
    await dialogA.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialogA).toBeHidden();
    await expect(alertA).toContainText('The token PIN is needed');
    await expect(alertA).toContainText('Run the step again and enter the token PIN');
    await unchanged('cancelled dialog');

    // 2. a wrong PIN: the token refuses it, nothing is made
    await generate.click();
    await dialogA.getByLabel('PIN', { exact: true }).fill('0000-wrong');
    await dialogA.getByRole('button', { name: 'Unlock the token' }).click();
    await expect(alertA).toContainText('The token PIN is wrong');
    await expect(alertA).toContainText('Check the attempts left');
    await unchanged('wrong PIN');

    // 3. a locked PIN: the dialog says so in plain words and has no PIN field; closing it says how to unlock
    hsm.shim('locked', 'token-a');
    await generate.click();
    await expect(dialogA).toBeVisible();
    await expect(dialogA.getByRole('alert')).toContainText('PIN is locked after too many wrong tries');
    await expect(dialogA.getByRole('alert')).toContainText('Unlock the PIN with the SO PIN');
    await expect(dialogA.getByRole('textbox')).toHaveCount(0);
    await expect(dialogA.locator('input')).toHaveCount(0);
    await expect(dialogA.getByRole('button', { name: 'Unlock the token' })).toHaveCount(0);
    await expect(dialogA.getByRole('button', { name: 'Close' })).toBeFocused();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'token-locked.png') });
    await page.keyboard.press('Enter');
    await expect(dialogA).toBeHidden();
    await expect(alertA).toContainText('The token PIN is locked');
    await expect(alertA).toContainText('Unblock the PIN');
    await expect(alertA).toContainText('nothing was changed');
    await unchanged('locked PIN');

    // 4. a final try: the dialog warns that one more wrong PIN locks the token; cancelled by Escape
    hsm.shim('final-try', 'token-a');
    await generate.click();
    await expect(dialogA.getByRole('alert')).toContainText('Final try: one more wrong PIN locks this token.');
    await expect(dialogA.getByLabel('PIN', { exact: true })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialogA).toBeHidden();
    await expect(alertA).toContainText('The token PIN is needed');
    await unchanged('final try, cancelled');
    // a wrong PIN on the final try: the message says the next one locks the token
    await generate.click();
    await dialogA.getByLabel('PIN', { exact: true }).fill('0000-wrong');
    await page.keyboard.press('Enter');
    await expect(alertA).toContainText('The token PIN is wrong');
    await expect(alertA).toContainText('the next wrong PIN locks the token');
    await unchanged('final try, wrong PIN');
    hsm.shim('normal');

    // 5. the second token pulled out while the root key file is being stored on it (the first has its copy
    //    already); the tokens come in the view's order (SoftHSM's slot order), so the second is named once asked
    const imp = page.getByRole('region', { name: 'Put a root key file on tokens' });
    await imp.getByLabel('Root key file', { exact: true }).selectOption(fileKey);
    await imp.getByRole('checkbox', { name: /token-a/ }).check();
    await imp.getByRole('checkbox', { name: /token-b/ }).check();
    await imp.getByLabel('Passphrase of the root key file').fill(PASS);
    const t0 = Date.now();
    await imp.getByRole('button', { name: 'Put the key on the chosen tokens' }).click();
    const first = page.getByRole('dialog', { name: /^PIN for token/ });
    await expect(first).toBeVisible();
    const firstLabel = ((await first.getByRole('heading').textContent()) ?? '').includes('token-a') ? 'token-a' : 'token-b';
    const second = firstLabel === 'token-a' ? 'token-b' : 'token-a';
    const pinOf = (label: string) => (label === 'token-a' ? PIN_A : PIN_B);
    // from now on, the second token goes away when its copy is written (the fake module reads this on every call)
    hsm.shim('remove-at-CreateObject', second);
    await first.getByLabel('PIN', { exact: true }).fill(pinOf(firstLabel));
    await page.keyboard.press('Enter');
    const dialog2 = page.getByRole('dialog', { name: `PIN for token “${second}”` });
    await expect(dialog2).toBeVisible();
    await dialog2.getByLabel('PIN', { exact: true }).fill(pinOf(second));
    await page.keyboard.press('Enter');
    await expect(dialog2).toBeHidden();
    const alertImp = imp.getByRole('alert');
    await expect(alertImp).toContainText('The hardware token was removed');
    expect(Date.now() - t0, 'a removed token fails in bounded time').toBeLessThan(60_000);
    await expect(alertImp).toContainText('Plug it in again and repeat');
    await expect(alertImp).toContainText(`token "${second}"`);
    await expect(alertImp).toContainText('the import was undone');
    await expect(alertImp).toContainText(`the copy on token "${firstLabel}"`);
    await expect(imp.getByRole('status')).toHaveCount(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await alertImp.locator('summary').click();
    await alertImp.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'token-removed.png') });
    expect(hsm.shimState()).toBe(`removed label=${second}`);
    // plugged back in: both tokens hold what they held before
    hsm.shim('normal');
    await unchanged('token removed while importing');

    for (const secret of [PIN_A, PIN_B, PASS]) await expect(page.locator('body')).not.toContainText(secret);
  } finally {
    hsm.cleanup();
  }
});
