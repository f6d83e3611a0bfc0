/**
 * A complete root key ceremony on the real lab with two trust directories, online and offline:
 * the root key is made, backed up encrypted with 3-of-5 shares, moved onto a SoftHSM token on the
 * offline machine (no key file left anywhere), the restore drill passes from the backup and from 3
 * shares; a new root key is made and drilled; the rotation goes through a request bundle signed on
 * the offline machine by the token with every network connection blocked; the signed bundle is
 * imported, published and re-verified; docker trust inspect and notary list from clients that cached
 * the old root still verify. Tampered bundles, wrong shares and fewer than m shares are refused.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLab, dockerTrust, notary, runCommand, writeDockerConfig, type Lab } from '../../lab/index.js';
import { makeSoftHsm, softHsmAvailable, USER_PIN, type SoftHsm } from '../support/softhsm.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const available = softHsmAvailable();

let lab: Lab;
let hsm: SoftHsm;

async function client(): Promise<{ config: string; trustDir: string }> {
  const config = mkdtempSync(join(tmpdir(), 'trustdesk-cer-'));
  const trustDir = await writeDockerConfig(config, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return { config, trustDir };
}

function trustdesk(args: string[], env: Record<string, string>) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false, timeoutMs: 90_000 });
}

/** Blocks every outgoing connection and name lookup of a process (and its children): records tries. */
function noNetworkPreload(dir: string): { env: Record<string, string>; attempts: string } {
  const attempts = join(dir, 'network-attempts.txt');
  const file = join(dir, 'no-network.cjs');
  writeFileSync(
    file,
    `const fs = require('node:fs'); const net = require('node:net'); const dns = require('node:dns');
const deny = (what) => { fs.appendFileSync(${JSON.stringify(attempts)}, what + '\\n'); throw new Error('network is off: ' + what); };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...a) { const o = a[0]; if (o && typeof o === 'object' && o.path) return connect.apply(this, a); return deny('connect ' + JSON.stringify(o)); };
dns.lookup = (h) => deny('lookup ' + h); dns.promises.lookup = async (h) => deny('lookup ' + h);
globalThis.fetch = async (u) => deny('fetch ' + u);
`,
  );
  return { env: { NODE_OPTIONS: `--require ${file}` }, attempts };
}

beforeAll(async () => {
  if (!available) return;
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs')) || !existsSync(join(ROOT, 'dist/electron/signer/worker.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  hsm = makeSoftHsm(['offline-root']);
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  hsm?.cleanup();
});

describe.skipIf(!available)('root key ceremony (online + offline trust dirs, SoftHSM, real lab)', () => {
  it('backup with 3-of-5 shares, restore drill, rotation through an offline bundle, clients with the old root still verify', async () => {
    const online = await client();
    const offline = await client();
    const usb = mkdtempSync(join(tmpdir(), 'trustdesk-usb-'));
    const on = { DOCKER_CONFIG: online.config };
    const off = { ...hsm.env, DOCKER_CONFIG: offline.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    const g = `${lab.registryHost}/lab/ceremony`;

    // 1. the repository with a file root key, then the encrypted backup and 3-of-5 shares
    const init = await trustdesk(['init', g], on);
    expect(init.code, init.stderr).toBe(0);
    const oldRoot = /Generated new root key with ID ([0-9a-f]{64})/.exec(init.stdout)![1]!;
    const backup = await trustdesk(['root', 'backup', oldRoot.slice(0, 12), '--out', usb, '--shares', '3-of-5'], on);
    expect(backup.code, backup.stderr).toBe(0);
    const keyFile = join(usb, `${oldRoot}.root.key`);
    expect(readFileSync(keyFile, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    const shares = [1, 2, 3, 4, 5].map((i) => join(usb, `share-${i}-of-5.txt`));
    for (const s of shares) expect(readFileSync(s, 'utf8')).toMatch(/^TDSHARE1:/);
    expect(readFileSync(join(usb, 'share-1-of-5.html'), 'utf8')).toContain('<svg');

    // 2. the offline laptop: the key from the backup onto the SoftHSM token, no key file kept
    expect((await trustdesk(['key', 'import', keyFile, '--role', 'root'], off)).code).toBe(0);
    const imp = await trustdesk(['token', 'import', oldRoot.slice(0, 12), '--module', hsm.module, '--token', 'offline-root'], off);
    expect(imp.code, imp.stdout + imp.stderr).toBe(0);
    expect((await trustdesk(['key', 'remove', oldRoot.slice(0, 12), '--confirm'], off)).code).toBe(0);
    expect((await trustdesk(['key', 'remove', oldRoot.slice(0, 12), '--confirm'], on)).code).toBe(0);
    for (const dir of [online.trustDir, offline.trustDir]) {
      const priv = join(dir, 'private');
      expect(existsSync(priv) ? readdirSync(priv).filter((f) => f.startsWith(oldRoot)) : []).toEqual([]);
    }

    // 3. restore drills: from the backup and from 3 shares, against the root.json on the server
    const drill1 = await trustdesk(['root', 'restore-drill', '--backup', keyFile, g], on);
    expect(drill1.code, drill1.stderr).toBe(0);
    expect(drill1.stdout).toContain(`Restore drill passed: root key ${oldRoot}`);
    const drill2 = await trustdesk(['root', 'restore-drill', '--share', shares[0]!, '--share', shares[2]!, '--share', shares[4]!, g], on);
    expect(drill2.code, drill2.stderr).toBe(0);
    // fewer than m, and a wrong share
    const few = await trustdesk(['root', 'restore-drill', '--share', shares[0]!, '--share', shares[1]!, g], on);
    expect(few.code).toBe(1);
    expect(few.stderr).toContain('SHARES_INVALID: 2 distinct share(s) given, 3 of 5 are needed');
    const wrong = join(usb, 'wrong-share.txt');
    const parts = readFileSync(shares[3]!, 'utf8').trim().split(':');
    const data = Buffer.from(parts[6]!, 'base64url');
    data[3] ^= 0x55;
    parts[6] = data.toString('base64url');
    writeFileSync(wrong, parts.join(':'));
    const bad = await trustdesk(['root', 'restore-drill', '--share', shares[0]!, '--share', shares[1]!, '--share', wrong, g], on);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SHARES_INVALID');
    expect(bad.stderr).toContain('damaged or was altered');

    // clients that cache the old root now
    const watcher = await client();
    const seen = await dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: watcher.config }, check: false });
    expect(seen.code, seen.stderr).toBe(0);
    const notaryDir = mkdtempSync(join(tmpdir(), 'trustdesk-cer-notary-'));
    expect((await notary(lab, ['list', g], { trustDir: notaryDir, check: false })).code).toBe(0);

    // 4. the new root key, backed up and drilled before it may be used
    const gen = await trustdesk(['root', 'generate'], on);
    expect(gen.code, gen.stderr).toBe(0);
    const newRoot = /ID ([0-9a-f]{64})/.exec(gen.stdout)![1]!;
    const early = await trustdesk(['root', 'rotate', g, '--new-key', newRoot.slice(0, 12), '--bundle-out', join(usb, 'x.json')], on);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('PREFLIGHT_FAILED');
    expect(early.stderr).toContain('no passed restore drill');
    const usb2 = mkdtempSync(join(tmpdir(), 'trustdesk-usb2-'));
    expect((await trustdesk(['root', 'backup', newRoot.slice(0, 12), '--out', usb2], on)).code).toBe(0);
    const drill3 = await trustdesk(['root', 'restore-drill', '--backup', join(usb2, `${newRoot}.root.key`), '--expect-key', newRoot], on);
    expect(drill3.code, drill3.stdout + drill3.stderr).toBe(0);

    // 5. the request bundle, online
    const req = join(usb, 'request.json');
    const rot = await trustdesk(['root', 'rotate', g, '--new-key', newRoot.slice(0, 12), '--bundle-out', req], on);
    expect(rot.code, rot.stderr).toBe(0);
    expect(rot.stdout).toMatch(/ok {3}full root history/);
    expect(rot.stdout).toContain('version 1 -> 2');

    // 6. signed on the offline laptop with the token, every network connection blocked
    const nn = noNetworkPreload(usb);
    // control: the block works (a command that needs the server is stopped), then start clean
    const control = await trustdesk(['inspect', g], { ...off, ...nn.env });
    expect(control.code).not.toBe(0);
    expect(readFileSync(nn.attempts, 'utf8')).toMatch(/connect|lookup|fetch/);
    rmSync(nn.attempts);
    const signed = join(usb, 'signed.json');
    const show = await trustdesk(['bundle', 'sign', req, '-o', signed], { ...off, ...nn.env });
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('CONFIRMATION_REQUIRED');
    expect(show.stdout).toContain(`Root rotation of ${g}`);
    const sign = await trustdesk(['bundle', 'sign', req, '-o', signed, '--yes'], { ...off, ...nn.env });
    expect(sign.code, sign.stdout + sign.stderr).toBe(0);
    expect(sign.stdout).toContain('Signed by');
    // the signature came from the token (the old root key is in no file on either machine)
    const signedDoc = JSON.parse(readFileSync(signed, 'utf8')) as {
      items: { signatures: { keyid: string }[]; requiredSignatures: { name: string; keyIds: string[] }[] }[];
    };
    const oldCertId = signedDoc.items[0]!.requiredSignatures.find((x) => x.name === 'old root')!.keyIds[0]!;
    expect(signedDoc.items[0]!.signatures.map((x) => x.keyid)).toContain(oldCertId);
    expect(existsSync(nn.attempts) ? readFileSync(nn.attempts, 'utf8') : '').toBe('');

    // 7. tampered and mismatched bundles are refused before anything is sent
    const text = readFileSync(signed, 'utf8');
    const tampered = join(usb, 'tampered.json');
    writeFileSync(tampered, text.replace(/"signedAt": "[^"]+"/, '"signedAt": "2020-01-01T00:00:00.000Z"'));
    const t1 = await trustdesk(['bundle', 'import', tampered], on);
    expect(t1.code).toBe(1);
    expect(t1.stderr).toContain('BUNDLE_INVALID');
    const unsigned = await trustdesk(['bundle', 'import', req], on);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain('BUNDLE_INVALID');
    const stranger = await trustdesk(['bundle', 'import', signed], { DOCKER_CONFIG: watcher.config });
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('was not exported from this machine');

    // 8. import: verified, simulated, published, re-verified; rollback plan written
    const plan = join(usb, 'rollback-plan.md');
    const imported = await trustdesk(['bundle', 'import', signed, '--rollback-plan', plan], on);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toContain('ok   client that cached root version 1');
    expect(imported.stdout).toContain(`Published root version 2 of ${g}`);
    expect(readFileSync(plan, 'utf8')).toContain('Rollback plan');

    // 9. clients that cached the old root still verify, and see the new root key
    const after = await dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: watcher.config }, check: false });
    expect(after.code, after.stderr).toBe(0);
    const rootIds = (JSON.parse(after.stdout) as { AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[] }[])[0]!.AdministrativeKeys.find(
      (k) => k.Name === 'Root',
    )!.Keys.map((k) => k.ID);
    const before = (JSON.parse(seen.stdout) as { AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[] }[])[0]!.AdministrativeKeys.find(
      (k) => k.Name === 'Root',
    )!.Keys.map((k) => k.ID);
    expect(rootIds).not.toEqual(before);
    const list = await notary(lab, ['list', g], { trustDir: notaryDir, check: false });
    expect(list.code, list.stdout + list.stderr).toBe(0);
    // the online publisher keeps working with the new root (targets rotation re-signs root with it)
    const next = await trustdesk(['key', 'rotate', g, 'targets'], on);
    expect(next.code, next.stderr).toBe(0);
    expect((await notary(lab, ['list', g], { trustDir: notaryDir, check: false })).code).toBe(0);

    // compromise (old root key unavailable): said plainly and simulated, nothing published
    const third = /ID ([0-9a-f]{64})/.exec((await trustdesk(['root', 'generate'], on)).stdout)![1]!;
    const comp = await trustdesk(['root', 'rotate', g, '--compromised', '--new-key', third.slice(0, 12)], on);
    expect(comp.code, comp.stderr).toBe(0);
    expect(comp.stdout).toContain('accepts fresh client');
    expect(comp.stdout).toMatch(/REFUSES client that cached root version \d/);
    expect(comp.stdout).toContain('Nothing was published');

    // 10. the ceremony logs verify; a changed entry does not
    const onlineLog = join(online.trustDir, 'ceremony', 'ceremony.log');
    const offlineLog = join(offline.trustDir, 'ceremony', 'ceremony.log');
    for (const log of [onlineLog, offlineLog]) {
      const v = await trustdesk(['ceremony', 'verify', log], on);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toContain('Ceremony log intact');
    }
    const steps = readFileSync(onlineLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(steps).toEqual(
      expect.arrayContaining([
        'root-backup-export',
        'restore-drill-passed',
        'root-rotation-request-exported',
        'signed-bundle-verified',
        'root-rotation-published',
      ]),
    );
    expect(readFileSync(offlineLog, 'utf8')).toContain('bundle-signed-offline');
    const broken = join(usb, 'broken.log');
    writeFileSync(broken, readFileSync(onlineLog, 'utf8').replace('restore-drill-passed', 'restore-drill-skipped'));
    const vb = await trustdesk(['ceremony', 'verify', broken], on);
    expect(vb.code).toBe(1);
    expect(vb.stdout).toContain('BROKEN at line');
  }, 150_000);
});
