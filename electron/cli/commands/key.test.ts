import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.js';
import { capturedIo as io } from '../../../tests/support/cli-io.js';
import { parsePemBlocks } from '../../core/keystore/pem-format.js';
import { openBlock, privateKeyId } from '../../core/keystore/pkcs8-encryption.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'trustdesk-keycli-'));
}

describe('trustdesk key at a terminal', () => {
  it("generate asks for a new passphrase with notary's texts and rules (length, repeat)", async () => {
    const trust = join(tmp(), 'trust');
    const pubDir = tmp();
    const t = io(['short', 'good-passphrase', 'typo-passphrase', 'good-passphrase', 'good-passphrase']);
    const code = await main(['key', 'generate', 'ivan', '--dir', pubDir, '-d', trust], t.io);
    expect(t.err()).toBe(
      'Passphrase is too short. Please use a password manager to generate and store a good random passphrase.\nPassphrases do not match. Please retry.\n',
    );
    expect(code).toBe(0);
    expect(t.questions[0]).toMatch(/^Enter passphrase for new ivan key with ID [0-9a-f]{7}: $/);
    expect(t.questions[2]).toMatch(/^Repeat passphrase for new ivan key with ID [0-9a-f]{7}: $/);
    const [file] = readdirSync(join(trust, 'private'));
    const [block] = parsePemBlocks(readFileSync(join(trust, 'private', file!), 'utf8'));
    expect(privateKeyId(openBlock(block!, Buffer.from('good-passphrase')))).toBe(file!.replace('.key', ''));
    expect(readFileSync(join(pubDir, 'ivan.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: ivan\n\n/);

    // a second generate of the same name: docker's message, exit 1, nothing asked
    const again = io();
    expect(await main(['key', 'generate', 'ivan', '--dir', pubDir, '-d', trust], again.io)).toBe(1);
    expect(again.err()).toMatch(/KEY_EXISTS: public key file already exists: ".*ivan.pub"/);
    expect(again.questions).toEqual([]);

    // open it: a wrong answer, then the right one
    const exp = io(['wrong-passphrase', 'good-passphrase']);
    expect(await main(['key', 'export', '--public', file!.slice(0, 12), '-d', trust], exp.io)).toBe(0);
    expect(exp.err()).toBe('Passphrase incorrect. Please retry.\n');
    expect(exp.out()).toBe(readFileSync(join(pubDir, 'ivan.pub'), 'utf8'));

    // passwd: old, then new twice
    const pw = io(['good-passphrase', 'another-passphrase', 'another-passphrase']);
    expect(await main(['key', 'passwd', file!.slice(0, 12), '-d', trust], pw.io)).toBe(0);
    const [b2] = parsePemBlocks(readFileSync(join(trust, 'private', file!), 'utf8'));
    expect(() => openBlock(b2!, Buffer.from('good-passphrase'))).toThrow();
    expect(privateKeyId(openBlock(b2!, Buffer.from('another-passphrase')))).toBe(file!.replace('.key', ''));
  });

  it('load of an encrypted key asks for its passphrase naming the file', async () => {
    const trust = join(tmp(), 'trust');
    const gen = io(['the-passphrase', 'the-passphrase']);
    expect(await main(['key', 'generate', 'kate', '--dir', tmp(), '-d', trust], gen.io)).toBe(0);
    const [file] = readdirSync(join(trust, 'private'));
    const copy = join(tmp(), 'kate.key');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(trust, 'private', file!), copy);
    const t = io(['the-passphrase']);
    expect(await main(['key', 'load', copy, '--name', 'kate', '-d', join(tmp(), 'trust')], t.io)).toBe(0);
    expect(t.questions).toEqual([`Enter passphrase for kate key in ${copy}: `]);
    const wrong = io(['a', 'b', 'c']);
    expect(await main(['key', 'load', copy, '--name', 'kate', '-d', join(tmp(), 'trust')], wrong.io)).toBe(1);
    expect(wrong.err()).toMatch(new RegExp(`PASSPHRASE_WRONG: wrong passphrase for kate key in ${copy}`));
  });

  it('without a terminal and without variables: PASSPHRASE_REQUIRED naming the variables, exit 1', async () => {
    const t = io([undefined]);
    expect(await main(['key', 'generate', 'judy', '--dir', tmp(), '-d', join(tmp(), 'trust')], t.io)).toBe(1);
    expect(t.err()).toMatch(/PASSPHRASE_REQUIRED: .*DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE or NOTARY_DELEGATION_PASSPHRASE/);
  });

  it('lists an empty store as notary does', async () => {
    const t = io();
    expect(await main(['key', 'list', '-d', join(tmp(), 'trust')], t.io)).toBe(0);
    expect(t.out()).toBe('No signing keys found.\n');
  });

  it('usage errors exit 2', async () => {
    for (const args of [
      ['key'],
      ['key', 'bogus'],
      ['key', 'constructor'],
      ['key', 'generate'],
      ['key', 'list', 'extra'],
      ['key', 'remove', 'a', 'b'],
      ['key', 'export', '--nope', 'x'],
    ]) {
      const t = io();
      expect({ args, code: await main(args, t.io) }).toEqual({ args, code: 2 });
    }
  });
});
