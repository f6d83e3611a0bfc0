/**
 * The Ceremonies view on the real lab, with an online and an offline trust dir (the offline app in
 * offline mode): root backup with 3-of-5 shares and the restore drill from 3 shares, the rotation
 * pre-flight and request, air-gapped signing (what is signed, then signed with the old root key),
 * simulation, publish and the ceremony log. One screenshot per wizard step in docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDockerConfig } from '../lab/index.js';
import { createHandlers, type Handlers } from '../electron/app/handlers.js';
import { SettingsStore } from '../electron/app/settings-store.js';
import { test, expect } from './support/fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/trustdesk.js');
const SHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const PASS = 'trustdesk-lab-passphrase';

test('Ceremonies: backup + drill, rotation request, offline signing, publish, log', async ({ page, context, origin, lab }) => {
  test.setTimeout(120_000);
  const hosts = [new URL(lab.notaryUrl).host, lab.registryHost];
  const onlineDir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-on-'));
  const offlineDir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-cer-off-'));
  await writeDockerConfig(onlineDir, lab.caFile, hosts);
  await writeDockerConfig(offlineDir, lab.caFile, hosts);
  const usb = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-usb-'));
  const gun = `${lab.registryHost}/lab/ceremony-app`;
  const cli = (args: string[], config: string) =>
    execFileSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...lab.env, DOCKER_CONFIG: config }, encoding: 'utf8' });
  const oldRoot = /Generated new root key with ID ([0-9a-f]{64})/.exec(cli(['init', gun], onlineDir))![1]!;

  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/PASSPHRASE|DOCKER_CONTENT_TRUST_SERVER/.test(k)) delete env[k];
  const make = async (configDir: string, offline: boolean) => {
    const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-userdata-')));
    await settings.update({
      dockerConfigDir: configDir,
      trustServers: { [lab.registryHost]: lab.notaryUrl },
      caFiles: { [lab.registryHost]: lab.caFile },
      offline,
    });
    return createHandlers({ settings, version: 'e2e', openExternal: async () => undefined, env });
  };
  const online = await make(onlineDir, false);
  const offline = await make(offlineDir, true);
  let current: Handlers = online;
  const { bridge } = await import('./support/fixtures.js');
  await bridge(context, { invoke: (c, p) => current.invoke(c, p) }, origin);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/#/ceremony`);
  await expect(page.getByRole('heading', { name: 'Key ceremonies', level: 1 })).toBeVisible();

  // 1. root backup: encrypted file and 3-of-5 shares, then the drill from 3 shares
  const backup = page.getByRole('region', { name: 'Step 1: Export the root key, encrypted, to a removable medium' });
  await backup.getByLabel('Root key ID').fill(oldRoot.slice(0, 12));
  await backup.getByLabel('Directory on the removable medium').fill(usb);
  await backup.getByRole('button', { name: 'Export backup' }).click();
  await expect(backup.getByLabel('Backup written')).toContainText(`${oldRoot}.root.key`);
  await expect(backup).toContainText('5 share pages to print (any 3 rebuild the key)');
  await page.screenshot({ path: join(SHOTS, 'ceremony-backup-export.png'), fullPage: true });
  const drill = page.getByRole('region', { name: 'Step 2: Restore drill: rebuild the key in memory and check it' });
  await drill.getByLabel('Share files (one per line)').fill([1, 3, 5].map((i) => join(usb, `share-${i}-of-5.txt`)).join('\n'));
  await drill.getByLabel('Repositories that use this root key').fill(gun);
  await drill.getByLabel('Root key passphrase').fill(PASS);
  await drill.getByRole('button', { name: 'Run the drill' }).click();
  await expect(drill.getByLabel('Drill result')).toContainText(`Backed up: root key ${oldRoot.slice(0, 12)}`);
  await page.screenshot({ path: join(SHOTS, 'ceremony-backup-drill.png'), fullPage: true });

  // the old root key goes to the offline laptop; a new root key is made, backed up and drilled
  const keyFile = readdirSync(join(onlineDir, 'trust', 'private')).find((f) => f.startsWith(oldRoot))!;
  mkdirSync(join(offlineDir, 'trust', 'private'), { recursive: true, mode: 0o700 });
  copyFileSync(join(onlineDir, 'trust', 'private', keyFile), join(offlineDir, 'trust', 'private', keyFile));
  rmSync(join(onlineDir, 'trust', 'private', keyFile));
  const newRoot = /ID ([0-9a-f]{64})/.exec(cli(['root', 'generate'], onlineDir))![1]!;
  cli(['root', 'backup', newRoot.slice(0, 12), '--out', join(usb, 'new')], onlineDir);
  cli(['root', 'restore-drill', '--backup', join(usb, 'new', `${newRoot}.root.key`), '--expect-key', newRoot], onlineDir);

  // 2. rotation: pre-flight, the diff and the request
  await page.getByRole('tab', { name: 'Root rotation' }).click();
  const pre = page.getByRole('region', { name: 'Step 1: Pre-flight and the signing request' });
  await pre.getByLabel('Repository').fill(gun);
  await pre.getByLabel('New root key ID (backed up, drill passed)').fill(newRoot.slice(0, 12));
  await pre.getByLabel('Write the request bundle to').fill(join(usb, 'request.json'));
  await pre.getByLabel('New root key passphrase').fill(PASS);
  await pre.getByRole('button', { name: 'Check and write the request' }).click();
  await expect(pre.getByLabel('Pre-flight')).toContainText('full root history');
  await expect(pre.getByLabel('Pre-flight')).toContainText('version 1 -> 2');
  await page.screenshot({ path: join(SHOTS, 'ceremony-rotation-preflight.png'), fullPage: true });

  // 3. the offline laptop (offline mode): what is signed, then sign with the old root key
  current = offline;
  await page.reload();
  await page.getByRole('tab', { name: 'Air-gapped signing' }).click();
  const open = page.getByRole('region', { name: 'Step 1: Open the signing request (networking may stay off)' });
  await open.getByLabel('Request bundle').fill(join(usb, 'request.json'));
  await open.getByRole('button', { name: 'Open and check' }).click();
  await expect(open.getByLabel('What will be signed')).toContainText(`Root rotation of ${gun}`);
  await open.getByLabel('I compared the hash with the one shown on the online machine').check();
  await page.screenshot({ path: join(SHOTS, 'ceremony-signing-review.png'), fullPage: true });
  const sign = page.getByRole('region', { name: 'Step 2: Sign with the root key file or token' });
  await sign.getByLabel('Write the signed bundle to').fill(join(usb, 'signed.json'));
  await sign.getByLabel('Root key passphrase (key file)').fill(PASS);
  await sign.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(sign).toContainText('Signed by');
  await page.screenshot({ path: join(SHOTS, 'ceremony-signing-signed.png'), fullPage: true });

  // 4. back online: simulate, publish, re-verify
  current = online;
  await page.reload();
  await page.getByRole('tab', { name: 'Root rotation' }).click();
  const sim = page.getByRole('region', { name: 'Step 2: Simulate the signed root as a fresh client and as old clients' });
  await sim.getByLabel('Signed bundle').fill(join(usb, 'signed.json'));
  await sim.getByRole('button', { name: 'Verify and simulate' }).click();
  await expect(sim).toContainText('client that cached root version 1');
  const publish = page.getByRole('region', { name: 'Step 3: Publish, re-verify, write the rollback plan' });
  await publish.getByRole('button', { name: 'Publish root version 2' }).click();
  await expect(publish).toContainText('Published and verified from the server: root version 2');
  await page.screenshot({ path: join(SHOTS, 'ceremony-rotation-publish.png'), fullPage: true });

  // 5. the ceremony log of the online machine
  await page.getByRole('tab', { name: 'Ceremony log' }).click();
  await page.getByRole('button', { name: 'Verify the hash chain' }).click();
  await expect(page.getByLabel('Log verification')).toContainText('Intact:');
  await page.screenshot({ path: join(SHOTS, 'ceremony-log.png'), fullPage: true });
  expect(errors).toEqual([]);
  expect(cli(['inspect', gun], onlineDir)).toContain('"Name": "Root"');
});
