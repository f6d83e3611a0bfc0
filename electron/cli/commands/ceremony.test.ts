import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../main.js';
import { rotationRequestOn } from '../../../tests/support/rotation-request.js';

const PASS = 'correct horse battery staple';
const GUN = 'registry.example/team/app';
const ENV = { NOTARY_ROOT_PASSPHRASE: PASS };

async function trustdesk(args: string[], env: NodeJS.ProcessEnv = ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A trust dir holding an old root key file, and a request bundle (as `root rotate` writes) it can sign. */
async function offlineMachine() {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-cli-cer-'));
  const trustDir = join(dir, 'trust');
  const { reqFile, rid, oldKeyId } = await rotationRequestOn(dir, trustDir, GUN, ENV);
  return { dir, trustDir, reqFile, rid, oldKeyId };
}

describe('trustdesk bundle show|sign --json, ceremony verify --log (docs/ceremony.md)', () => {
  it('bundle show --json prints the checked bundle as JSON; without --json the text is unchanged', async () => {
    const m = await offlineMachine();
    const j = await trustdesk(['bundle', 'show', m.reqFile, '--json', '--trust-dir', m.trustDir]);
    expect(j.code, j.stderr).toBe(0);
    const v = JSON.parse(j.stdout) as {
      kind: string;
      gun: string;
      summary: string[];
      missing: string[];
      signedBy: string[];
      sha256: string;
      rootCheck: string;
    };
    expect(v).toMatchObject({ kind: 'request', gun: GUN, signedBy: [expect.any(String)] });
    expect(v.summary[0]).toContain(`Root rotation of ${GUN}: root.json version 1 -> 2`);
    expect(v.missing).toHaveLength(1);
    expect(v.rootCheck).toContain('compare the hashes');
    const text = await trustdesk(['bundle', 'show', m.reqFile, '--trust-dir', m.trustDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`(request) for ${GUN}`);
    expect(text.stdout).toContain(`sha256 ${v.sha256}`);
    expect(text.stdout).toContain('  missing: ');
  });

  it('bundle sign --json: one JSON object, before (refused without --yes) and after signing; --log FILE gets the step; no secret printed', async () => {
    const m = await offlineMachine();
    const out = join(m.dir, 'signed.json');
    const log = join(m.dir, 'usb', 'ceremony.log');
    const refused = await trustdesk(['bundle', 'sign', m.reqFile, '-o', out, '--json', '--trust-dir', m.trustDir, '--log', log]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIRMATION_REQUIRED');
    expect(JSON.parse(refused.stdout)).toMatchObject({ bundle: { kind: 'request', gun: GUN } });
    expect(existsSync(out)).toBe(false);

    const signed = await trustdesk(['bundle', 'sign', m.reqFile, '-o', out, '--yes', '--json', '--trust-dir', m.trustDir, '--log', log]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ bundle: { kind: 'request', missing: [expect.any(String)] }, signedBy: [m.rid], outFile: out });
    expect(`${refused.stdout}${refused.stderr}${signed.stdout}${signed.stderr}`).not.toContain(PASS);
    expect(readFileSync(log, 'utf8')).toContain('"step":"bundle-signed-offline"');
    expect(existsSync(join(m.trustDir, 'ceremony', 'ceremony.log'))).toBe(false); // --log replaced the default
    const reopened = await trustdesk(['bundle', 'show', out, '--json', '--trust-dir', m.trustDir]);
    expect(JSON.parse(reopened.stdout)).toMatchObject({ kind: 'signed', missing: [] });

    // text mode as before: what is signed, then who signed
    const again = await trustdesk(['bundle', 'sign', m.reqFile, '-o', join(m.dir, 'signed2.json'), '--yes', '--trust-dir', m.trustDir, '--log', log]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Bundle [0-9a-f]+ \(request\)/);
    expect(again.stdout).toContain(`Signed by ${m.rid}; signed bundle written to`);
  });

  it("ceremony verify takes LOG, --log FILE or the trust dir's log, and --json", async () => {
    const m = await offlineMachine();
    const log = join(m.dir, 'other.log');
    // root generate --json --log FILE; root backup --json into the default log of the trust dir
    const gen = await trustdesk(['root', 'generate', '--json', '--trust-dir', m.trustDir, '--log', log]);
    expect(gen.code, gen.stderr).toBe(0);
    const { keyId: newId } = JSON.parse(gen.stdout) as { keyId: string };
    expect(newId).toMatch(/^[0-9a-f]{64}$/);
    const backup = await trustdesk(['root', 'backup', newId.slice(0, 12), '--out', join(m.dir, 'usb'), '--json', '--trust-dir', m.trustDir]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ keyId: newId, backupFile: join(m.dir, 'usb', `${newId}.root.key`) });

    const byOption = await trustdesk(['ceremony', 'verify', '--log', log]);
    expect(byOption.code, byOption.stderr).toBe(0);
    expect(byOption.stdout).toMatch(/^Ceremony log intact: 1 entries, head [0-9a-f]{64}\n$/);
    const byArg = await trustdesk(['ceremony', 'verify', log, '--json']);
    expect(byArg.code).toBe(0);
    expect(JSON.parse(byArg.stdout)).toEqual({ ok: true, entries: 1, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const byTrustDir = await trustdesk(['ceremony', 'verify', '--trust-dir', m.trustDir, '--json']);
    expect(byTrustDir.code, byTrustDir.stderr).toBe(0);
    expect(JSON.parse(byTrustDir.stdout)).toMatchObject({ ok: true, entries: 1 });
    expect(readFileSync(join(m.trustDir, 'ceremony', 'ceremony.log'), 'utf8')).toContain('"step":"root-backup-export"');

    writeFileSync(log, readFileSync(log, 'utf8').replace('root-key-generated', 'root-key-imported'));
    const broken = await trustdesk(['ceremony', 'verify', '--log', log]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Ceremony log BROKEN at line 1');
    expect((await trustdesk(['ceremony', 'verify', log, '--log', join(m.dir, 'x.log')])).code).toBe(2);
    expect((await trustdesk(['ceremony', 'verify', 'a.log', 'b.log'])).code).toBe(2);
  });
});
