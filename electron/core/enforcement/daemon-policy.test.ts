import { describe, it, expect } from 'vitest';
import {
  globMatches,
  normaliseGlob,
  parseDaemonPolicy,
  pinInDaemonJson,
  pinRuleFor,
  parseDaemonPolicyText,
  CLIENT_DEFAULT_POLICY,
} from './daemon-policy.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('daemon.json content-trust: parse and validate', () => {
  it('reads a full policy (whole daemon.json or only the section)', () => {
    const section = {
      'trust-pinning': { 'root-keys': { 'reg.example.com/org/*': [A] }, 'official-images': true },
      mode: 'enforced',
      'allow-expired-trust-cache': true,
    };
    for (const json of [{ debug: true, 'content-trust': section }, section]) {
      const { policy, problems } = parseDaemonPolicy(json);
      expect(problems).toEqual([]);
      expect(policy).toEqual({
        mode: 'enforced',
        officialImages: true,
        allowExpiredTrustCache: true,
        rootKeys: [{ glob: 'reg.example.com/org/*', pattern: 'reg.example.com/org/*', keyIds: [A] }],
      });
    }
  });

  it('no content-trust section, or no mode: disabled', () => {
    expect(parseDaemonPolicy({ debug: true }).policy.mode).toBe('disabled');
    expect(parseDaemonPolicy({ 'content-trust': {} }).policy.mode).toBe('disabled');
  });

  it('reports unknown keys, bad modes, bad globs, IDs that are not 64 hex, non-boolean flags', () => {
    const { problems } = parseDaemonPolicy({
      'content-trust': {
        mode: 'enforce',
        'allow-expired-cache': true,
        'allow-expired-trust-cache': 'yes',
        'trust-pinning': {
          'root-keys': {
            'reg.io/org/app:v1': [A],
            'reg.io//x': [A],
            'reg.io/Org/*': [A],
            'reg.io/ok/*': [A.toUpperCase(), 'abc', 7],
            'reg.io/empty': [],
            'reg.io/a@sha256': [A],
          },
          'official-image': true,
        },
      },
    });
    const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/content-trust\.mode: mode must be one of disabled, permissive, enforced, got "enforce"/);
    expect(text).toMatch(/unknown key "allow-expired-cache"/);
    expect(text).toMatch(/allow-expired-trust-cache: must be true or false/);
    expect(text).toMatch(/unknown key "official-image"/);
    expect(text).toMatch(/bad glob "reg.io\/org\/app:v1": .*not tags/);
    expect(text).toMatch(/bad glob "reg.io\/\/x": .*empty path component/);
    expect(text).toMatch(/bad glob "reg.io\/Org\/\*": .*lowercase/);
    expect(text).toMatch(/bad glob "reg.io\/a@sha256"/);
    expect(text).toMatch(/\["reg.io\/ok\/\*"\]\[0\]: "A{64}" is not a root key ID/);
    expect(text).toMatch(/\["reg.io\/ok\/\*"\]\[1\]: "abc" is not a root key ID/);
    expect(text).toMatch(/\["reg.io\/ok\/\*"\]\[2\]: 7 is not a root key ID/);
    expect(text).toMatch(/\["reg.io\/empty"\]: must be a non-empty list/);
  });

  it('a file that is not JSON is CONFIG_INVALID', () => {
    expect(() => parseDaemonPolicyText('{', 'd.json')).toThrow(/d.json is not JSON/);
  });
});

describe('globs: normalisation, matching, the longest match wins', () => {
  it('normalises names without a registry as docker does', () => {
    expect(normaliseGlob('nginx')).toEqual({ pattern: 'docker.io/library/nginx' });
    expect(normaliseGlob('myorg/*')).toEqual({ pattern: 'docker.io/myorg/*' });
    expect(normaliseGlob('index.docker.io/myorg/app')).toEqual({ pattern: 'docker.io/myorg/app' });
    expect(normaliseGlob('127.0.0.1:5000/lab/*')).toEqual({ pattern: '127.0.0.1:5000/lab/*' });
    expect(normaliseGlob('*')).toEqual({ pattern: '*' });
  });

  it('* spans slashes, ? is one character, the rest is literal', () => {
    expect(globMatches('reg.io/org/*', 'reg.io/org/team/app')).toBe(true);
    expect(globMatches('reg.io/org/*', 'reg.io/orgx/app')).toBe(false);
    expect(globMatches('reg.io/org/app?', 'reg.io/org/app1')).toBe(true);
    expect(globMatches('reg.io/org/app?', 'reg.io/org/app')).toBe(false);
    expect(globMatches('reg.io/org/app', 'regXio/org/app')).toBe(false);
  });

  it('the longest matching glob decides; official images; otherwise nothing (or TOFU without a file)', () => {
    const { policy } = parseDaemonPolicy({
      'content-trust': {
        mode: 'enforced',
        'trust-pinning': { 'official-images': true, 'root-keys': { 'reg.io/*': [A], 'reg.io/org/*': [B], 'reg.io/org/app': [C] } },
      },
    });
    const glob = (gun: string) => {
      const r = pinRuleFor(policy, gun);
      return r.kind === 'root-keys' ? r.rule.glob : r.kind;
    };
    expect(glob('reg.io/org/app')).toBe('reg.io/org/app');
    expect(glob('reg.io/org/other')).toBe('reg.io/org/*');
    expect(glob('reg.io/x/y')).toBe('reg.io/*');
    expect(glob('docker.io/library/nginx')).toBe('official');
    expect(glob('docker.io/someone/nginx')).toBe('none');
    expect(pinRuleFor(CLIENT_DEFAULT_POLICY, 'reg.io/x').kind).toBe('tofu');
  });
});

describe('pinning a repository in daemon.json', () => {
  it('adds the glob, keeps every other setting, sets enforced when no mode was set', () => {
    const before = JSON.stringify({
      debug: true,
      'content-trust': { 'trust-pinning': { 'root-keys': { 'reg.io/a': [A] } }, 'allow-expired-trust-cache': true },
    });
    const after = JSON.parse(pinInDaemonJson(before, 'reg.io/b', [B]));
    expect(after).toEqual({
      debug: true,
      'content-trust': {
        'trust-pinning': { 'root-keys': { 'reg.io/a': [A], 'reg.io/b': [B] } },
        'allow-expired-trust-cache': true,
        mode: 'enforced',
      },
    });
    expect(JSON.parse(pinInDaemonJson('', 'reg.io/b', [B]))['content-trust']['trust-pinning']['root-keys']).toEqual({ 'reg.io/b': [B] });
    // a differently spelled glob of the same name is replaced
    const hub = JSON.parse(
      pinInDaemonJson(
        JSON.stringify({ 'content-trust': { mode: 'permissive', 'trust-pinning': { 'root-keys': { nginx: [A] } } } }),
        'docker.io/library/nginx',
        [B],
      ),
    );
    expect(hub['content-trust']).toEqual({ mode: 'permissive', 'trust-pinning': { 'root-keys': { 'docker.io/library/nginx': [B] } } });
  });
});
