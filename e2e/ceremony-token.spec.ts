/**
 * The whole root ceremony on hardware tokens, through the app only (issue 15, "Done when"): the real
 * handlers over the e2e bridge, the real lab, two SoftHSM2 tokens; no trustdesk CLI, and the
 * environment's TRUSTDESK_TOKEN_PIN is WRONG on purpose (the app asks in its PIN dialog, never reads it).
 *   generate a root for token A (with an encrypted copy for the backups) → new repository with that root
 *   → sign a tag → the root backed up into token B and as 3-of-5 shares (their sheets as a PDF) → drill from 3 shares → the key
 *   file removed (the tokens and shares are the backups) → rotation request online → air-gapped mode:
 *   the bundle signed by the token, no socket opened → online again: simulated, published
 *   → docker trust inspect and notary list, with the OLD root cached, verify the repository; then the
 *   rotation wizard's other way: the root rotated onto a new key made on token C, verified the same way.
 * One screenshot per step: docs/screenshots/ceremony-token-<nn>-<step>.png.
 */
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { dockerTrust, notary, pushImage, writeDockerConfig } from '../lab/index.js';
import { createHandlers } from '../electron/app/handlers.js';
import { SettingsStore } from '../electron/app/settings-store.js';
import { makeSoftHsm } from '../tests/support/softhsm.js';
import { test, expect, bridge, seriousAxeViolations, skipWithoutTokens, DialogStub, playwrightPdfPrinter } from './support/fixtures.js';

const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PINS: Record<string, string> = {
  'token-a': 'ceremony-pin-token-a-2718',
  'token-b': 'ceremony-pin-token-b-3141',
  'token-c': 'ceremony-pin-token-c-1414',
};
const PASS = 'ceremony root copy passphrase 1618';
const NEW_PASS = 'ceremony new root passphrase 5772';
const shot = (page: Page, nn: string, step: string) => page.screenshot({ path: join(SHOTS, `ceremony-token-${nn}-${step}.png`), fullPage: true });

/** Answers each PIN dialog that opens (with its token's PIN) until `done` shows; returns the tokens asked, in order. */
async function answerPins(page: Page, done: Locator): Promise<string[]> {
  const dialog = page.getByRole('dialog', { name: /^PIN for token/ });
  const asked: string[] = [];
  for (let i = 0; i < 8; i++) {
    await expect(dialog.or(done).or(page.getByRole('alert')).first()).toBeVisible({ timeout: 60_000 });
    if (await done.isVisible()) return asked;
    if (!(await dialog.isVisible())) break; // an error: the assertion below says which
    const heading = (await dialog.getByRole('heading').first().textContent()) ?? '';
    const label = Object.keys(PINS).find((l) => heading.includes(`“${l}”`))!;
    expect(label, heading).toBeDefined();
    asked.push(label);
    await dialog.getByLabel('PIN', { exact: true }).fill(PINS[label]!);
    await dialog.getByRole('button', { name: 'Unlock the token' }).click();
    await expect(dialog).toBeHidden();
  }
  await expect(done).toBeVisible();
  return asked;
}

/** Counts every outgoing socket connect (TCP, TLS, IPC) this process makes while counting. */
function socketCounter() {
  const connect = net.Socket.prototype.connect;
  const seen: string[] = [];
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    seen.push(JSON.stringify(args[0]));
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  return { seen, stop: () => void (net.Socket.prototype.connect = connect) };
}

test.use({ actionTimeout: 30_000 });

interface Inspected {
  SignedTags: { SignedTag: string; Digest: string }[];
  AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[];
}

test('Root ceremony on tokens, in the app only: token root, tag, backups, drill, air-gapped rotation; docker and notary verify', async ({
  page,
  context,
  browser,
  lab,
  origin,
}) => {
  skipWithoutTokens();
  test.setTimeout(420_000);
  const hsm = makeSoftHsm();
  try {
    hsm.addToken('token-a', PINS['token-a']);
    hsm.addToken('token-b', PINS['token-b']);
    hsm.addToken('token-c', PINS['token-c']);
    const hosts = [new URL(lab.notaryUrl).host, lab.registryHost];
    const configDir = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-tok-')), 'docker');
    await writeDockerConfig(configDir, lab.caFile, hosts);
    const usb = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-tok-usb-'));
    const repo = `lab/ceremony-token-${Date.now()}`;
    const gun = `${lab.registryHost}/${repo}`;
    const v1 = await pushImage({ registryUrl: `https://${lab.registryHost}`, caFile: lab.caFile }, repo, 'v1');

    // the app: no passphrase and a WRONG token PIN in its environment
    const env: NodeJS.ProcessEnv = { ...process.env, ...hsm.env, TRUSTDESK_TOKEN_PIN: 'wrong-pin-from-the-environment' };
    for (const k of Object.keys(env)) if (/PASSPHRASE|DOCKER_CONTENT_TRUST_SERVER/.test(k)) delete env[k];
    const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-userdata-')));
    await settings.update({
      dockerConfigDir: configDir,
      trustServers: { [lab.registryHost]: lab.notaryUrl },
      caFiles: { [lab.registryHost]: lab.caFile },
      pkcs11Modules: [hsm.module],
    });
    // the system's file dialogs: the e2e stub answers each "Choose …" with the path queued here
    const dialogs = new DialogStub(usb);
    const handlers = createHandlers({
      settings,
      version: 'e2e',
      openExternal: async () => undefined,
      env,
      dialogs,
      pdfPrinter: playwrightPdfPrinter(browser),
    });
    await bridge(context, handlers, origin);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const asked: string[] = [];

    // 1. a root key for token A, with an encrypted copy kept for the backups
    await page.goto(`${origin}/#/hardware`);
    const tokenA = page.getByRole('article', { name: 'Token token-a' });
    await expect(tokenA).toBeVisible();
    await tokenA.getByRole('checkbox', { name: /Keep an encrypted copy to back it up/ }).check();
    await tokenA.getByLabel('Passphrase of the encrypted copy', { exact: true }).fill(PASS);
    await tokenA.getByRole('button', { name: 'Generate a root key on this token' }).click();
    const generated = tokenA.getByRole('status').filter({ hasText: 'Root key' });
    asked.push(...(await answerPins(page, generated)));
    await expect(generated).toContainText('is kept for the backups');
    await generated.scrollIntoViewIfNeeded();
    const keyId = /private\/([0-9a-f]{64})\.key/.exec((await generated.textContent()) ?? '')![1]!;
    const places = page.getByRole('table', { name: 'Where each root key lives' });
    const keyRow = places.getByRole('row').filter({ hasText: keyId.slice(0, 12) });
    await expect(keyRow).toContainText(/token-a \(serial \w+\)/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, '01', 'generate-on-token-a');

    // 2. a new repository whose root is that key on token A
    await page.goto(`${origin}/#/repo/${encodeURIComponent(gun)}/publish`);
    await page.getByRole('radio', { name: /A root key on a hardware token/ }).check();
    const tokenSelect = page.locator('.init-root select');
    await expect(tokenSelect).toContainText('token-a');
    await tokenSelect.selectOption((await tokenSelect.locator('option', { hasText: 'token-a' }).getAttribute('value'))!);
    await page.getByLabel('Passphrase for the root key and the new targets key').fill(PASS);
    await page.getByRole('button', { name: 'Initialise' }).click();
    // once published the panel gives way to the repository's trust data (a root to pin)
    const initialised = page
      .getByRole('status')
      .filter({ hasText: 'Initialised.' })
      .or(page.getByRole('button', { name: 'Pin current root…' }));
    asked.push(...(await answerPins(page, initialised)));
    await expect(page.locator('#init-title')).toHaveCount(0);
    await page.goto(`${origin}/#/repo/${encodeURIComponent(gun)}/keys`);
    await expect(page.getByRole('region', { name: 'Root' })).toContainText('A hardware token on this machine');
    await shot(page, '02', 'new-repository-token-root');
    await page.goto(`${origin}/#/repo/${encodeURIComponent(gun)}/publish`);

    // 3. a tag signed (the new targets key, its passphrase typed in the app)
    await page.getByRole('button', { name: 'Sign v1' }).click();
    await expect(page.getByRole('alertdialog')).toContainText(v1.digest);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Stage it' }).click();
    await page.getByLabel('Key passphrase (if the environment does not provide it)').fill(PASS);
    await page.getByRole('button', { name: 'Preview the exact change' }).click();
    await expect(page.getByLabel('Exact metadata change')).toContainText(v1.digest);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Published' })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('row').filter({ hasText: 'v1' }).getByRole('cell').nth(2)).toHaveText(/^signed/);
    await shot(page, '03', 'tag-signed');

    // the real CLIs cache this (old) root now: a docker config and a notary trust dir of their own
    const cliTarget = {
      notaryUrl: lab.notaryUrl,
      trustDir: mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-tok-notary-')),
      caFile: lab.caFile,
      env: lab.env,
    };
    const dockerDir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-tok-dockercli-'));
    await writeDockerConfig(dockerDir, lab.caFile, hosts);
    const inspect = async () =>
      (JSON.parse((await dockerTrust(cliTarget, ['inspect', gun], { env: { DOCKER_CONFIG: dockerDir } })).stdout) as Inspected[])[0]!;
    const before = await inspect();
    expect(before.SignedTags.map((t) => [t.SignedTag, `sha256:${t.Digest}`])).toEqual([['v1', v1.digest]]);
    const oldRootId = before.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID;
    expect((await notary(cliTarget, ['list', gun])).stdout).toContain('v1');
    expect(existsSync(join(dockerDir, 'trust', 'tuf', gun, 'metadata', 'root.json')), 'docker cached the old root').toBe(true);

    // 4. the root backed up into token B: both copies sign and verify
    await page.goto(`${origin}/#/hardware`);
    const imp = page.getByRole('region', { name: 'Put a root key file on tokens' });
    await imp.getByLabel('Root key file', { exact: true }).selectOption(keyId);
    await imp.getByRole('checkbox', { name: /token-b/ }).check();
    await imp.getByLabel('Passphrase of the root key file').fill(PASS);
    await imp.getByRole('button', { name: 'Put the key on the chosen tokens' }).click();
    const checks = imp.getByRole('list', { name: 'Copy checks' });
    asked.push(...(await answerPins(page, checks)));
    await expect(checks.getByRole('listitem')).toHaveCount(2);
    await expect(checks).toContainText(/token "token-a".*signs, and the signature verifies/);
    await expect(checks).toContainText(/token "token-b".*signs, and the signature verifies/);
    await expect(keyRow).toContainText(/token-a \(serial \w+\), token-b \(serial \w+\)/);
    await expect(keyRow).toContainText(gun);
    await imp.scrollIntoViewIfNeeded();
    await shot(page, '04', 'backup-into-token-b');

    // 5. ... and as 3-of-5 shares of the encrypted key
    await page.goto(`${origin}/#/ceremony`);
    const backup = page.getByRole('region', { name: 'Step 1: Export the root key, encrypted, to a removable medium' });
    await backup.getByLabel('Root key ID').fill(keyId.slice(0, 12));
    dialogs.answer(usb);
    await backup.getByRole('button', { name: 'Choose Directory on the removable medium' }).click();
    await expect(backup.getByLabel('Directory on the removable medium')).toHaveValue(usb);
    await backup.getByRole('button', { name: 'Export backup' }).click();
    await expect(backup).toContainText('5 share pages to print (any 3 rebuild the key)');
    expect(readdirSync(usb).filter((f) => /^share-\d-of-5\.txt$/.test(f))).toHaveLength(5);
    // the printable sheets as one PDF (Chromium's print-to-PDF), saved where the dialog says
    const sheets = backup.getByRole('region', { name: 'Share sheets' });
    const pdf = join(usb, 'share-sheets.pdf');
    dialogs.answer(pdf);
    await sheets.getByRole('button', { name: 'Save share sheets as PDF…' }).click();
    await expect(sheets.getByLabel('Share sheets written')).toContainText(`5 share sheets written to ${pdf}`, { timeout: 90_000 });
    expect(statSync(pdf).mode & 0o777).toBe(0o600);
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/^Pages:\s+5$/m);
    await sheets.scrollIntoViewIfNeeded();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, '05', 'backup-shares-3-of-5');

    // 6. the drill from 3 shares: the rebuilt key is the repository's root key
    const drill = page.getByRole('region', { name: 'Step 2: Restore drill: rebuild the key in memory and check it' });
    const three = [1, 3, 5].map((i) => join(usb, `share-${i}-of-5.txt`));
    dialogs.answer(...three);
    await drill.getByRole('button', { name: 'Choose Share files (one per line)' }).click();
    await expect(drill.getByLabel('Share files (one per line)')).toHaveValue(three.join('\n'));
    await drill.getByLabel('Repositories that use this root key').fill(gun);
    await drill.getByLabel('Root key passphrase').fill(PASS);
    await drill.getByRole('button', { name: 'Run the drill' }).click();
    await expect(drill.getByLabel('Drill result')).toContainText(`Backed up: root key ${keyId.slice(0, 12)}`);
    await expect(drill.getByLabel('Drill result')).toContainText(`${gun} root version 1`);
    await shot(page, '06', 'drill-from-3-shares');

    // 7. the tokens and the shares are the backups: the key file leaves this machine
    await page.goto(`${origin}/#/keys`);
    await page.getByRole('button', { name: `Remove key ${keyId.slice(0, 12)}` }).click();
    await page
      .getByRole('dialog', { name: `Remove key ${keyId.slice(0, 12)}` })
      .getByRole('button', { name: 'Remove the key' })
      .click();
    await expect(page.getByRole('table', { name: 'Removed keys' }).locator(`tr[data-key-id="${keyId}"]`)).toBeVisible();
    expect(readdirSync(join(configDir, 'trust', 'private')).filter((f) => f.startsWith(keyId))).toEqual([]);
    await shot(page, '07', 'key-file-removed');

    // 8. online: a new root key file, the pre-flight and the signing request
    await page.goto(`${origin}/#/ceremony`);
    await page.getByRole('tab', { name: 'Root rotation' }).click();
    const pre = page.getByRole('region', { name: 'Step 1: Pre-flight and the signing request' });
    await pre.getByLabel('Repository').fill(gun);
    await pre.getByLabel('Passphrase for a new root key file', { exact: true }).fill(NEW_PASS);
    await pre.getByRole('button', { name: 'Generate a new root key file' }).click();
    await expect(pre.getByRole('status')).toContainText('New root key');
    const newKey = await pre.getByLabel('New root key ID (backed up, drill passed)').inputValue();
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    dialogs.answer(join(usb, 'request.json'));
    await pre.getByRole('button', { name: 'Choose Write the request bundle to' }).click();
    await expect(pre.getByLabel('Write the request bundle to')).toHaveValue(join(usb, 'request.json'));
    await pre.getByLabel('New root key passphrase').fill(NEW_PASS);
    await pre.getByRole('checkbox', { name: /no drill-passed backup yet/ }).check();
    await pre.getByRole('button', { name: 'Check and write the request' }).click();
    await expect(pre.getByLabel('Pre-flight', { exact: true })).toContainText('version 1 -> 2');
    const requestHash = /sha256 ([0-9a-f]{64})/.exec((await pre.getByLabel('Pre-flight', { exact: true }).textContent()) ?? '')![1]!;
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, '08', 'rotation-request');

    // 9. air-gapped: the Settings switch; then no socket at all while the token signs the bundle
    await page.goto(`${origin}/#/settings`);
    await page.getByRole('checkbox', { name: /Offline mode \(air-gapped\)/ }).check();
    await page.getByRole('button', { name: /Save/ }).click();
    await expect(page).toHaveTitle('TrustDesk — air-gapped (offline mode)');
    const sockets = socketCounter();
    try {
      await page.goto(`${origin}/#/ceremony`);
      await page.getByRole('tab', { name: 'Air-gapped signing' }).click();
      const open = page.getByRole('region', { name: 'Step 1: Open the signing request (networking may stay off)' });
      dialogs.answer(join(usb, 'request.json'));
      await open.getByRole('button', { name: 'Choose Request bundle' }).click();
      await expect(open.getByLabel('Request bundle')).toHaveValue(join(usb, 'request.json'));
      await open.getByRole('button', { name: 'Open and check' }).click();
      const what = open.getByLabel('What will be signed');
      await expect(what).toContainText(`Root rotation of ${gun}`);
      await expect(what).toContainText(requestHash);
      await open.getByLabel('I compared the hash with the one shown on the online machine').check();
      const sign = page.getByRole('region', { name: 'Step 2: Sign with the root key file or token' });
      await expect(sign.getByLabel(/PIN/)).toHaveCount(0);
      dialogs.answer(join(usb, 'signed.json'));
      await sign.getByRole('button', { name: 'Choose Write the signed bundle to' }).click();
      await expect(sign.getByLabel('Write the signed bundle to')).toHaveValue(join(usb, 'signed.json'));
      await sign.getByRole('button', { name: 'Sign', exact: true }).click();
      const pinDialog = page.getByRole('dialog', { name: /^PIN for token/ });
      await expect(pinDialog).toBeVisible();
      await expect(pinDialog).toContainText(keyId.slice(0, 7));
      expect(await seriousAxeViolations(page)).toEqual([]);
      await shot(page, '09', 'air-gapped-pin-dialog');
      const signed = sign.getByText('Signed by');
      asked.push(...(await answerPins(page, signed)));
      await expect(sign).toContainText('Take it back to the online machine');
      await sign.scrollIntoViewIfNeeded();
      await shot(page, '10', 'air-gapped-signed');
      // the online half is refused here, before any connection
      await page.getByRole('tab', { name: 'Root rotation' }).click();
      const simOff = page.getByRole('region', { name: 'Step 2: Simulate the signed root as a fresh client and as old clients' });
      await simOff.getByLabel('Signed bundle').fill(join(usb, 'signed.json'));
      await simOff.getByRole('button', { name: 'Verify and simulate' }).click();
      await expect(simOff.getByRole('alert')).toContainText('offline mode');
      await page.getByRole('tab', { name: 'Air-gapped signing' }).click();
    } finally {
      sockets.stop();
    }
    expect(sockets.seen, 'no socket opened in air-gapped mode').toEqual([]);

    // 10. online again: verified, simulated as fresh and old clients, published and re-verified
    await page.goto(`${origin}/#/settings`);
    await page.getByRole('checkbox', { name: /Offline mode \(air-gapped\)/ }).uncheck();
    await page.getByRole('button', { name: /Save/ }).click();
    await expect(page).toHaveTitle('TrustDesk');
    await page.goto(`${origin}/#/ceremony`);
    await page.getByRole('tab', { name: 'Root rotation' }).click();
    const sim = page.getByRole('region', { name: 'Step 2: Simulate the signed root as a fresh client and as old clients' });
    dialogs.answer(join(usb, 'signed.json'));
    await sim.getByRole('button', { name: 'Choose Signed bundle' }).click();
    await expect(sim.getByLabel('Signed bundle')).toHaveValue(join(usb, 'signed.json'));
    await sim.getByRole('button', { name: 'Verify and simulate' }).click();
    await expect(sim).toContainText('client that cached root version 1');
    const publish = page.getByRole('region', { name: 'Step 3: Publish, re-verify, write the rollback plan' });
    await publish.getByRole('button', { name: 'Publish root version 2' }).click();
    await expect(publish).toContainText('Published and verified from the server: root version 2', { timeout: 60_000 });
    await shot(page, '11', 'rotation-published');

    // 11. the real CLIs, with the old root cached, accept the rotated repository and its tag
    const after = await inspect();
    expect(after.SignedTags.map((t) => [t.SignedTag, `sha256:${t.Digest}`])).toEqual([['v1', v1.digest]]);
    expect(after.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID).not.toBe(oldRootId);
    const listed = (await notary(cliTarget, ['list', gun])).stdout;
    expect(listed).toContain('v1');
    expect(listed).toContain(v1.digest.slice(7));

    // 12. the wizard's other way: the root rotated onto a new key made on token C, the old root (the key file) signing here
    await page.goto(`${origin}/#/ceremony`);
    await page.getByRole('tab', { name: 'Root rotation' }).click();
    await page.getByRole('radio', { name: /A new root key on a hardware token/ }).check();
    const onto = page.getByRole('region', { name: 'Step 1: Rotate onto a new root key made on a hardware token' });
    await onto.getByLabel('Repository').fill(gun);
    const deviceSelect = onto.getByLabel('New root key on the token');
    await expect(deviceSelect).toContainText('token-c');
    await deviceSelect.selectOption((await deviceSelect.locator('option', { hasText: 'token-c' }).getAttribute('value'))!);
    await onto.getByLabel('Old root key passphrase (if it is a key file)').fill(NEW_PASS);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await onto.getByRole('button', { name: 'Rotate the root onto the token' }).click();
    const rotated = onto.getByRole('status').filter({ hasText: 'Published' });
    expect(await answerPins(page, rotated)).toEqual(['token-c']);
    await expect(rotated).toContainText(`the root of ${gun} is now on token-c`);
    await expect(rotated).toContainText('New root key');
    await shot(page, '12', 'rotated-onto-token-c');
    const third = await inspect();
    expect(third.SignedTags.map((t) => t.SignedTag)).toEqual(['v1']);
    const thirdRoot = third.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID;
    expect([oldRootId, after.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID]).not.toContain(thirdRoot);
    expect((await notary(cliTarget, ['list', gun])).stdout).toContain('v1');
    const doctor = (await handlers.invoke('hardware:doctor', {})) as {
      value: { rootKeys: { keyId: string; devices: string[]; certificates: { gun: string; certId: string }[] }[] };
    };
    const onC = doctor.value.rootKeys.find((k) => k.devices.some((d) => d.startsWith('token-c')))!;
    expect(onC.certificates.find((c) => c.gun === gun)?.certId).toBe(thirdRoot);

    // the PINs came from the dialog: token A for the generation, the new repository and the air-gapped signature, token B for its copy
    expect(new Set(asked)).toEqual(new Set(['token-a', 'token-b']));
    expect(asked.filter((l) => l === 'token-a').length, 'token A: generation, new repository, air-gapped signature').toBeGreaterThanOrEqual(3);
    for (const secret of [...Object.values(PINS), PASS, NEW_PASS]) await expect(page.locator('body')).not.toContainText(secret);
    expect(dialogs.pending, 'every path was chosen through a dialog').toBe(0);
    expect(errors).toEqual([]);
  } finally {
    hsm.cleanup();
  }
});
