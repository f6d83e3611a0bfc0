/**
 * `trustdesk migrate cosign` and `trustdesk cosign key` as parse → use case → print: output locations
 * are checked before a key is opened or a signature pushed; key files are never overwritten.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../main.js';
import { capturedIo as io } from '../../../tests/support/cli-io.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'trustdesk-cosigncli-'));

describe('trustdesk migrate cosign --out', () => {
  it('a folder that does not exist is refused before the key is opened or anything is signed (never INTERNAL)', async () => {
    const dir = tmp();
    const t = io(['pw', 'pw'], { DOCKER_CONFIG: join(dir, 'docker') });
    expect(await main(['cosign', 'key', 'generate', '-o', join(dir, 'cosign')], t.io)).toBe(0);
    const missing = join(dir, 'no', 'such', 'folder');
    const m = io([], { DOCKER_CONFIG: join(dir, 'docker') });
    // an unreachable trust server and registry: any network use would fail differently
    const code = await main(
      ['migrate', 'cosign', '--key', join(dir, 'cosign.key'), '--server', 'https://127.0.0.1:9', '--out', missing, '127.0.0.1:9/team/app'],
      m.io,
    );
    expect(code).toBe(1);
    expect(m.err()).toMatch(
      /^INVALID_ARGUMENT: the output folder .*no\/such\/folder does not exist: create it first \(cosign\.pub is written there\); nothing was signed\n$/,
    );
    expect(m.err()).not.toContain('INTERNAL');
    expect(m.questions).toEqual([]); // the cosign key was not even opened
    expect(m.out()).toBe('');
    expect(existsSync(missing)).toBe(false);
  });

  it('a file where the folder should be, and a cosign.pub that is a folder, are refused the same way', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    const a = io();
    expect(await main(['migrate', 'cosign', '--key', join(dir, 'none.key'), '--out', join(dir, 'file'), 'example.com/team/app'], a.io)).toBe(1);
    expect(a.err()).toMatch(/^INVALID_ARGUMENT: the output folder .*file is not a folder/);
    const out = tmp();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(out, 'cosign.pub'));
    const b = io();
    expect(await main(['migrate', 'cosign', '--key', join(dir, 'none.key'), '--out', out, 'example.com/team/app'], b.io)).toBe(1);
    expect(b.err()).toMatch(/^INVALID_ARGUMENT: .*cosign\.pub exists and is not a file; nothing was signed/);
  });

  it('a dry run writes nothing, so --out is not checked (as before)', async () => {
    const dir = tmp();
    const m = io();
    // fails on the key (no such file), not on --out
    expect(
      await main(['migrate', 'cosign', '--key', join(dir, 'none.key'), '--dry-run', '--out', join(dir, 'missing'), 'example.com/team/app'], m.io),
    ).toBe(1);
    expect(m.err()).toMatch(/^KEY_NOT_FOUND: /);
  });
});

describe('trustdesk cosign key', () => {
  it('generate: the password twice, then PREFIX.key and PREFIX.pub; never a password in the output', async () => {
    const dir = tmp();
    const t = io(['s3cret-cosign', 's3cret-cosign']);
    expect(await main(['cosign', 'key', 'generate', '-o', join(dir, 'k')], t.io)).toBe(0);
    expect(t.questions).toEqual([`Enter password for ${join(dir, 'k')}.key: `, `Enter password for ${join(dir, 'k')}.key again: `]);
    expect(t.out()).toBe(`Private key written to ${join(dir, 'k')}.key\nPublic key written to ${join(dir, 'k')}.pub\n`);
    expect(readFileSync(join(dir, 'k.key'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    expect(t.out() + t.err()).not.toContain('s3cret-cosign');
  });

  it('generate: passwords that differ, or no terminal and no COSIGN_PASSWORD, are usage errors (exit 2)', async () => {
    const dir = tmp();
    const t = io(['one-password', 'another']);
    expect(await main(['cosign', 'key', 'generate', '-o', join(dir, 'k')], t.io)).toBe(2);
    expect(t.err()).toContain('the passwords do not match');
    const noTty: Io = { stdout: () => undefined, stderr: () => undefined, env: {} };
    expect(await main(['cosign', 'key', 'generate', '-o', join(dir, 'k')], noTty)).toBe(2);
    expect(existsSync(join(dir, 'k.key'))).toBe(false);
  });

  it('generate refuses an existing PREFIX.pub before asking or writing PREFIX.key', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.pub'), "someone else's key");
    const t = io(['pw', 'pw']);
    expect(await main(['cosign', 'key', 'generate', '-o', join(dir, 'k')], t.io)).toBe(2);
    expect(t.err()).toContain(`${join(dir, 'k')}.pub exists; not overwriting it`);
    expect(t.questions).toEqual([]);
    expect(existsSync(join(dir, 'k.key'))).toBe(false);
    expect(readFileSync(join(dir, 'k.pub'), 'utf8')).toBe("someone else's key");
  });
});
