/**
 * QR codes for public keys: the symbol from qrcode's core encoder (no file or canvas code, so it
 * bundles into the CLI), drawn here as SVG (the app) or as half-block text (a terminal).
 */
// qrcode's core module has no types of its own; its `create` returns the module matrix.
// @ts-expect-error untyped deep import
import * as core from 'qrcode/lib/core/qrcode.js';

interface Symbol {
  modules: { size: number; get(row: number, col: number): number };
}

const create = ((core as { create?: unknown }).create ?? (core as { default?: { create: unknown } }).default?.create) as (
  text: string,
  opts: { errorCorrectionLevel: string },
) => Symbol;

function matrix(text: string, level: 'L' | 'M'): { size: number; dark: (r: number, c: number) => boolean } {
  const m = create(text, { errorCorrectionLevel: level }).modules;
  return { size: m.size, dark: (r, c) => r >= 0 && c >= 0 && r < m.size && c < m.size && m.get(r, c) === 1 };
}

/** An SVG QR code (4-module quiet zone, black on white). */
export function qrSvg(text: string, label = 'QR code of the public key'): string {
  const { size, dark } = matrix(text, 'M');
  const q = 4;
  const path: string[] = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (dark(r, c)) path.push(`M${c + q} ${r + q}h1v1h-1z`);
  const n = size + 2 * q;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges" role="img" aria-label="${label.replace(/[&<>"]/g, '')}"><rect width="${n}" height="${n}" fill="#fff"/><path fill="#000" d="${path.join('')}"/></svg>`;
}

/** A QR code for a terminal: two rows per line with half blocks, light on dark reversed for scanning. */
export function qrText(text: string): string {
  const { size, dark } = matrix(text, 'L');
  const q = 2;
  const lines: string[] = [];
  for (let r = -q; r < size + q; r += 2) {
    let line = '';
    for (let c = -q; c < size + q; c++) {
      const top = dark(r, c);
      const bottom = dark(r + 1, c);
      // light modules are drawn (white blocks), so the code reads on a dark terminal
      line += !top && !bottom ? '\u2588' : !top ? '\u2580' : !bottom ? '\u2584' : ' ';
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
