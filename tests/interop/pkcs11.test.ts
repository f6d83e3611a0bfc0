/**
 * Root keys on PKCS#11 tokens, with SoftHSM2 (a real PKCS#11 module; a token dir per test through
 * SOFTHSM2_CONF) and the real lab: generate on a token, import a file root into two tokens, init a
 * repository whose root is on a token (read by notary list and docker trust inspect), rotate a file
 * root to a token root, wrong PIN and a missing token publish nothing, a missing module, and a module
 * that crashes or hangs (the calling process survives, the error says what happened).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startLab, dockerTrust, notary, runCommand, writeDockerConfig, type Lab } from '../../lab/index.js';
import { makeSoftHsm, softHsmAvailable, USER_PIN, type SoftHsm } from '../support/softhsm.js';
import { Pkcs11Client, forkTransport } from '../../electron/core/signing/token/client.js';
import { publishChanges, publishContextOf } from '../../electron/core/publishing/publisher.js';
import { TrustContext } from '../../electron/core/session/context.js';
import { parseReference } from '../../electron/core/base/reference.js';
import { createHandlers } from '../../electron/app/handlers.js';
import { SettingsStore } from '../../electron/app/settings-store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');

let lab: Lab;
const hsms: SoftHsm[] = [];

function gun(name: string): string {
  return `${lab.registryHost}/lab/${name}`;
}

/** A client of its own: DOCKER_CONFIG with the lab CA, an empty trust dir. */
async function client(): Promise<{ config: string; trustDir: string }> {
  const config = mkdtempSync(join(tmpdir(), 'trustdesk-tok-'));
  const trustDir = await writeDockerConfig(config, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return { config, trustDir };
}

function hsm(labels: string[]): SoftHsm {
  const h = makeSoftHsm(labels);
  hsms.push(h);
  return h;
}

function trustdesk(args: string[], env: Record<string, string>) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false, timeoutMs: 90_000 });
}

interface Inspected {
  SignedTags: unknown[];
  AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[];
}

async function dockerInspect(g: string, config?: string): Promise<Inspected> {
  const cfg = config ?? (await client()).config;
  const r = await dockerTrust(lab, ['inspect', g], { env: { DOCKER_CONFIG: cfg }, check: false });
  if (r.code !== 0) throw new Error(`docker trust inspect ${g} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Inspected[])[0]!;
}

async function notaryList(g: string, trustDir?: string): Promise<{ code: number; out: string }> {
  const dir = trustDir ?? mkdtempSync(join(tmpdir(), 'trustdesk-notary-'));
  const r = await notary(lab, ['list', g], { trustDir: dir, check: false });
  return { code: r.code, out: r.stdout + r.stderr };
}

function rootKeyId(i: Inspected): string {
  return i.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID;
}

/** Root certificate of the server's current root.json: its CN and the canonical IDs of the root keys. */
async function serverRoot(g: string): Promise<{ cn: string[]; version: number }> {
  const r = await runCommand(lab, 'curl', ['-sf', '--cacert', lab.caFile, `${lab.notaryUrl}/v2/${g}/_trust/tuf/root.json`], { check: false });
  const root = JSON.parse(r.stdout) as {
    signed: { version: number; keys: Record<string, { keyval: { public: string } }>; roles: { root: { keyids: string[] } } };
  };
  const cn = root.signed.roles.root.keyids.map((id) => {
    const pem = Buffer.from(root.signed.keys[id]!.keyval.public, 'base64').toString('utf8');
    return /CN=([^\n,]+)/.exec(new X509Certificate(pem).subject)?.[1] ?? '';
  });
  return { cn, version: root.signed.version };
}

/** A tiny PKCS#11 "module" whose every function crashes (SIGSEGV) or hangs: a broken vendor library. */
function fakeModule(mode: 'crash' | 'hang'): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-fake-p11-'));
  const src = join(dir, 'fake.c');
  writeFileSync(
    src,
    `#include <signal.h>
#include <unistd.h>
typedef unsigned long CK_RV;
static CK_RV bad(void) { ${mode === 'crash' ? 'raise(SIGSEGV);' : 'for (;;) sleep(1000);'} return 0; }
static struct { unsigned char major, minor; void *f[90]; } list;
CK_RV C_GetFunctionList(void **pp) { list.major = 2; list.minor = 40; for (int i = 0; i < 90; i++) list.f[i] = (void *)bad; *pp = &list; return 0; }
`,
  );
  const out = join(dir, `libfake-${mode}.so`);
  execFileSync('cc', ['-shared', '-fPIC', '-o', out, src]);
  return out;
}

const available = softHsmAvailable();
/** Distinctive, so that not finding it in output means something (hex IDs may contain 1234). */
const SECRET_PIN = 'pin-4f7c-never-shown';

beforeAll(async () => {
  if (!available) return;
  if (!existsSync(join(ROOT, 'dist/electron/signer/worker.js')) || !existsSync(join(ROOT, 'dist/trustdesk.mjs')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  for (const h of hsms) h.cleanup();
});

describe.skipIf(!available)('root keys on PKCS#11 tokens (SoftHSM2)', () => {
  it('generate on the token, init a repository with it: notary list and docker trust inspect accept it; no key file anywhere', async () => {
    const h = hsm([]);
    h.addToken('root-a', SECRET_PIN);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: SECRET_PIN };
    const g = gun('tok-init');

    const gen = await trustdesk(['token', 'generate', '--module', h.module, '--token', 'root-a'], env);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const keyId = /root key with ID ([0-9a-f]{64})/.exec(gen.stdout)![1]!;

    const init = await trustdesk(['init', g, '--root-token', 'root-a'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Successfully initialized "${g}"`);
    expect(init.stdout).not.toContain('Generated new root key'); // the token's key, not a new file

    // no root key file: the private key exists on the token only
    const files = existsSync(join(c.trustDir, 'private')) ? readdirSync(join(c.trustDir, 'private')) : [];
    expect(files.some((f) => f.startsWith(keyId))).toBe(false);
    const record = JSON.parse(readFileSync(join(c.trustDir, 'tokens', `${keyId}.json`), 'utf8'));
    expect(record).toMatchObject({ keyId, role: 'root', origin: 'generated' });
    expect(JSON.stringify(record)).not.toContain(SECRET_PIN);

    // docker and notary accept the repository; the root certificate has CN = GUN
    const seen = await dockerInspect(g);
    expect(seen.AdministrativeKeys.map((k) => k.Name)).toEqual(['Root', 'Repository']);
    const list = await notaryList(g);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toContain('No targets present');
    expect((await serverRoot(g)).cn).toEqual([g]);

    // the doctor sees the key generated on the token and the certificate stored next to it
    const doc = await trustdesk(['token', 'doctor', '--module', h.module, '--login', '--json'], env);
    expect(doc.code, doc.stdout + doc.stderr).toBe(0);
    const report = JSON.parse(doc.stdout);
    const token = report.modules[0].tokens.find((t: { label: string }) => t.label === 'root-a');
    expect(token.keys).toEqual([expect.objectContaining({ keyType: 'ec', curve: 'P-256', keyId, origin: 'generated on the token' })]);
    expect(token.certificates.map((x: { subject: string }) => x.subject)).toContain(`CN=${g}`);
    expect(doc.stdout).not.toContain(SECRET_PIN);
  });

  it('import a file root key into two tokens; either token alone signs a root rotation read by docker', async () => {
    const h = hsm(['backup-1', 'backup-2']);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    const g = gun('tok-import');
    // a repository with a file root (docker's way)
    const init = await trustdesk(['init', g], env);
    expect(init.code, init.stderr).toBe(0);
    const fileRoot = /Generated new root key with ID ([0-9a-f]{64})/.exec(init.stdout)![1]!;

    const imp = await trustdesk(['token', 'import', fileRoot.slice(0, 12), '--module', h.module, '--token', 'backup-1', '--token', 'backup-2'], env);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('into token "backup-1"');
    expect(imp.stdout).toContain('into token "backup-2"');
    const record = JSON.parse(readFileSync(join(c.trustDir, 'tokens', `${fileRoot}.json`), 'utf8'));
    expect(record.origin).toBe('imported');
    expect(record.locations.map((l: { token: { label: string } }) => l.token.label)).toEqual(['backup-1', 'backup-2']);

    // remove the key file: from now on only the tokens hold the old root
    const keyFile = readdirSync(join(c.trustDir, 'private')).find((f) => f.startsWith(fileRoot))!;
    renameSync(join(c.trustDir, 'private', keyFile), join(c.config, 'offline-backup.key'));

    // "pull out" token backup-1 (its token dir goes away): backup-2 signs for the old root
    const tokenDirs = readdirSync(join(h.dir, 'tokens'));
    const dir1 = tokenDirs.find((d) => readFileSync(join(h.dir, 'tokens', d, 'token.object')).includes(Buffer.from('backup-1')))!;
    renameSync(join(h.dir, 'tokens', dir1), join(h.dir, 'pulled-out'));
    const before = await serverRoot(g);
    const rot = await trustdesk(['key', 'rotate', g, 'root', '--to-token', 'backup-2', '--module', h.module], env);
    expect(rot.stderr).toBe('');
    expect(rot.code).toBe(0);
    const after = await serverRoot(g);
    expect(after.version).toBe(before.version + 1);
    const seen = await dockerInspect(g);
    expect(rootKeyId(seen)).not.toBe(fileRoot.slice(0, 64));
    expect((await notaryList(g)).code).toBe(0);
  });

  it('rotate a file root to a token root: clients that trusted the old root accept the new one', async () => {
    const h = hsm(['new-root']);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    const g = gun('tok-rotate');
    expect((await trustdesk(['init', g], env)).code).toBe(0);
    // a docker client and a notary client that already trust the old (file) root
    const watcher = await client();
    const oldRoot = rootKeyId(await dockerInspect(g, watcher.config));
    const notaryDir = mkdtempSync(join(tmpdir(), 'trustdesk-notary-'));
    expect((await notaryList(g, notaryDir)).code).toBe(0);

    const rot = await trustdesk(['key', 'rotate', g, 'root', '--to-token', 'new-root'], env);
    expect(rot.stderr).toBe('');
    expect(rot.code).toBe(0);
    expect(rot.stdout).toContain(`Successfully rotated root key for repository ${g}`);
    const records = readdirSync(join(c.trustDir, 'tokens'));
    expect(records).toHaveLength(1);
    const tokenKey = records[0]!.slice(0, 64);

    const seen = await dockerInspect(g, watcher.config);
    expect(rootKeyId(seen)).not.toBe(oldRoot);
    const again = await notaryList(g, notaryDir);
    expect(again.code, again.out).toBe(0);
    // the next publish is signed by the token root: targets rotation re-signs root
    const next = await trustdesk(['key', 'rotate', g, 'targets'], env);
    expect(next.code, next.stderr).toBe(0);
    expect((await notaryList(g, notaryDir)).code).toBe(0);
    expect(existsSync(join(c.trustDir, 'tokens', `${tokenKey}.json`))).toBe(true);
  });

  it('adopt a key another tool made on the token (pkcs11-tool), then init with it: docker reads the repository', async () => {
    const h = hsm(['vendor']);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    execFileSync(
      'pkcs11-tool',
      [
        '--module',
        h.module,
        '--token-label',
        'vendor',
        '--login',
        '--pin',
        USER_PIN,
        '--keypairgen',
        '--key-type',
        'EC:prime256v1',
        '--id',
        '02',
        '--label',
        'made elsewhere',
      ],
      { env: { ...process.env, ...h.env }, stdio: 'ignore' },
    );
    const adopt = await trustdesk(['token', 'adopt', '--module', h.module, '--token', 'vendor', '--id', '02'], env);
    expect(adopt.stderr).toBe('');
    expect(adopt.code).toBe(0);
    const keyId = /root key with ID ([0-9a-f]{64})/.exec(adopt.stdout)![1]!;
    const g = gun('tok-adopt');
    const init = await trustdesk(['init', g, '--root-token', 'vendor', '--module', h.module], env);
    expect(init.code, init.stderr).toBe(0);
    expect(rootKeyId(await dockerInspect(g))).toBeTruthy();
    const record = JSON.parse(readFileSync(join(c.trustDir, 'tokens', `${keyId}.json`), 'utf8'));
    expect(record).toMatchObject({ ckaId: '02', origin: 'generated', certificates: [{ gun: g }] });
    expect((await notaryList(g)).code).toBe(0);
  });

  it('wrong PIN or a missing token mid-publish: nothing is published and the message says so', async () => {
    const h = hsm(['pin-test']);
    const c = await client();
    const g = gun('tok-wrong-pin');
    // wrong PIN: the repository is not created
    const bad = await trustdesk(['init', g, '--root-token', 'pin-test', '--module', h.module], {
      ...h.env,
      DOCKER_CONFIG: c.config,
      TRUSTDESK_TOKEN_PIN: '9999',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TOKEN_PIN_WRONG');
    expect(bad.stderr).toMatch(/attempts|locks/);
    expect(bad.stderr).toContain('nothing was published');
    expect(bad.stderr).not.toContain('9999');
    expect((await notaryList(g)).code).not.toBe(0);

    // a root on the token, then the token is gone while rotating: the server keeps its root
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    expect((await trustdesk(['init', g, '--root-token', 'pin-test', '--module', h.module], env)).code).toBe(0);
    const before = await serverRoot(g);
    renameSync(join(h.dir, 'tokens'), join(h.dir, 'tokens-away'));
    execFileSync('mkdir', [join(h.dir, 'tokens')]);
    const gone = await trustdesk(['key', 'rotate', g, 'root'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('TOKEN_NOT_FOUND');
    expect(gone.stderr).toContain('none of them is present');
    expect(gone.stderr).toContain('nothing was published');
    expect((await serverRoot(g)).version).toBe(before.version);
  });

  it('the token process dies in the middle of signing a publish: nothing is published, the caller goes on', async () => {
    const h = hsm(['mid-sign']);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    const g = gun('tok-mid-sign');
    expect((await trustdesk(['init', g, '--root-token', 'mid-sign', '--module', h.module], env)).code).toBe(0);
    const before = await serverRoot(g);
    // a transport that lets the worker die as soon as a signature is asked for (a module crashing in C_Sign)
    const inner = forkTransport(undefined, { ...process.env, ...h.env });
    const dying = () => {
      const t = inner();
      return {
        ...t,
        send: (msg: unknown) => ((msg as { op?: string }).op === 'sign' ? process.kill(t.pid!, 'SIGKILL') : t.send(msg)),
        onMessage: t.onMessage,
        onExit: t.onExit,
        kill: t.kill,
        ref: t.ref,
        unref: t.unref,
        pid: t.pid,
      };
    };
    const ctx = new TrustContext({
      env: { ...process.env, ...lab.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN },
      configDir: c.config,
      trustDir: c.trustDir,
      pkcs11Transport: dying,
    });
    try {
      // rotating targets changes root.json, which the token root must sign
      const err = await publishChanges(publishContextOf(ctx), { ref: parseReference(g), changes: [{ kind: 'rotate-key', role: 'targets' }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'TOKEN_WORKER_FAILED', message: expect.stringContaining('nothing was published') });
    } finally {
      ctx.close();
    }
    expect((await serverRoot(g)).version).toBe(before.version);
    expect((await notaryList(g)).code).toBe(0);
  });

  it('the app publishes on a repository whose root is on a token (targets key rotation re-signs root through the worker)', async () => {
    const h = hsm(['app-root']);
    const c = await client();
    const env = { ...h.env, DOCKER_CONFIG: c.config, TRUSTDESK_TOKEN_PIN: USER_PIN };
    const g = gun('tok-app');
    expect((await trustdesk(['init', g, '--root-token', 'app-root', '--module', h.module], env)).code).toBe(0);
    const before = await serverRoot(g);
    const settings = new SettingsStore(mkdtempSync(join(tmpdir(), 'trustdesk-userdata-')));
    await settings.update({
      dockerConfigDir: c.config,
      trustServers: { [lab.registryHost]: lab.notaryUrl },
      caFiles: { [lab.registryHost]: lab.caFile },
    });
    const appEnv = { ...process.env, ...lab.env, ...env };
    delete appEnv.DOCKER_CONTENT_TRUST_SERVER;
    // the app takes the PIN from its PIN dialog (answered here on secret:answer), not from TRUSTDESK_TOKEN_PIN
    const asked: string[] = [];
    const handlers = createHandlers({
      settings,
      version: 't',
      openExternal: async () => undefined,
      env: appEnv,
      sendSecretRequest: (q) => {
        asked.push(q.device.label);
        setImmediate(() => void handlers.invoke('secret:answer', { id: q.id, pin: USER_PIN }));
        return true;
      },
    });
    const r = await handlers.invoke('publish:apply', {
      name: g,
      changes: [{ kind: 'rotate-key', role: 'targets' }],
      passphrases: { new: 'app token test passphrase' },
    });
    expect(asked).toEqual(['app-root']);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { published: true } });
    expect((await serverRoot(g)).version).toBe(before.version + 1);
    expect((await notaryList(g)).code).toBe(0);
  });

  it('a missing module and a module that crashes or hangs: clear errors, the caller survives', async () => {
    const c = await client();
    const missing = await trustdesk(['token', 'list', '--module', '/nonexistent/libnothing.so'], { DOCKER_CONFIG: c.config });
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('TOKEN_MODULE_ERROR');
    expect(missing.stdout).toContain('cannot open shared object file');
    const initMissing = await trustdesk(['init', gun('tok-missing'), '--root-token', 'x', '--module', '/nonexistent/libnothing.so'], {
      DOCKER_CONFIG: c.config,
      TRUSTDESK_TOKEN_PIN: USER_PIN,
    });
    expect(initMissing.code).toBe(1);
    expect(initMissing.stderr).toContain('TOKEN_MODULE_ERROR');

    const crash = fakeModule('crash');
    const doc = await trustdesk(['token', 'doctor', '--module', crash], { DOCKER_CONFIG: c.config });
    expect(doc.code).toBe(1); // the doctor reports an error, the CLI itself did not crash
    expect(doc.stdout).toContain('The module crashed or hung');
    expect(doc.stdout).toContain('SIGSEGV');

    // in-process: the client survives a crashing worker and a hung one, and works again afterwards
    const h = hsm(['after-crash']);
    const cl = new Pkcs11Client(forkTransport(undefined, { ...process.env, ...h.env }));
    try {
      await expect(cl.list(crash)).rejects.toMatchObject({ code: 'TOKEN_WORKER_FAILED' });
      const hang = fakeModule('hang');
      await expect(cl.request({ op: 'list', module: hang }, 1500)).rejects.toMatchObject({
        code: 'TOKEN_WORKER_FAILED',
        message: expect.stringContaining('did not answer'),
      });
      // killed mid-request
      const pending = cl.request({ op: 'list', module: hang }, 30_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 300));
      process.kill(cl.workerPid!, 'SIGKILL');
      expect(await pending).toMatchObject({ code: 'TOKEN_WORKER_FAILED', message: expect.stringContaining('SIGKILL') });
      const ok = await cl.list(h.module);
      expect(ok.tokens.map((t) => t.label)).toContain('after-crash');
    } finally {
      cl.close();
    }
  });
});
