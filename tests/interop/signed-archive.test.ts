/**
 * Signed trust archives on the lab: `trustdesk archive --sign-key` with a notary key of the trust dir
 * and with a cosign key; `verify --archive` names the signer and, with `--trust-archive-key`, requires
 * it; the servers are not needed to check; one flipped byte or another signer key is refused with its
 * own error code (exit 3).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, pushTag, runCommand, type Lab } from '../../lab/index.js';
import { keyId, publicKeyJson } from '../../electron/core/tuf/keys.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const PW = { COSIGN_PASSWORD: 'archive-signing-pw' };

let lab: Lab;
let work: string;

function trustdesk(args: string[], env: Record<string, string> = {}) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false });
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  work = mkdtempSync(join(tmpdir(), 'trustdesk-signed-archive-'));
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe('signed trust archives', () => {
  it('signed with a notary key and with a cosign key: verify names the signer, requires it, refuses a flipped byte or another key', async () => {
    const g = `${lab.registryHost}/lab/archive-signed`;
    await pushTag(lab, 'archive-signed', 'v1');
    expect((await trustdesk(['sign', `${g}:v1`])).code).toBe(0);
    const keys = JSON.parse((await trustdesk(['key', 'list', '--json'])).stdout).keys as { keyId: string; role?: string; gun?: string }[];
    const targetsKey = keys.find((k) => k.role === 'targets' && k.gun === g)!.keyId;

    // a notary key of the trust dir
    const notaryArchive = join(work, 'notary.tdarchive');
    const made = await trustdesk(['archive', g, '-o', notaryArchive, '--sign-key', `notary:${targetsKey}`]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`signed by notary key ${targetsKey}`);
    const list = await trustdesk(['archive', '--list', notaryArchive]);
    expect(list.stdout).toContain(`trust archive format 2`);
    expect(list.stdout).toContain(`signed by notary key ${targetsKey} (signature verified)`);
    const ok = await trustdesk(['verify', '--archive', notaryArchive, '--trust-archive-key', `notary:${targetsKey}`, `${g}:v1`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`trust archive ${notaryArchive}: signed by notary key ${targetsKey}`);

    // a cosign key; its ID is the SHA-256 of the public key's DER
    const prefix = join(work, 'archiver');
    expect((await trustdesk(['cosign', 'key', 'generate', '-o', prefix], PW)).code).toBe(0);
    const cosignId = createHash('sha256')
      .update(createPublicKey(readFileSync(`${prefix}.pub`, 'utf8')).export({ format: 'der', type: 'spki' }))
      .digest('hex');
    const cosignArchive = join(work, 'cosign.tdarchive');
    expect((await trustdesk(['archive', g, '-o', cosignArchive, '--sign-key', `${prefix}.key`], PW)).code).toBe(0);
    await lab.stop(); // from here on, no server
    const json = await trustdesk(['verify', '--json', '--archive', cosignArchive, '--trust-archive-key', `${prefix}.pub`, `${g}:v1`]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).archiveSigner).toEqual({ scheme: 'cosign', keyId: cosignId });

    // one flipped byte in the body
    const bytes = readFileSync(cosignArchive);
    const flipped = Buffer.from(bytes);
    const pos = bytes.indexOf(0x0a) + Math.floor((bytes.length - bytes.indexOf(0x0a)) / 2);
    flipped[pos] = flipped[pos]! ^ 0x01;
    const flippedFile = join(work, 'flipped.tdarchive');
    writeFileSync(flippedFile, flipped);
    const bad = await trustdesk(['verify', '--archive', flippedFile, `${g}:v1`]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('ARCHIVE_SIGNATURE_INVALID');

    // another signer key, and an unsigned requirement
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const otherPub = join(work, 'other.pub');
    writeFileSync(otherPub, other.export({ type: 'spki', format: 'pem' }).toString());
    const untrusted = await trustdesk(['verify', '--archive', cosignArchive, '--trust-archive-key', otherPub, `${g}:v1`]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toContain(`ARCHIVE_SIGNER_UNTRUSTED: trust archive ${cosignArchive} is signed by cosign key ${cosignId}`);
    // the notary-signed archive with the cosign key required: another signer
    const wrong = await trustdesk(['verify', '--archive', notaryArchive, '--trust-archive-key', `${prefix}.pub`, `${g}:v1`]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('ARCHIVE_SIGNER_UNTRUSTED');
    expect(keyId(publicKeyJson(other))).not.toBe(targetsKey);
  }, 180_000);
});
