import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encryptKey, openBlock } from './pkcs8-encryption.js';
import { newPassphrase, oneShotProvider, passphraseEnvVars, passphraseStrength, unlockWith, type PassphraseRequest } from './passphrase-sources.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const block = (pass: string) => ({ label: 'ENCRYPTED PRIVATE KEY', headers: {}, der: encryptKey(privateKey, Buffer.from(pass)) });
const info = (role: string) => ({ keyId: 'a'.repeat(64), role });

function prompter(answers: (string | undefined)[]) {
  const asked: PassphraseRequest[] = [];
  return {
    asked,
    prompt: async (req: PassphraseRequest) => {
      asked.push(req);
      return answers.shift();
    },
  };
}

describe('passphrase environment variables', () => {
  it('maps roles to docker and notary variables, in the preferred order', () => {
    expect(passphraseEnvVars('root', 'docker')).toEqual(['DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE', 'NOTARY_ROOT_PASSPHRASE']);
    expect(passphraseEnvVars('targets')).toEqual(['NOTARY_TARGETS_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']);
    expect(passphraseEnvVars('snapshot')).toEqual(['NOTARY_SNAPSHOT_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']);
    expect(passphraseEnvVars('targets/releases')).toEqual(['NOTARY_DELEGATION_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']);
    expect(passphraseEnvVars('alice', 'docker')).toEqual(['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE', 'NOTARY_DELEGATION_PASSPHRASE']);
  });
});

describe('unlockWith', () => {
  const open =
    (b: ReturnType<typeof block>) =>
    (p: Buffer): KeyObject =>
      openBlock(b, p);

  it('tries every environment candidate (docker and notary) before asking', async () => {
    const b = block('the-right-one');
    const p = prompter([]);
    const env = { NOTARY_DELEGATION_PASSPHRASE: 'wrong', DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'the-right-one' };
    const r = await unlockWith(info('alice'), { env, prompt: p.prompt }, open(b));
    expect(r.passphrase.toString()).toBe('the-right-one');
    expect(p.asked).toEqual([]);
  });

  it('asks after a wrong env value, trims the answer as notary does, counts attempts', async () => {
    const b = block('typed-passphrase');
    const p = prompter(['nope', '  typed-passphrase \n']);
    const r = await unlockWith(info('targets'), { env: { NOTARY_TARGETS_PASSPHRASE: 'wrong' }, prompt: p.prompt }, open(b));
    expect(r.passphrase.toString()).toBe('typed-passphrase');
    expect(p.asked.map((a) => [a.purpose, a.attempt])).toEqual([
      ['unlock', 1],
      ['unlock', 2],
    ]);
  });

  it('PASSPHRASE_WRONG after wrong answers, PASSPHRASE_REQUIRED when nothing could be tried', async () => {
    const b = block('secret-value');
    await expect(
      unlockWith(info('root'), { env: { NOTARY_ROOT_PASSPHRASE: 'x' }, prompt: prompter(['a', 'b', 'c', 'd']).prompt }, open(b)),
    ).rejects.toMatchObject({
      code: 'PASSPHRASE_WRONG',
      message: expect.stringContaining('NOTARY_ROOT_PASSPHRASE or DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE'),
    });
    await expect(unlockWith(info('root'), { env: {} }, open(b))).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    await expect(unlockWith(info('root'), { env: {}, prompt: prompter([undefined]).prompt }, open(b))).rejects.toMatchObject({
      code: 'PASSPHRASE_REQUIRED',
    });
  });

  it('never puts a passphrase in an error message', async () => {
    const b = block('secret-value');
    const err = await unlockWith(info('root'), { env: { NOTARY_ROOT_PASSPHRASE: 'hunter2-hunter2' } }, open(b)).catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain('hunter2');
  });
});

describe('newPassphrase', () => {
  it('uses the environment as-is, else the prompt; prompted ones need 8 characters', async () => {
    expect(
      (await newPassphrase(info('alice'), { env: { DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: ' short ' }, prefer: 'docker' })).toString(),
    ).toBe(' short ');
    const p = prompter(['short', ' long enough ']);
    expect((await newPassphrase(info('alice'), { env: {}, prompt: p.prompt })).toString()).toBe('long enough');
    expect(p.asked.map((a) => a.purpose)).toEqual(['new', 'new']);
    await expect(newPassphrase(info('alice'), { env: {}, prompt: prompter(['a', 'b', 'c']).prompt })).rejects.toMatchObject({
      code: 'PASSPHRASE_TOO_SHORT',
    });
    await expect(newPassphrase(info('alice'), { env: {} })).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
  });

  it("passwd's new passphrase comes only from its own variable, never from the role's", async () => {
    const src = {
      env: { NOTARY_TARGETS_PASSPHRASE: 'old-one-123', TRUSTDESK_NEW_PASSPHRASE: 'new-one-123' },
      newPassphraseEnv: 'TRUSTDESK_NEW_PASSPHRASE',
    };
    expect((await newPassphrase(info('targets'), src)).toString()).toBe('new-one-123');
    await expect(newPassphrase(info('targets'), { ...src, env: { NOTARY_TARGETS_PASSPHRASE: 'old-one-123' } })).rejects.toMatchObject({
      code: 'PASSPHRASE_REQUIRED',
    });
  });
});

describe('passphraseStrength', () => {
  it('scores short, weak and strong passphrases', () => {
    expect(passphraseStrength('abc')).toMatchObject({ score: 0, tooShort: true });
    expect(passphraseStrength('aaaaaaaa').score).toBe(1);
    expect(passphraseStrength('correct horse battery staple').score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength('T7#qL9!zR2@wX5$v').score).toBe(4);
  });
});

describe('oneShotProvider (the app: passphrases from one dialog, answered once)', () => {
  it('opens with the right one, fails with the wrong one, refuses a short new one', async () => {
    const b = block('dialog-passphrase');
    const open = (p: Buffer): KeyObject => openBlock(b, p);
    expect((await unlockWith(info('root'), { env: {}, prompt: oneShotProvider({ unlock: 'dialog-passphrase' }) }, open)).passphrase.toString()).toBe(
      'dialog-passphrase',
    );
    await expect(unlockWith(info('root'), { env: {}, prompt: oneShotProvider({ unlock: 'wrong' }) }, open)).rejects.toMatchObject({
      code: 'PASSPHRASE_WRONG',
    });
    await expect(newPassphrase(info('alice'), { env: {}, prompt: oneShotProvider({ new: 'short' }) })).rejects.toMatchObject({
      code: 'PASSPHRASE_TOO_SHORT',
    });
    expect((await newPassphrase(info('alice'), { env: {}, prompt: oneShotProvider({ new: 'long-enough' }) })).toString()).toBe('long-enough');
  });
});
