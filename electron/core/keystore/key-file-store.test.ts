import { describe, it, expect, beforeAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KeyFileStore } from './key-file-store.js';
import { encodePem, parsePemBlocks } from './pem-format.js';
import { encryptKey, openBlock, privateKeyId } from './pkcs8-encryption.js';
import { REFERENCE_DIR } from '../../../tests/support/samples.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const LEGACY = join(REFERENCE_DIR, 'legacy-trust-dirs');

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `trustdesk-${prefix}-`));
}

function keyPem(role: string, pass: string, gun?: string): { id: string; pem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const headers: Record<string, string> = gun ? { gun, role } : { role };
  return {
    id: privateKeyId(privateKey),
    pem: encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers, der: encryptKey(privateKey, Buffer.from(pass)) }),
  };
}

describe('KeyFileStore', () => {
  it('creates private/ 0700 and key files 0600, and never replaces an existing key', async () => {
    const trust = join(tmp('store'), 'trust');
    const store = new KeyFileStore(trust);
    const k = keyPem('alice', 'pass-1234');
    const path = await store.add(k.id, k.pem);
    expect(statSync(trust).mode & 0o777).toBe(0o700);
    expect(statSync(join(trust, 'private')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(store.add(k.id, 'other content')).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect(readFileSync(path, 'utf8')).toBe(k.pem);
    const [e] = await store.list();
    expect(e).toMatchObject({
      keyId: k.id,
      role: 'alice',
      layout: 'flat',
      encryption: 'pkcs8-pbes2',
      notaryCompatible: true,
      algorithm: 'ecdsa',
      warnings: [],
    });
  });

  it('reads the legacy layouts with the roles and GUNs notary reports, and changes nothing', async () => {
    const dir = join(tmp('legacy'), 'notary0.3');
    cpSync(join(LEGACY, 'notary0.3'), dir, { recursive: true });
    const entries = await new KeyFileStore(dir).list();
    expect(entries.map((e) => [e.keyId.slice(0, 8), e.role, e.gun, e.layout, e.encryption, e.algorithm])).toEqual([
      ['041b64da', 'targets', 'docker.com/notary0.3/tst', 'legacy-tuf-keys', 'legacy-pem', 'ecdsa'],
      ['85559599', 'snapshot', 'docker.com/notary0.3/tst', 'legacy-tuf-keys', 'legacy-pem', 'ecdsa'],
      ['f4eaf871', 'root', undefined, 'legacy-root-keys', 'legacy-pem', 'ecdsa'],
      ['fa842f66', 'targets/releases', undefined, 'legacy-tuf-keys', 'legacy-pem', 'rsa'],
    ]);
    // a legacy key is found by ID and an add of the same key is refused
    const entry = await new KeyFileStore(dir).find('f4eaf8');
    await expect(new KeyFileStore(dir).add(entry.keyId, 'x')).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect(existsSync(join(dir, 'private', `${entry.keyId}.key`))).toBe(false);
  });

  it('finds keys by unique prefix; short or ambiguous prefixes are errors', async () => {
    const store = new KeyFileStore(join(tmp('find'), 'trust'));
    const a = keyPem('a', 'pw-123456');
    await store.add(a.id, a.pem);
    expect((await store.find(a.id.slice(0, 6))).keyId).toBe(a.id);
    await expect(store.find('abc')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.find('ffffffff')).rejects.toMatchObject({ code: a.id.startsWith('ffffffff') ? 'INVALID_ARGUMENT' : 'KEY_NOT_FOUND' });
  });

  it('ignores temp files, lists broken files with a warning', async () => {
    const trust = join(tmp('odd'), 'trust');
    mkdirSync(join(trust, 'private'), { recursive: true });
    writeFileSync(join(trust, 'private', '.abc.key.1.tmp'), 'half');
    writeFileSync(join(trust, 'private', `${'a'.repeat(64)}.key`), 'not pem', { mode: 0o644 });
    const [e, ...rest] = await new KeyFileStore(trust).list();
    expect(rest).toEqual([]);
    expect(e!.encryption).toBe('unreadable');
    expect(e!.warnings.join('\n')).toMatch(/lets others read it[\s\S]*no private key in this file/);
  });

  it('remove moves the file out of private/, restore brings it back byte for byte, purge deletes it', async () => {
    const trust = join(tmp('remove'), 'trust');
    const store = new KeyFileStore(trust);
    const k = keyPem('targets', 'pw-123456', 'example.com/a');
    const path = await store.add(k.id, k.pem);
    const removed = await store.remove(await store.find(k.id));
    expect(removed.path.startsWith(join(trust, 'removed-keys'))).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(await store.list()).toEqual([]);
    expect((await store.listRemoved()).map((r) => [r.keyId, r.role, r.gun])).toEqual([[k.id, 'targets', 'example.com/a']]);
    await store.restore(k.id.slice(0, 6));
    expect(readFileSync(path, 'utf8')).toBe(k.pem);
    expect(await store.listRemoved()).toEqual([]);
    await store.remove(await store.find(k.id));
    // a key that came back meanwhile is never overwritten by a restore
    await store.add(k.id, k.pem);
    await expect(store.restore(k.id)).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect((await store.purge(k.id)).length).toBe(1);
    expect(readdirSync(join(trust, 'removed-keys'))).toEqual([]);
  });

  it('a removed key restores into the trust dir where it is now, even after the dir moved; foreign manifests are ignored', async () => {
    const base = tmp('moved');
    const store = new KeyFileStore(join(base, 'trust'));
    const k = keyPem('alice', 'pw-123456');
    await store.add(k.id, k.pem);
    await store.remove(await store.find(k.id));
    const { renameSync } = await import('node:fs');
    renameSync(join(base, 'trust'), join(base, 'moved'));
    const moved = new KeyFileStore(join(base, 'moved'));
    mkdirSync(join(base, 'moved', 'removed-keys', 'evil'), { recursive: true });
    writeFileSync(join(base, 'moved', 'removed-keys', 'evil', 'removed.json'), JSON.stringify({ keyId: 'x', relPath: '../../../etc/passwd' }));
    expect((await moved.listRemoved()).map((r) => r.keyId)).toEqual([k.id]);
    await moved.restore(k.id);
    expect(readFileSync(join(base, 'moved', 'private', `${k.id}.key`), 'utf8')).toBe(k.pem);
  });
});

describe('crash safety: a process killed in the middle of writing keys', () => {
  const child = `
    import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
    const base = process.argv[2];
    const { KeyFileStore } = await import(base + '/key-file-store.js');
    const { encodePem } = await import(base + '/pem-format.js');
    const { encryptKey, privateKeyId } = await import(base + '/pkcs8-encryption.js');
    const [mode, trust, keyPemPath] = process.argv.slice(3);
    const store = new KeyFileStore(trust);
    process.stdout.write('ready\\n');
    if (mode === 'replace') {
      const { readFileSync } = await import('node:fs');
      const key = createPrivateKey(readFileSync(keyPemPath));
      for (let i = 0; ; i++) {
        const entry = (await store.list())[0];
        const pass = Buffer.from(i % 2 ? 'passphrase-B' : 'passphrase-A');
        await store.replace(entry, encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: 'targets/x' }, der: encryptKey(key, pass) }));
      }
    } else {
      for (;;) {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const der = encryptKey(privateKey, Buffer.from('passphrase-A'));
        await store.add(privateKeyId(privateKey), encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: 'x' }, der }));
      }
    }
  `;
  let script: string;
  const dist = join(ROOT, 'dist/electron/core/keystore');

  beforeAll(() => {
    if (!existsSync(join(dist, 'key-file-store.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
    script = join(tmp('crash'), 'writer.mjs');
    writeFileSync(script, child);
  }, 120_000);

  function runAndKill(args: string[], afterMs: number): Promise<void> {
    return new Promise((resolveRun, reject) => {
      const p = spawn(process.execPath, [script, dist, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), afterMs));
      p.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolveRun() : reject(new Error(`writer exited ${code}: ${err}`))));
    });
  }

  it('passwd-style replacement: the file always opens with the old or the new passphrase', async () => {
    const trust = join(tmp('crash-replace'), 'trust');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = privateKeyId(privateKey);
    const plain = join(tmp('crash-key'), 'k.pem');
    writeFileSync(plain, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    await new KeyFileStore(trust).add(
      id,
      encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: 'targets/x' }, der: encryptKey(privateKey, Buffer.from('passphrase-A')) }),
    );
    const seen = new Set<string>();
    for (let round = 0; round < 12; round++) {
      await runAndKill(['replace', trust, plain], 15 + ((round * 37) % 120));
      const entries = await new KeyFileStore(trust).list();
      expect(entries.map((e) => e.keyId)).toEqual([id]);
      const [block] = parsePemBlocks(readFileSync(entries[0]!.path, 'utf8'));
      let opened: string | undefined;
      for (const pass of ['passphrase-A', 'passphrase-B']) {
        try {
          if (privateKeyId(openBlock(block!, Buffer.from(pass))) === id) opened = pass;
        } catch {
          // the other passphrase
        }
      }
      expect(opened).toBeDefined();
      seen.add(opened!);
    }
    expect(seen.size).toBe(2); // the writer really got to replace the file, both ways
  }, 60_000);

  it('new keys: every key file present is complete, none is torn', async () => {
    const trust = join(tmp('crash-add'), 'trust');
    for (let round = 0; round < 6; round++) {
      await runAndKill(['add', trust], 30 + round * 25);
    }
    const entries = await new KeyFileStore(trust).list();
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.warnings).toEqual([]);
      expect(privateKeyId(openBlock(e.block!, Buffer.from('passphrase-A')))).toBe(e.keyId);
    }
  }, 60_000);
});

describe('KeyFileStore.dirWarnings', () => {
  it('warns about a private/ dir others can list', async () => {
    const trust = join(tmp('dirs'), 'trust');
    mkdirSync(join(trust, 'private'), { recursive: true, mode: 0o755 });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(trust, 'private'), 0o755);
    expect(await new KeyFileStore(trust).dirWarnings()).toEqual([`${join(trust, 'private')} has mode 755: others can list it (should be 700)`]);
    chmodSync(join(trust, 'private'), 0o700);
    expect(await new KeyFileStore(trust).dirWarnings()).toEqual([]);
  });
});

describe('unencrypted key files (notary writes them for an empty passphrase)', () => {
  it('are listed with a warning and open without a passphrase', async () => {
    const trust = join(tmp('plain'), 'trust');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = privateKeyId(privateKey);
    mkdirSync(join(trust, 'private'), { recursive: true, mode: 0o700 });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    writeFileSync(join(trust, 'private', `${id}.key`), encodePem({ label: 'PRIVATE KEY', headers: { role: 'targets/plain' }, der }), { mode: 0o600 });
    const [e] = await new KeyFileStore(trust).list();
    expect(e).toMatchObject({ keyId: id, role: 'targets/plain', encryption: 'none', notaryCompatible: true, warnings: ['the key is not encrypted'] });
    expect(privateKeyId(openBlock(e!.block!))).toBe(id);
  });
});
