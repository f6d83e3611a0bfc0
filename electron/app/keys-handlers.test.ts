import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-app-keys-'));
  const handlers = createHandlers({
    settings: new SettingsStore(dir),
    version: 't',
    openExternal: async () => undefined,
    env: { DOCKER_CONFIG: join(dir, 'docker') },
  });
  return { dir, handlers };
}

type Ok<T> = { ok: true; value: T };
const PASS = 'correct horse battery staple';

describe('Keys view channels', () => {
  it('generate (too short asked again), list with role, passwd, export to a file, remove, restore: passphrases never come back', async () => {
    const { dir, handlers } = setup();
    expect(await handlers.invoke('keys:list', {})).toMatchObject({ ok: true, value: { keys: [], removed: [] } });

    expect(await handlers.invoke('keys:generate', { name: 'alice', passphrases: { new: 'short' } })).toMatchObject({
      ok: false,
      error: { code: 'PASSPHRASE_TOO_SHORT' },
    });
    const g = (await handlers.invoke('keys:generate', { name: 'alice', passphrases: { new: PASS } })) as Ok<{
      keyId: string;
      role: string;
      publicKeyPath: string;
      path: string;
    }>;
    expect(g).toMatchObject({ ok: true, value: { role: 'alice', algorithm: 'ecdsa' } });
    expect(g.value.publicKeyPath).toBe(join(dir, 'docker', 'trustdesk-public-keys', 'alice.pub'));
    expect(readFileSync(g.value.publicKeyPath, 'utf8')).toContain('BEGIN PUBLIC KEY');
    const id = g.value.keyId;

    const l = (await handlers.invoke('keys:list', {})) as Ok<{ keys: { keyId: string; role?: string }[] }>;
    expect(l.value.keys).toEqual([expect.objectContaining({ keyId: id, role: 'alice', algorithm: 'ecdsa', usedBy: [] })]);

    const wrong = await handlers.invoke('keys:passwd', { keyId: id, passphrases: { unlock: 'Zq-not-it-7731', new: 'another long passphrase' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG' } });
    expect(JSON.stringify(wrong)).not.toMatch(/Zq-not-it-7731|another long passphrase/);
    expect(await handlers.invoke('keys:passwd', { keyId: id, passphrases: { unlock: PASS, new: 'another long passphrase' } })).toMatchObject({
      ok: true,
      value: { keyId: id, reencrypted: true },
    });

    const out = join(dir, 'alice-export.key');
    const e = await handlers.invoke('keys:export', { keyId: id.slice(0, 8), outFile: out });
    expect(e).toEqual({ ok: true, value: { keyId: id, path: out, warnings: [] } });
    expect(readFileSync(out, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(await handlers.invoke('keys:export', { keyId: id, outFile: out })).toMatchObject({ ok: false, error: { code: 'KEY_EXISTS' } });

    const r = await handlers.invoke('keys:remove', { keyId: id });
    expect(r).toMatchObject({ ok: true, value: { keyId: id, state: 'moved' } });
    const after = (await handlers.invoke('keys:list', {})) as Ok<{ keys: unknown[]; removed: { keyId: string; role?: string }[] }>;
    expect(after.value.keys).toEqual([]);
    expect(after.value.removed).toEqual([expect.objectContaining({ keyId: id, role: 'alice' })]);
    const back = (await handlers.invoke('keys:restore', { keyId: id })) as Ok<{ path: string }>;
    expect(back.ok).toBe(true);
    expect(existsSync(back.value.path)).toBe(true);

    // loading the exported key again is refused: it is there already
    expect(await handlers.invoke('keys:load', { file: out, name: 'alice', passphrases: { unlock: 'another long passphrase' } })).toMatchObject({
      ok: false,
      error: { code: 'KEY_EXISTS' },
    });

    expect(await handlers.invoke('keys:remove', { keyId: id, confirm: true })).toMatchObject({ ok: true, value: { state: 'deleted' } });
    expect(((await handlers.invoke('keys:list', {})) as Ok<{ removed: unknown[] }>).value.removed).toEqual([]);

    // the exported file imports back (notary key import: role from its header), with its passphrase
    expect(await handlers.invoke('keys:import', { file: out, passphrases: { unlock: 'Zq-not-it-7731' } })).toMatchObject({
      ok: false,
      error: { code: 'PASSPHRASE_WRONG' },
    });
    const imp = await handlers.invoke('keys:import', { file: out, passphrases: { unlock: 'another long passphrase' } });
    expect(imp).toMatchObject({ ok: true, value: [{ keyId: id, role: 'alice', reencrypted: false }] });
    expect(((await handlers.invoke('keys:list', {})) as Ok<{ keys: { keyId: string }[] }>).value.keys.map((k) => k.keyId)).toEqual([id]);

    const everything = JSON.stringify([g, l, e, r, after, back]);
    for (const secret of [PASS, 'another long passphrase', 'PRIVATE KEY']) expect(everything).not.toContain(secret);
  });

  it('refuses key IDs that are not hex and names docker refuses', async () => {
    const { handlers } = setup();
    expect(await handlers.invoke('keys:remove', { keyId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await handlers.invoke('keys:generate', { name: 'Bad Name', passphrases: { new: PASS } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await handlers.invoke('keys:restore', { keyId: 'abcdef12' })).toMatchObject({ ok: false });
  });
});
