/**
 * The keystore against the real `notary` and `docker` CLIs on the lab's notary-server:
 *  - a key `trustdesk key generate` makes is added with `docker trust signer add` and signs with
 *    `notary add --roles targets/NAME`;
 *  - keys made by `docker trust key generate` and `notary init` are listed (both IDs of the root
 *    key), exported (byte-identical to `notary key export`), re-encrypted by `trustdesk key passwd`
 *    and still sign with notary; passwd round trip through notary's own `key passwd`;
 *  - `key load`'s refusals where docker silently does nothing (checked against docker);
 *  - removal is recoverable and notary no longer sees the key;
 *  - the legacy notary 0.1/0.3 trust dirs are read without changing a byte.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync, writeFileSync, readFileSync, readdirSync, cpSync, chmodSync, statSync } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startLab, notary, dockerTrust, runCommand, writeDockerConfig, LAB_PASSPHRASE, type Lab } from '../../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trustdesk.js');
const LEGACY = resolve(ROOT, 'tests/fixtures/legacy-trust-dirs'); // read-only fixtures, copied before use

let lab: Lab;
let work: string;
let targetFile: string;

async function freshConfig(): Promise<string> {
  const dir = mkdtempSync(join(work, 'cfg-'));
  await writeDockerConfig(dir, lab.caFile, [lab.notaryHost, lab.registryHost]);
  return dir;
}

function trustdesk(args: string[], env: Record<string, string> = {}) {
  return runCommand(lab, process.execPath, [BIN, ...args], { env, check: false });
}

function gun(name: string): string {
  return `${lab.registryHost}/keystore/${name}`;
}

interface ListedKey {
  keyId: string;
  otherIds: string[];
  role?: string;
  gun?: string;
  algorithm?: string;
  layout: string;
  path: string;
  usedBy: { gun: string; role: string; metadataKeyId: string }[];
}
interface Listed {
  keys: ListedKey[];
  findings: { severity: string; kind: string; gun?: string; role?: string; keyIds: string[]; message: string }[];
  removed: { keyId: string }[];
}

async function listJson(trustDir: string, env: Record<string, string> = {}): Promise<Listed> {
  const r = await trustdesk(['key', 'list', '--json', '-d', trustDir], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Listed;
}

/** `notary key list` rows (role, gun, id), sorted by key ID; notary cuts long GUNs to `...<tail>`. */
async function notaryKeys(trustDir: string): Promise<{ role: string; gun: string; id: string }[]> {
  const { stdout } = await notary(lab, ['key', 'list'], { trustDir });
  return stdout
    .split('\n')
    .slice(3)
    .map((l) => l.trim().split(/\s{2,}/))
    .filter((c) => c.length >= 3)
    .map((c) => (c.length === 4 ? { role: c[0]!, gun: c[1]!, id: c[2]! } : { role: c[0]!, gun: '', id: c[1]! }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Our keys in notary key list's terms (GUN cut as notary cuts it when `as` shows a cut GUN). */
function asNotaryRows(keys: ListedKey[], theirs: { gun: string }[]): { role: string; gun: string; id: string }[] {
  const cut = (g: string) => theirs.find((t) => t.gun.startsWith('...') && g.endsWith(t.gun.slice(3)))?.gun ?? g;
  return keys.map((k) => ({ role: k.role ?? '', gun: cut(k.gun ?? ''), id: k.keyId })).sort((a, b) => a.id.localeCompare(b.id));
}

/** Same GUN, allowing for notary's `...` cut. */
function sameGun(notaryGun: string, gun: string): boolean {
  return notaryGun === gun || (notaryGun.startsWith('...') && gun.endsWith(notaryGun.slice(3)));
}

async function signedTags(name: string): Promise<{ tag: string; signers: string[] }[]> {
  const cfg = await freshConfig();
  const { stdout } = await dockerTrust(lab, ['inspect', name], { env: { DOCKER_CONFIG: cfg } });
  const [repo] = JSON.parse(stdout) as { SignedTags: { SignedTag: string; Signers: string[] }[] }[];
  return repo!.SignedTags.map((t) => ({ tag: t.SignedTag, signers: t.Signers }));
}

function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${statSync(p).mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/trustdesk.mjs'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
  lab = await startLab();
  work = mkdtempSync(join(tmpdir(), 'trustdesk-keystore-'));
  targetFile = join(work, 'target.bin');
  writeFileSync(targetFile, 'signed by the keystore test\n');
}, 240_000);

afterAll(async () => {
  await lab?.stop();
});

describe('keys trustdesk makes work in notary and docker', () => {
  it('generate → docker trust signer add → notary add --roles targets/NAME signs with our key file', async () => {
    const admin = await freshConfig();
    const signer = await freshConfig();
    const pubDir = mkdtempSync(join(work, 'pub-'));
    const signerPass = 'carol-passphrase-42';
    const g = await trustdesk(['key', 'generate', 'carol', '--dir', pubDir], {
      DOCKER_CONFIG: signer,
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: signerPass,
    });
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    expect(g.stdout).toBe(
      `Generating key for carol...\nSuccessfully generated and loaded private key. Corresponding public key available: ${pubDir}/carol.pub\n`,
    );
    // files as docker writes them
    const pub = readFileSync(join(pubDir, 'carol.pub'), 'utf8');
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: carol\n\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(statSync(join(pubDir, 'carol.pub')).mode & 0o777).toBe(0o600);
    const priv = join(signer, 'trust', 'private');
    expect(statSync(priv).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(priv);
    const keyId = file!.replace(/\.key$/, '');
    const body = readFileSync(join(priv, file!), 'utf8');
    expect(body.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: carol\n\nMIHuMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAO')).toBe(true);
    expect(statSync(join(priv, file!)).mode & 0o777).toBe(0o600);
    expect(await notaryKeys(join(signer, 'trust'))).toEqual([{ role: 'carol', gun: '', id: keyId }]);

    const name = gun('generated');
    await dockerTrust(lab, ['signer', 'add', '--key', join(pubDir, 'carol.pub'), 'carol', name], { env: { DOCKER_CONFIG: admin } });
    // docker's signer add delegated targets/releases and targets/carol to the key; sign both as docker does
    await notary(lab, ['add', '-p', name, 'v1', targetFile, '--roles', 'targets/releases', '--roles', 'targets/carol'], {
      trustDir: join(signer, 'trust'),
      env: { NOTARY_DELEGATION_PASSPHRASE: signerPass },
    });
    expect(await signedTags(name)).toEqual([{ tag: 'v1', signers: ['carol'] }]);

    // inventory of the signer's machine (notary cached the metadata): carol's key serves both delegations
    const after = await listJson(join(signer, 'trust'));
    expect(after.keys.map((k) => [k.keyId, k.role, k.usedBy.map((u) => `${u.role}@${u.gun}`)])).toEqual([
      [keyId, 'carol', [`targets/carol@${name}`, `targets/releases@${name}`]],
    ]);
  });
});

describe('keys docker and notary made: listed, exported, re-encrypted, still working', () => {
  let admin: string;
  let name: string;
  let ids: { root: string; targets: string; snapshot: string };

  beforeAll(async () => {
    admin = await freshConfig();
    name = gun('notary-made');
    await notary(lab, ['init', '-p', name], { trustDir: join(admin, 'trust') });
    const rows = await notaryKeys(join(admin, 'trust'));
    const id = (role: string) => rows.find((r) => r.role === role)!.id;
    ids = { root: id('root'), targets: id('targets'), snapshot: id('snapshot') };
  });

  it('list shows what notary key list shows, plus both IDs of the root key and where each key serves', async () => {
    await trustdesk(['inspect', name], { DOCKER_CONFIG: admin });
    const listed = await listJson(join(admin, 'trust'));
    const rows = await notaryKeys(join(admin, 'trust'));
    expect(asNotaryRows(listed.keys, rows)).toEqual(rows);
    expect(listed.keys.map((k) => k.role)).toEqual(['root', 'targets', 'snapshot']);
    const root = listed.keys.find((k) => k.role === 'root')!;
    const cfg = await freshConfig();
    const inspect = JSON.parse((await dockerTrust(lab, ['inspect', name], { env: { DOCKER_CONFIG: cfg } })).stdout) as {
      AdministrativeKeys: { Name: string; Keys: { ID: string }[] }[];
    }[];
    const rootCertId = inspect[0]!.AdministrativeKeys.find((k) => k.Name === 'Root')!.Keys[0]!.ID;
    expect(root.keyId).not.toBe(rootCertId);
    expect(root.otherIds).toEqual([rootCertId]);
    expect(root.usedBy).toEqual([{ gun: name, role: 'root', metadataKeyId: rootCertId, verified: true }]);
    expect(listed.keys.find((k) => k.role === 'targets')!.usedBy.map((u) => u.role)).toEqual(['targets']);
    expect(listed.keys.every((k) => k.algorithm === 'ecdsa')).toBe(true);
    expect(listed.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // the root key opens with docker's variable alone and with notary's alone
    for (const env of [{ NOTARY_ROOT_PASSPHRASE: '' }, { DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: '' }]) {
      const r = await trustdesk(['key', 'export', '--public', root.keyId, '-d', join(admin, 'trust')], env);
      expect({ env, code: r.code, stderr: r.stderr }).toEqual({ env, code: 0, stderr: '' });
    }
    const none = await trustdesk(['key', 'export', '--public', root.keyId, '-d', join(admin, 'trust')], {
      NOTARY_ROOT_PASSPHRASE: '',
      DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: '',
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /PASSPHRASE_REQUIRED: the root key [0-9a-f]{7} is encrypted: set NOTARY_ROOT_PASSPHRASE or DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE/,
    );
  });

  it('export is byte-identical to notary key export, and notary imports it', async () => {
    const ours = await trustdesk(['key', 'export', ids.targets, '-d', join(admin, 'trust')]);
    expect(ours.code).toBe(0);
    const theirsFile = join(work, `notary-export-${ids.targets.slice(0, 7)}.pem`);
    await notary(lab, ['key', 'export', '--key', ids.targets, '-o', theirsFile], { trustDir: join(admin, 'trust') });
    expect(ours.stdout).toBe(readFileSync(theirsFile, 'utf8'));
    const other = await freshConfig();
    const f = join(work, 'ours-export.pem');
    writeFileSync(f, ours.stdout, { mode: 0o600 });
    await notary(lab, ['key', 'import', f], { trustDir: join(other, 'trust') });
    const [row, ...more] = await notaryKeys(join(other, 'trust'));
    expect(more).toEqual([]);
    expect([row!.role, row!.id, sameGun(row!.gun, name)]).toEqual(['targets', ids.targets, true]);
    // and the other way: notary's export of every key (one file, several blocks) imported by us
    const all = join(work, 'notary-export-all.pem');
    await notary(lab, ['key', 'export', '-o', all], { trustDir: join(admin, 'trust') });
    const mine = join(await freshConfig(), 'trust');
    const imp = await trustdesk(['key', 'import', all, '-d', mine]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(await notaryKeys(mine)).toEqual(await notaryKeys(join(admin, 'trust')));
    for (const id of Object.values(ids)) {
      expect(readFileSync(join(mine, 'private', `${id}.key`), 'utf8')).toBe(readFileSync(join(admin, 'trust', 'private', `${id}.key`), 'utf8'));
    }
  });

  it('passwd round trip: we re-encrypt a notary key, notary signs with it and re-encrypts it in its own code, we open that and change it back', async () => {
    const trustDir = join(admin, 'trust');
    const newPass = 'a-brand-new-passphrase';
    const p = await trustdesk(['key', 'passwd', ids.targets, '-d', trustDir], { TRUSTDESK_NEW_PASSPHRASE: newPass });
    expect(p.stderr).toBe('');
    expect(p.stdout).toBe(`Successfully updated passphrase for key ID: ${ids.targets}\n`);
    const old = await notary(lab, ['add', '-p', name, 'nope', targetFile], { trustDir, check: false });
    expect(old.code).not.toBe(0); // the lab passphrase no longer opens it
    await notary(lab, ['reset', name, '--all'], { trustDir });
    await notary(lab, ['add', '-p', name, 'v2', targetFile], { trustDir, env: { NOTARY_TARGETS_PASSPHRASE: newPass } });
    expect((await signedTags(name)).map((t) => t.tag)).toEqual(['v2']);
    // notary re-encrypts it in its own code (without a TTY its passwd takes old and new from the env)
    const before = readFileSync(join(trustDir, 'private', `${ids.targets}.key`), 'utf8');
    await notary(lab, ['key', 'passwd', ids.targets], { trustDir, env: { NOTARY_TARGETS_PASSPHRASE: newPass } });
    expect(readFileSync(join(trustDir, 'private', `${ids.targets}.key`), 'utf8')).not.toBe(before);
    // we open notary's file and change the passphrase back; docker and notary use it again (next tests)
    const back = await trustdesk(['key', 'passwd', ids.targets, '-d', trustDir], {
      NOTARY_TARGETS_PASSPHRASE: newPass,
      TRUSTDESK_NEW_PASSPHRASE: LAB_PASSPHRASE,
    });
    expect(back.code).toBe(0);
    const pub = await trustdesk(['key', 'export', '--public', ids.targets, '-d', trustDir]);
    expect(pub.code).toBe(0);
    expect(pub.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: targets\n\nMFkw/);
    // wrong passphrase everywhere: its own error, exit 1
    const wrong = await trustdesk(['key', 'export', '--public', ids.targets, '-d', trustDir], {
      NOTARY_TARGETS_PASSPHRASE: 'wrong-one',
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'wrong-two',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^trustdesk: PASSPHRASE_WRONG: wrong passphrase for targets key/);
  });

  it('keys docker made (root, targets, a signer key), re-encrypted by us, still sign with notary and docker', async () => {
    const dockerAdmin = await freshConfig();
    const signer = await freshConfig();
    const pubDir = mkdtempSync(join(work, 'pub-'));
    const repo = gun('docker-made');
    await dockerTrust(lab, ['key', 'generate', 'dave', '--dir', pubDir], { env: { DOCKER_CONFIG: signer } });
    const listed = await listJson(join(signer, 'trust'));
    expect(listed.keys.map((k) => [k.role, k.gun, k.algorithm])).toEqual([['dave', undefined, 'ecdsa']]);
    expect(listed.findings.map((f) => f.kind)).toEqual(['orphan-key']);
    const daveId = listed.keys[0]!.keyId;
    const newPass = 'daves-own-passphrase';
    const p = await trustdesk(['key', 'passwd', daveId.slice(0, 10), '-d', join(signer, 'trust')], { TRUSTDESK_NEW_PASSPHRASE: newPass });
    expect(p.code).toBe(0);
    // exported by us, imported by notary elsewhere: same key, same role
    const exported = join(work, 'dave-export.pem');
    expect((await trustdesk(['key', 'export', daveId, '-o', exported, '-d', join(signer, 'trust')])).code).toBe(0);
    const elsewhere = join(await freshConfig(), 'trust');
    await notary(lab, ['key', 'import', exported], { trustDir: elsewhere });
    expect(await notaryKeys(elsewhere)).toEqual([{ role: 'dave', gun: '', id: daveId }]);
    // docker initialises the repository (root and targets keys on the admin's machine, snapshot on the server)
    await dockerTrust(lab, ['signer', 'add', '--key', join(pubDir, 'dave.pub'), 'dave', repo], { env: { DOCKER_CONFIG: dockerAdmin } });
    const admin = await listJson(join(dockerAdmin, 'trust'));
    expect(admin.keys.map((k) => k.role)).toEqual(['root', 'targets']);
    expect(admin.keys.map((k) => k.usedBy.map((u) => u.role))).toEqual([['root'], ['targets']]);
    expect(admin.findings.filter((f) => f.kind === 'missing-key').map((f) => [f.severity, f.role])).toEqual([['info', 'snapshot']]);
    // re-encrypt docker's targets key and let docker use it again
    const targetsId = admin.keys[1]!.keyId;
    const adminPass = 'admins-new-passphrase';
    expect((await trustdesk(['key', 'passwd', targetsId, '-d', join(dockerAdmin, 'trust')], { TRUSTDESK_NEW_PASSPHRASE: adminPass })).code).toBe(0);
    await notary(lab, ['add', '-p', repo, 'v3', targetFile, '--roles', 'targets/releases', '--roles', 'targets/dave'], {
      trustDir: join(signer, 'trust'),
      env: { NOTARY_DELEGATION_PASSPHRASE: newPass },
    });
    expect(await signedTags(repo)).toEqual([{ tag: 'v3', signers: ['dave'] }]);
    const rm = await dockerTrust(lab, ['signer', 'remove', 'dave', repo], {
      env: { DOCKER_CONFIG: dockerAdmin, DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: adminPass },
      stdin: 'y\n',
    });
    expect(rm.stdout).toMatch(/Successfully removed dave from/);
  });

  it('inventory: a missing targets key is reported before signing fails', async () => {
    const trustDir = join(admin, 'trust');
    await trustdesk(['inspect', name], { DOCKER_CONFIG: admin });
    const removed = await trustdesk(['key', 'remove', ids.targets, '-d', trustDir]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toBe(`warning: the key served targets in ${name}: signing that role on this machine now fails\n`);
    const listed = await listJson(trustDir);
    const missing = listed.findings.filter((f) => f.kind === 'missing-key' && f.role === 'targets');
    expect(missing.map((f) => [f.severity, f.gun, f.keyIds])).toEqual([['error', name, [ids.targets]]]);
    const check = await trustdesk(['key', 'list', '--check', '-d', trustDir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/could not find necessary signing keys/);
    const sign = await notary(lab, ['add', '-p', name, 'v4', targetFile], { trustDir, check: false });
    expect(sign.code).not.toBe(0);
    expect(`${sign.stdout}${sign.stderr}`).toMatch(/could not find necessary signing keys|could not find/);
    expect((await trustdesk(['key', 'restore', ids.targets, '-d', trustDir])).code).toBe(0);
    expect((await listJson(trustDir)).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('key remove is recoverable until confirmed', () => {
  it("moves the key out of notary's sight, restores it, and --confirm deletes it for good", async () => {
    const cfg = await freshConfig();
    const trustDir = join(cfg, 'trust');
    const pubDir = mkdtempSync(join(work, 'pub-'));
    expect((await trustdesk(['key', 'generate', 'erin', '--dir', pubDir], { DOCKER_CONFIG: cfg })).code).toBe(0);
    const [{ id }] = (await notaryKeys(trustDir)) as [{ id: string }];
    const before = readFileSync(join(trustDir, 'private', `${id}.key`));

    const r = await trustdesk(['key', 'remove', id.slice(0, 8), '-d', trustDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Moved key ${id} to ${trustDir}/removed-keys/.+/${id}\\.key\\n`));
    expect(r.stdout).toContain(`trustdesk key restore ${id}`);
    expect(await notaryKeys(trustDir)).toEqual([]);
    expect((await listJson(trustDir)).removed.map((k) => k.keyId)).toEqual([id]);

    expect((await trustdesk(['key', 'restore', id, '-d', trustDir])).code).toBe(0);
    expect(await notaryKeys(trustDir)).toEqual([{ role: 'erin', gun: '', id }]);
    expect(readFileSync(join(trustDir, 'private', `${id}.key`))).toEqual(before);

    expect((await trustdesk(['key', 'remove', id, '--confirm', '-d', trustDir])).code).toBe(0);
    expect(await notaryKeys(trustDir)).toEqual([]);
    const l = await listJson(trustDir);
    expect([l.keys, l.removed]).toEqual([[], []]);
    const again = await trustdesk(['key', 'remove', id, '-d', trustDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/KEY_NOT_FOUND/);
  });
});

describe('key load: every input docker accepts silently or wrongly gets its own error', () => {
  let cfg: string;
  let trustDir: string;
  let encryptedCopy: string;
  let encryptedId: string;

  beforeAll(async () => {
    // an encrypted key copied out of another trust dir (no path: header): docker "loads" it and writes nothing
    const donor = await freshConfig();
    const pubDir = mkdtempSync(join(work, 'pub-'));
    await dockerTrust(lab, ['key', 'generate', 'frank', '--dir', pubDir], { env: { DOCKER_CONFIG: donor } });
    const [f] = readdirSync(join(donor, 'trust', 'private'));
    encryptedId = f!.replace(/\.key$/, '');
    encryptedCopy = join(work, 'frank-copy.key');
    cpSync(join(donor, 'trust', 'private', f!), encryptedCopy);
    chmodSync(encryptedCopy, 0o600);
    cfg = await freshConfig();
    trustDir = join(cfg, 'trust');
  });

  const file = (n: string, text: string | Buffer, mode = 0o600) => {
    const p = join(work, n);
    writeFileSync(p, text, { mode });
    chmodSync(p, mode);
    return p;
  };

  it('docker reports success for the copied encrypted key but stores nothing; we store it', async () => {
    const theirs = await dockerTrust(lab, ['key', 'load', encryptedCopy, '--name', 'frank'], { env: { DOCKER_CONFIG: cfg } });
    expect(theirs.code).toBe(0);
    expect(existsSync(join(trustDir, 'private', `${encryptedId}.key`))).toBe(false);
    const ours = await trustdesk(['key', 'load', encryptedCopy, '--name', 'frank'], { DOCKER_CONFIG: cfg });
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(readFileSync(join(trustDir, 'private', `${encryptedId}.key`), 'utf8')).toBe(readFileSync(encryptedCopy, 'utf8')); // notary-format bytes kept
    expect(await notaryKeys(trustDir)).toEqual([{ role: 'frank', gun: '', id: encryptedId }]);
  });

  it('refuses a key already present', async () => {
    const r = await trustdesk(['key', 'load', encryptedCopy, '--name', 'frank'], { DOCKER_CONFIG: cfg });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^trustdesk: KEY_EXISTS: key [0-9a-f]{64} from .* is already in/);
  });

  it('refuses a wrong passphrase', async () => {
    const other = await freshConfig();
    const r = await trustdesk(['key', 'load', encryptedCopy, '--name', 'frank'], {
      DOCKER_CONFIG: other,
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'not-the-passphrase',
      NOTARY_DELEGATION_PASSPHRASE: 'not-this-either',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PASSPHRASE_WRONG/);
    expect(existsSync(join(other, 'trust', 'private'))).toBe(false);
  });

  it('refuses a public key, a non-PEM file, a key others can read, an unsupported curve, a bad name', async () => {
    const pubDir = mkdtempSync(join(work, 'pub-'));
    await trustdesk(['key', 'generate', 'gina', '--dir', pubDir], { DOCKER_CONFIG: await freshConfig() });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const cases: [string, string[], RegExp][] = [
      [
        'public key',
        [join(pubDir, 'gina.pub')],
        /KEY_FORMAT_INVALID: .*holds a public key, not a private key: to add a signer's public key use "docker trust signer add/,
      ],
      ['no PEM', [file('der.key', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))], /KEY_FORMAT_INVALID: .* is not a PEM key file/],
      [
        'world-readable',
        [file('open.key', p256, 0o644)],
        /KEY_FILE_INSECURE: refusing to load key from .*must not be readable or writable by others/,
      ],
      ['P-384', [file('p384.key', p384)], /KEY_FORMAT_INVALID: unsupported EC curve secp384r1/],
      ['missing file', [join(work, 'nope.key')], /KEY_NOT_FOUND: cannot read .*no such file/],
    ];
    for (const [what, args, re] of cases) {
      const r = await trustdesk(['key', 'load', ...args, '--name', 'x'], { DOCKER_CONFIG: cfg });
      expect({ what, code: r.code, stderr: r.stderr }).toEqual({ what, code: 1, stderr: expect.stringMatching(re) });
    }
    const bad = await trustdesk(['key', 'load', file('ok.key', p256), '--name', 'Bad'], { DOCKER_CONFIG: cfg });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/key name "Bad" must start with lowercase alphanumeric characters/);
    // and an unencrypted P-256 key is loaded, encrypted in notary's format with the repository passphrase
    const ok = await trustdesk(['key', 'load', file('ok2.key', p256), '--name', 'helen'], { DOCKER_CONFIG: cfg });
    expect(ok.code).toBe(0);
    expect((await notaryKeys(trustDir)).map((k) => k.role).sort()).toEqual(['frank', 'helen']);
  });

  it('import refuses a targets key without a GUN with a clear message (notary: a warning and "invalid key pem block")', async () => {
    const k = file('t.key', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const theirDir = join(await freshConfig(), 'trust');
    const theirs = await notary(lab, ['key', 'import', k, '--role', 'targets'], { trustDir: theirDir, check: false });
    expect(theirs.stderr).toMatch(/Cannot have canonical role key without a gun/);
    expect(await notaryKeys(theirDir)).toEqual([]);
    const ours = await trustdesk(['key', 'import', k, '--role', 'targets', '-d', trustDir]);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toMatch(/INVALID_ARGUMENT: .*a targets key belongs to one repository: give --gun/);
    const withGun = await trustdesk(['key', 'import', k, '--role', 'targets', '--gun', gun('imported'), '-d', trustDir]);
    expect(withGun.code).toBe(0);
    expect(sameGun((await notaryKeys(trustDir)).find((r) => r.role === 'targets')!.gun, gun('imported'))).toBe(true);
  });
});

describe('legacy trust dirs (notary 0.1 and 0.3) are read without modification', () => {
  const table = {
    'notary0.1': [
      ['root', undefined, 'd0c623c8e70c70d42a8a8125c44a8598588b3f6e31d5c21a83cbc338dfde8a68'],
      ['targets', 'docker.com/notary0.1/samplerepo', '7fc757801b9bab4ec9e35bfe7a6b61668ff6f4c81b5632af19e6c728ab799599'],
      ['snapshot', 'docker.com/notary0.1/samplerepo', 'a55ccf652b0be4b6c4d356cbb02d9ea432bb84a2571665be3df7c7396af8e8b8'],
    ],
    'notary0.3': [
      ['root', undefined, 'f4eaf871a74aa3b3a0ff95cef2455a1e4d461639f5625418e76756fc5c948690'],
      ['targets', 'docker.com/notary0.3/tst', '041b64dab281324ef2b62fd2d04f4758269e120ff063b7bc78709272821a0a02'],
      ['snapshot', 'docker.com/notary0.3/tst', '85559599cf3cf681ff193f432a7ca6d128182bd1cfa8ede2c70761deac8bc2dc'],
      ['targets/releases', undefined, 'fa842f66cac2dc898677a8660789dcff0e3b0b93b73f8952491f6493199936d3'],
    ],
  } as const;
  for (const [dir, want] of Object.entries(table)) {
    it(`${dir}: list, public export and the inventory leave every byte and mode as it was`, async () => {
      const copy = join(mkdtempSync(join(work, 'legacy-')), dir);
      cpSync(join(LEGACY, dir), copy, { recursive: true });
      const before = hashTree(copy);
      const listed = await listJson(copy);
      expect(listed.keys.map((k) => [k.role, k.gun, k.keyId])).toEqual(want);
      expect(listed.keys.every((k) => k.layout.startsWith('legacy-'))).toBe(true);
      // the root key serves the repository through its certificate (a second ID)
      expect(listed.keys[0]!.usedBy.map((u) => u.role)).toEqual(['root']);
      expect(listed.keys[0]!.otherIds.length).toBe(1);
      // the 0.3 fixtures open with "password", not "randompass" (checked with openssl)
      const pass = dir === 'notary0.1' ? 'randompass' : 'password';
      for (const [role, , id] of want) {
        const r = await trustdesk(['key', 'export', '--public', id, '-d', copy], {
          NOTARY_ROOT_PASSPHRASE: pass,
          NOTARY_TARGETS_PASSPHRASE: pass,
          NOTARY_SNAPSHOT_PASSPHRASE: pass,
          NOTARY_DELEGATION_PASSPHRASE: pass,
        });
        expect({ role, code: r.code, stderr: r.stderr }).toEqual({ role, code: 0, stderr: '' });
        expect(r.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      }
      expect(hashTree(copy)).toEqual(before);
    });
  }

  it('key migrate (only when asked) moves notary 0.1 keys to the flat layout with a backup; notary opens them', async () => {
    const copy = join(mkdtempSync(join(work, 'legacy-')), 'notary0.1');
    cpSync(join(LEGACY, 'notary0.1'), copy, { recursive: true });
    chmodSync(join(copy, 'private'), 0o700); // the fixtures are read-only; a user's dir is not
    for (const d of ['root_keys', 'tuf_keys', 'tuf_keys/docker.com', 'tuf_keys/docker.com/notary0.1', 'tuf_keys/docker.com/notary0.1/samplerepo'])
      chmodSync(join(copy, 'private', d), 0o700);
    const before = hashTree(join(copy, 'private'));
    const m = await trustdesk(['key', 'migrate', '-d', copy]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const listed = await listJson(copy);
    expect(listed.keys.map((k) => [k.role, k.gun, k.keyId, k.layout])).toEqual(table['notary0.1'].map(([r, g, id]) => [r, g, id, 'flat']));
    // every original file is kept, byte for byte, under removed-keys/<timestamp>/<its old path>
    const backups = hashTree(join(copy, 'removed-keys'));
    for (const [rel, h] of Object.entries(before)) {
      const match = Object.entries(backups).find(([b]) => b.endsWith(rel));
      expect(match && match[1].split(' ')[1]).toBe(h.split(' ')[1]);
    }
    const rows = await notaryKeys(copy);
    expect(rows.map((r) => r.id).sort()).toEqual(table['notary0.1'].map(([, , id]) => id).sort());
    await notary(lab, ['key', 'passwd', table['notary0.1'][0][2]], { trustDir: copy, env: { NOTARY_ROOT_PASSPHRASE: 'randompass' } });
    expect((await trustdesk(['key', 'migrate', '-d', copy])).stdout).toBe('No keys in legacy layouts.\n');
  });
});
