import { describe, it, expect } from 'vitest';
import { verifyStatus, verifyExitCode, outcomeOfCode, VERIFY_EXIT_CODES, type RepositoryVerification } from './verification.js';
import { VERDICTS, type RepositoryStatus, type TagStatus } from './verdicts.js';
import { parseReference } from '../base/reference.js';
import { ERROR_CODES } from '../base/errors.js';

const GUN = 'registry.example.test/team/app';
const D = (c: string) => `sha256:${c.repeat(64)}`;

function status(tags: TagStatus[]): RepositoryStatus {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, tags.filter((t) => t.verdict === v).length])) as RepositoryStatus['counts'];
  return { name: GUN, gun: GUN, tags, counts, roles: [], signers: [], skippedRoles: [], warnings: [], source: 'remote', expiredSince: [] };
}

const TAGS: TagStatus[] = [
  { tag: 'v1', verdict: 'signed', registryDigest: D('a'), signedDigest: D('a'), signers: ['alice', 'bob'] },
  { tag: 'v2', verdict: 'signed', registryDigest: D('b'), signedDigest: D('b'), signers: ['Repo Admin'] },
  { tag: 'dev', verdict: 'unsigned', registryDigest: D('c'), signers: [] },
  { tag: 'latest', verdict: 'digest-mismatch', registryDigest: D('d'), signedDigest: D('e'), signers: ['alice'] },
  { tag: 'gone', verdict: 'signed-not-in-registry', signedDigest: D('f'), signers: ['alice'] },
];

function run(name: string, tags = TAGS, opts = {}): RepositoryVerification {
  return verifyStatus(name, parseReference(name), status(tags), opts);
}

describe('verify rules', () => {
  it('NAME:TAG: signed → ok; unsigned, mismatch, missing from the registry, absent → failed', () => {
    expect(run(`${GUN}:v1`).exitCode).toBe(0);
    expect(run(`${GUN}:dev`)).toMatchObject({ outcome: 'failed', exitCode: 1, tags: [{ tag: 'dev', problem: 'not signed' }] });
    expect(run(`${GUN}:latest`).tags[0]!.problem).toBe(`the registry serves ${D('d')}, the signature is for ${D('e')}`);
    expect(run(`${GUN}:gone`).exitCode).toBe(1);
    expect(run(`${GUN}:nosuch`)).toMatchObject({ exitCode: 1, tags: [{ verdict: 'absent' }] });
  });

  it('--signer: the tag must be signed by that delegation', () => {
    expect(run(`${GUN}:v1`, TAGS, { signer: 'bob' }).exitCode).toBe(0);
    expect(run(`${GUN}:v2`, TAGS, { signer: 'bob' }).tags[0]!.problem).toBe('not signed by bob (signed by Repo Admin)');
  });

  it('NAME: every signed tag must match; --require-signed adds the unsigned ones', () => {
    const good = TAGS.slice(0, 3);
    expect(run(GUN, good).exitCode).toBe(0);
    expect(run(GUN, good).tags.map((t) => t.tag)).toEqual(['v1', 'v2']);
    expect(run(GUN, good, { requireSigned: true }).exitCode).toBe(1);
    expect(
      run(GUN)
        .tags.filter((t) => !t.ok)
        .map((t) => t.tag),
    ).toEqual(['latest']);
    expect(run(GUN).tags.find((t) => t.tag === 'gone')).toMatchObject({ ok: true, note: 'signed, but no longer in the registry' });
    expect(run(GUN, [TAGS[2]!])).toMatchObject({ exitCode: 1, error: { code: 'REPOSITORY_NOT_SIGNED' } });
  });

  it('NAME@DIGEST and NAME:TAG@DIGEST: the digest must be signed (as that tag), by --signer if given', () => {
    expect(run(`${GUN}@${D('a')}`).exitCode).toBe(0);
    expect(run(`${GUN}:v1@${D('a')}`, TAGS, { signer: 'bob' }).exitCode).toBe(0);
    expect(run(`${GUN}:v2@${D('a')}`).tags[0]!.problem).toBe(`${D('a')} is not signed as v2`);
    expect(run(`${GUN}@${D('e')}`).exitCode).toBe(0); // latest's signed digest, whatever the registry serves
    expect(run(`${GUN}@${D('d')}`).exitCode).toBe(1); // what the registry serves for latest is not signed
    expect(run(`${GUN}@${D('b')}`, TAGS, { signer: 'alice' }).exitCode).toBe(1);
  });

  it('offline (registry not checked): a signature alone passes', () => {
    expect(run(`${GUN}:gone`, TAGS, { registryChecked: false }).exitCode).toBe(0);
  });

  it('a registry failure for the checked tag: unreachable (4), another registry error: failed', () => {
    const t: TagStatus = {
      tag: 'v1',
      verdict: 'digest-mismatch',
      signedDigest: D('a'),
      signers: [],
      registryError: { code: 'NETWORK_TIMEOUT', message: 'slow' },
    };
    expect(run(`${GUN}:v1`, [t]).exitCode).toBe(4);
    // an unchecked (unsigned) tag whose manifest could not be read does not block the others
    const u: TagStatus = { tag: 'dev', verdict: 'unsigned', signers: [], registryError: { code: 'NETWORK_TIMEOUT', message: 'slow' } };
    expect(run(GUN, [TAGS[0]!, u]).exitCode).toBe(0);
    expect(run(GUN, [TAGS[0]!, u], { requireSigned: true }).exitCode).toBe(4);
    const m: TagStatus = { ...t, registryError: { code: 'MANIFEST_UNKNOWN', message: 'gone' } };
    expect(run(`${GUN}:v1`, [m]).tags[0]!.problem).toMatch(/the registry did not serve its manifest \(MANIFEST_UNKNOWN/);
  });

  it('every error code has an outcome; the highest exit code wins', () => {
    for (const code of ERROR_CODES) expect(Object.keys(VERIFY_EXIT_CODES)).toContain(outcomeOfCode(code));
    expect(outcomeOfCode('TRUST_PIN_MISMATCH')).toBe('invalid');
    expect(outcomeOfCode('ARCHIVE_INVALID')).toBe('invalid');
    expect(outcomeOfCode('NETWORK_UNREACHABLE')).toBe('unreachable');
    expect(outcomeOfCode('REPOSITORY_NOT_SIGNED')).toBe('failed');
    expect(outcomeOfCode('CONFIG_INVALID')).toBe('usage');
    expect(verifyExitCode([{ exitCode: 1 }, { exitCode: 4 }, { exitCode: 3 }] as RepositoryVerification[])).toBe(4);
    expect(verifyExitCode([])).toBe(0);
  });
});
