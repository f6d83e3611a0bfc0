/**
 * Text layout that matches the Docker CLI's output byte for byte: Go tabwriter columns (min width,
 * padding, space padding, last column unpadded) measured in terminal display width, and the natural
 * sort order of github.com/fvbommel/sortorder that docker uses for tags and signers.
 */
import { eastAsianWidth } from 'get-east-asian-width';

const ZERO_WIDTH = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Mn}\p{Me}]/u;

/** Display width of a string in a terminal: wide/fullwidth characters take 2 columns, marks 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    if (ZERO_WIDTH.test(ch)) continue;
    w += eastAsianWidth(ch.codePointAt(0)!);
  }
  return w;
}

/** Lays rows out as Go's tabwriter.NewWriter(w, minWidth, 1, padding, ' ', 0) does. */
export function tabulate(rows: string[][], minWidth = 10, padding = 3): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    const widest = Math.max(0, ...rows.filter((r) => c < r.length - 1).map((r) => displayWidth(r[c]!)));
    widths[c] = Math.max(minWidth, widest + padding);
  }
  return rows
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c]! - displayWidth(cell)))).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * sortorder.NaturalLess: digit runs compare as numbers, everything else byte by byte (UTF-8).
 * Without surrogates, comparing UTF-16 code units gives the same order as comparing UTF-8 bytes
 * (both follow code points), so the strings are compared in place; otherwise as UTF-8 bytes.
 */
export function naturalCompare(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return naturalCompareUnits(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  return naturalCompareUnits(a, b);
}

/** A string's UTF-16 code units or a buffer's bytes, read the same way. */
interface Units {
  readonly length: number;
  [i: number]: unknown;
}

function naturalCompareUnits(x: Units, y: Units): number {
  const at = typeof x === 'string' ? (s: Units, i: number) => (s as string).charCodeAt(i) : (s: Units, i: number) => (s as Uint8Array)[i]!;
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const cx = at(x, i);
    const cy = at(y, j);
    const dx = isDigit(cx);
    const dy = isDigit(cy);
    if (dx !== dy) return dx ? -1 : 1; // digits sort before other bytes
    if (!dx) {
      if (cx !== cy) return cx - cy;
      i++;
      j++;
      continue;
    }
    while (i < x.length && at(x, i) === 0x30) i++;
    while (j < y.length && at(y, j) === 0x30) j++;
    const si = i;
    const sj = j;
    while (i < x.length && isDigit(at(x, i))) i++;
    while (j < y.length && isDigit(at(y, j))) j++;
    const lenX = i - si;
    const lenY = j - sj;
    if (lenX !== lenY) return lenX - lenY;
    for (let k = 0; k < lenX; k++) {
      const d = at(x, si + k) - at(y, sj + k);
      if (d !== 0) return d;
    }
    if (si !== sj) return si - sj; // fewer leading zeros first
  }
  return x.length - y.length; // identical so far: the shorter string first
}

/** The byte-wise definition, for tests: every string as UTF-8. */
export function naturalCompareUtf8(a: string, b: string): number {
  return naturalCompareUnits(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
