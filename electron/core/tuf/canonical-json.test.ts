import { describe, it, expect } from 'vitest';
import { canonicalString, compareUtf8, goJsonString } from './canonical-json.js';
import { parseTargets } from './metadata/targets.js';
import { verifyThreshold } from './metadata/envelope.js';
import { parseRoot } from './metadata/root.js';
import { verifySignature } from './signatures.js';
import { sampleFile } from '../../../tests/support/samples.js';

describe('canonical JSON', () => {
  it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+1F600 (emoji, surrogate pair in UTF-16) vs U+FF01 (fullwidth !): UTF-16 puts the emoji
    // first, UTF-8 puts it last.
    expect(['😀emoji', '！fw'].sort()).toEqual(['😀emoji', '！fw']);
    expect(['😀emoji', '！fw'].sort(compareUtf8)).toEqual(['！fw', '😀emoji']);
    expect(canonicalString({ '😀emoji': 1, '！fw': 2, a: 3 })).toBe('{"a":3,"！fw":2,"😀emoji":1}');
  });

  it('escapes only quote and backslash; HTML characters and U+2028 stay literal', () => {
    expect(canonicalString({ k: 'a<b&c>é\u2028"\\' })).toBe('{"k":"a<b&c>é\u2028\\"\\\\"}');
  });

  it('writes no whitespace and refuses floats', () => {
    expect(canonicalString({ b: [1, true, null], a: { c: 'x' } })).toBe('{"a":{"c":"x"},"b":[1,true,null]}');
    expect(() => canonicalString({ a: 1.5 })).toThrow(/only integers/);
  });

  it('Go encoding escapes what json.Marshal escapes', () => {
    expect(goJsonString('a<b&c>\u2028é')).toBe('"a\\u003cb\\u0026c\\u003e\\u2028é"');
  });

  it('verifies the awkward-names targets only over the UTF-8-sorted re-canonicalised form', () => {
    const raw = sampleFile('awkward-names', 'tuf/targets.json');
    expect(raw.includes('\\u003c')).toBe(true); // the served file is HTML-escaped
    const root = parseRoot(sampleFile('awkward-names', 'tuf/root.json'));
    const env = parseTargets('targets', raw);
    expect(verifyThreshold(env, root.signed.keys, root.signed.roles.targets)).toHaveLength(1);
    // the same object sorted by UTF-16 code units (what @tufjs/canonical-json does) does not verify
    const utf16 = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(utf16).join(',')}]`
        : v && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${utf16((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    const forged = { ...env, signed: JSON.parse(utf16(env.signed)) };
    expect(utf16(env.signed)).not.toBe(canonicalString(env.signed));
    const key = root.signed.keys[env.signatures[0]!.keyid]!;
    expect(verifySignature(key, 'ecdsa', Buffer.from(utf16(env.signed)), env.signatures[0]!.sig)).toBe(false);
    expect(verifySignature(key, 'ecdsa', Buffer.from(canonicalString(forged.signed)), env.signatures[0]!.sig)).toBe(true);
  });
});

describe('canonical JSON key order, fast path', () => {
  it('matches sorting every key by UTF-8 bytes, with and without characters above U+FFFF', () => {
    const pool = ['a', 'b', 'A', '_', 'é', '！', '\uE000', '\uFFFF', '😀', '𝔸', 'a"b', 'a\\b', '10', '9'];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let n = 0; n < 500; n++) {
      const keys = Array.from(
        { length: 1 + Math.floor(rnd() * 6) },
        () => pool[Math.floor(rnd() * pool.length)]! + pool[Math.floor(rnd() * pool.length)]!,
      );
      const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
      const expected = `{${Object.keys(obj)
        .sort(compareUtf8)
        .map((k) => `"${k.replace(/[\\"]/g, (c) => `\\${c}`)}":${obj[k]}`)
        .join(',')}}`;
      expect(canonicalString(obj)).toBe(expected);
    }
  });
});
