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

/** sortorder.NaturalLess: digit runs compare as numbers, everything else byte by byte (UTF-8). */
export function naturalCompare(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const cx = x[i]!;
    const cy = y[j]!;
    const dx = isDigit(cx);
    const dy = isDigit(cy);
    if (dx !== dy) return dx ? -1 : 1; // digits sort before other bytes
    if (!dx) {
      if (cx !== cy) return cx - cy;
      i++;
      j++;
      continue;
    }
    while (i < x.length && x[i] === 0x30) i++;
    while (j < y.length && y[j] === 0x30) j++;
    const si = i;
    const sj = j;
    while (i < x.length && isDigit(x[i]!)) i++;
    while (j < y.length && isDigit(y[j]!)) j++;
    const lenX = i - si;
    const lenY = j - sj;
    if (lenX !== lenY) return lenX - lenY;
    const cmp = Buffer.compare(x.subarray(si, i), y.subarray(sj, j));
    if (cmp !== 0) return cmp;
    if (si !== sj) return si - sj; // fewer leading zeros first
  }
  return x.length - y.length; // identical so far: the shorter string first
}
