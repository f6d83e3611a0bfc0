import { describe, expect, it } from 'vitest';
import { isTrustDeskError } from './errors.js';
import { digestProblem, isValidRepository, isValidTag, parseReference, registryApiHost, registryHostname } from './reference.js';

const HEX = 'a'.repeat(64);
const D = `sha256:${HEX}`;

describe('parseReference: valid references', () => {
  const cases: Array<[string, { gun: string; registry: string; repository: string; tag?: string; digest?: string }]> = [
    ['nginx', { gun: 'docker.io/library/nginx', registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.25', { gun: 'docker.io/library/nginx', registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    ['user/app:tag', { gun: 'docker.io/user/app', registry: 'docker.io', repository: 'user/app', tag: 'tag' }],
    ['docker.io/nginx', { gun: 'docker.io/library/nginx', registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/nginx', { gun: 'docker.io/library/nginx', registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/library/nginx:latest', { gun: 'docker.io/library/nginx', registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['127.0.0.1:5000/lab/app:v1', { gun: '127.0.0.1:5000/lab/app', registry: '127.0.0.1:5000', repository: 'lab/app', tag: 'v1' }],
    ['host:5000/a/b:tag', { gun: 'host:5000/a/b', registry: 'host:5000', repository: 'a/b', tag: 'tag' }],
    ['registry.example.test/team/app', { gun: 'registry.example.test/team/app', registry: 'registry.example.test', repository: 'team/app' }],
    ['localhost/x', { gun: 'localhost/x', registry: 'localhost', repository: 'x' }],
    ['localhost:5000/x:1', { gun: 'localhost:5000/x', registry: 'localhost:5000', repository: 'x', tag: '1' }],
    // No slash: "localhost:5000" is the name "localhost" with tag "5000", as in docker.
    ['localhost:5000', { gun: 'docker.io/library/localhost', registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    [`name@${D}`, { gun: 'docker.io/library/name', registry: 'docker.io', repository: 'library/name', digest: D }],
    [`a/b:v1@${D}`, { gun: 'docker.io/a/b', registry: 'docker.io', repository: 'a/b', tag: 'v1', digest: D }],
    ['[::1]:5000/x/y:z', { gun: '[::1]:5000/x/y', registry: '[::1]:5000', repository: 'x/y', tag: 'z' }],
    ['a.b/c', { gun: 'a.b/c', registry: 'a.b', repository: 'c' }],
    // An upper-case first component can only be a host name (docker's rule).
    ['Example/app', { gun: 'Example/app', registry: 'Example', repository: 'app' }],
    ['a/b/c/d', { gun: 'docker.io/a/b/c/d', registry: 'docker.io', repository: 'a/b/c/d' }],
    ['foo_bar/a__b/c-d/e---f/g.h', { gun: 'docker.io/foo_bar/a__b/c-d/e---f/g.h', registry: 'docker.io', repository: 'foo_bar/a__b/c-d/e---f/g.h' }],
    ['app:V1_x.y-z', { gun: 'docker.io/library/app', registry: 'docker.io', repository: 'library/app', tag: 'V1_x.y-z' }],
    [`app:_${'x'.repeat(127)}`, { gun: 'docker.io/library/app', registry: 'docker.io', repository: 'library/app', tag: `_${'x'.repeat(127)}` }],
    [
      `x@sha512:${'0'.repeat(128)}`,
      { gun: 'docker.io/library/x', registry: 'docker.io', repository: 'library/x', digest: `sha512:${'0'.repeat(128)}` },
    ],
  ];
  for (const [input, expected] of cases) {
    it(input.length > 60 ? `${input.slice(0, 60)}…` : input, () => {
      expect(parseReference(input)).toEqual({ input, ...expected });
    });
  }

  it('keeps the input exactly as typed', () => {
    expect(parseReference('127.0.0.1:5000/lab/app:nosuch').input).toBe('127.0.0.1:5000/lab/app:nosuch');
  });

  it('accepts a normalised name of exactly 255 characters', () => {
    const repo = 'a'.repeat(255 - 'docker.io/library/'.length);
    expect(parseReference(repo).gun).toHaveLength(255);
  });
});

describe('parseReference: invalid references', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /repository name must have at least one component/],
    [HEX, /cannot specify 64-byte hexadecimal strings/],
    ['Nginx', /repository name "library\/Nginx" must be lowercase/],
    ['user/App', /must be lowercase/],
    ['a.b/Repo:tag', /must be lowercase/],
    ['nginx:', /invalid tag ""/],
    ['nginx:.bad', /invalid tag "\.bad"/],
    ['nginx:-bad', /invalid tag "-bad"/],
    ['nginx:a+b', /invalid tag "a\+b"/],
    [`nginx:${'a'.repeat(129)}`, /tag is longer than 128 characters/],
    ['nginx@sha256:abc', /invalid digest format/],
    [`nginx@sha256:${'A'.repeat(64)}`, /must be lowercase/],
    [`nginx@sha256:${'a'.repeat(63)}`, /invalid digest format|length/],
    [`nginx@sha256:${'a'.repeat(65)}`, /invalid sha256 digest length: 65/],
    [`nginx@md5:${'a'.repeat(32)}`, /unsupported digest algorithm "md5"/],
    ['nginx@', /invalid digest format/],
    [`@${D}`, /at least one component/],
    ['nginx@latest', /invalid digest format/],
    ['a//b', /empty path component/],
    ['a/b/', /empty path component/],
    ['/a', /empty path component|invalid registry|at least one/],
    ['a_/b', /invalid repository path component "a_"/],
    ['a/-b', /invalid repository path component "-b"/],
    ['a/b___c', /invalid repository path component "b___c"/],
    ['a/b..c', /invalid repository path component "b\.\.c"/],
    ['host:port/a', /invalid registry host "host:port"/],
    ['-host.com/a', /invalid registry host "-host\.com"/],
    ['ho_st.com/a', /invalid registry host "ho_st\.com"/],
    ['nginx latest', /must not contain whitespace/],
    [' nginx', /must not contain whitespace/],
    ['a:b:c', /invalid|must/],
    [`${'a'.repeat(238)}`, /must not be more than 255 characters \(256\)/],
    [`reg.io/${'a'.repeat(249)}`, /must not be more than 255 characters/],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input.length > 50 ? `${input.slice(0, 50)}…` : input), () => {
      let caught: unknown;
      try {
        parseReference(input);
      } catch (err) {
        caught = err;
      }
      expect(isTrustDeskError(caught, 'INVALID_REFERENCE'), `expected INVALID_REFERENCE for ${input}`).toBe(true);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).toContain(`invalid reference ${JSON.stringify(input)}`);
    });
  }
});

describe('parseReference agrees with the reference grammar as one regular expression', () => {
  // An independent oracle: the grammar written as a single anchored regex, plus the same
  // normalisation, used to cross-check the structured parser on many generated strings.
  const alnum = '[a-z0-9]+';
  const sep = '(?:[._]|__|[-]+)';
  const pathComp = `${alnum}(?:${sep}${alnum})*`;
  const domComp = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const domain = `(?:${domComp}(?:\\.${domComp})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
  const name = `(?:${domain}/)?${pathComp}(?:/${pathComp})*`;
  const full = new RegExp(`^(${name})(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);

  function oracle(s: string): string | undefined {
    if (/^[a-f0-9]{64}$/.test(s)) return undefined;
    const i = s.indexOf('/');
    let domainPart: string;
    let remainder: string;
    if (i === -1 || (!/[.:]/.test(s.slice(0, i)) && s.slice(0, i) !== 'localhost' && s.slice(0, i).toLowerCase() === s.slice(0, i))) {
      domainPart = 'docker.io';
      remainder = s;
    } else {
      domainPart = s.slice(0, i);
      remainder = s.slice(i + 1);
    }
    if (domainPart === 'index.docker.io') domainPart = 'docker.io';
    if (domainPart === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
    const m = full.exec(`${domainPart}/${remainder}`);
    if (!m || m[1] === undefined || m[1].length > 255) return undefined;
    // The structured parser additionally validates digest algorithm/length/lowercase (as go-digest does).
    if (m[3] !== undefined && digestProblem(m[3]) !== undefined) return undefined;
    // Reject what ParseNormalizedNamed rejects: an upper-case path, or a domain-less first segment that the regex read as a domain.
    const name = m[1];
    const slash = name.indexOf('/');
    if (name.slice(slash + 1) !== name.slice(slash + 1).toLowerCase()) return undefined;
    if (name.slice(0, slash) !== domainPart) return undefined;
    return name;
  }

  const alphabet = ['a', 'b', '0', '9', 'A', '.', '_', '-', ':', '/', '@', 'localhost', 'sha256:' + HEX, 'x.y', '5000', '__'];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };

  it('accepts and rejects the same 20 000 random strings', () => {
    const mismatches: string[] = [];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const len = 1 + rand(8);
      for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)];
      const expected = oracle(s);
      let got: string | undefined;
      try {
        got = parseReference(s).gun;
      } catch {
        got = undefined;
      }
      if (got !== undefined) accepted++;
      if (got !== expected) mismatches.push(`${s}: parser=${got} oracle=${expected}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The generator must exercise both outcomes for the comparison to mean anything.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19_000);
  });
});

describe('helpers', () => {
  it('registryApiHost maps Docker Hub to its API host', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });

  it('registryHostname strips the port', () => {
    expect(registryHostname('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(registryHostname('[::1]:5000')).toBe('::1');
    expect(registryHostname('[::1]')).toBe('::1');
    expect(registryHostname('localhost')).toBe('localhost');
  });

  it('validates tags and repository paths', () => {
    expect(isValidTag('v1.0-rc_1')).toBe(true);
    expect(isValidTag('.x')).toBe(false);
    expect(isValidRepository('library/nginx')).toBe(true);
    expect(isValidRepository('Library/nginx')).toBe(false);
    expect(isValidRepository('')).toBe(false);
    expect(isValidRepository('a//b')).toBe(false);
  });
});
