import { describe, expect, it } from 'vitest';
import { naturalCompare, naturalCompareUtf8 } from './text-table.js';

/** A deterministic generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const ALPHABET = ['0', '0', '1', '2', '9', '10', '007', 'a', 'b', 'Z', '-', '.', 'é', 'ÿ', '！', '\uE000', '😀', '𝔸'];

describe('naturalCompare (sortorder.NaturalLess)', () => {
  it('orders digit runs as numbers, digits before other characters; equal numbers: fewer leading zeros first, decided where the run starts', () => {
    const tags = ['v10', 'v9', 'v1.10', 'v1.9', 'v01', 'v1', 'latest', '1', '01', 'v1a', 'a'];
    expect(tags.sort(naturalCompare)).toEqual(['1', '01', 'a', 'latest', 'v1', 'v1.9', 'v1.10', 'v1a', 'v01', 'v9', 'v10']);
  });

  it('gives the same order as comparing UTF-8 bytes, also for characters above U+FFFF', () => {
    const rnd = lcg(16);
    const word = () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');
    for (let n = 0; n < 20_000; n++) {
      const a = word();
      const b = word();
      expect(Math.sign(naturalCompare(a, b)), `${a} vs ${b}`).toBe(Math.sign(naturalCompareUtf8(a, b)));
    }
    // U+E000 sorts before U+1F600 by bytes (and code points), after it by UTF-16 code units
    expect(naturalCompare('\uE000', '😀')).toBeLessThan(0);
  });
});
