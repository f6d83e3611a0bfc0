/**
 * Reads a PDF back as a person with a phone would: every page rendered to PNG by poppler's
 * `pdftoppm` (Debian poppler-utils), every PNG searched for a QR code with `jsqr` (read with `pngjs`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsqr is CommonJS with `exports.default`: Node's ESM loader gives the exports object, bundlers the function
const jsQR: Decode = (() => {
  const m = jsqrModule as unknown as Decode | { default: Decode };
  return typeof m === 'function' ? m : m.default;
})();

export interface PdfPage {
  /** 1-based page number. */
  page: number;
  png: string;
  width: number;
  height: number;
  /** The QR code's text, or null when no code could be read on the page. */
  qr: string | null;
}

/** Renders every page of `pdf` at `dpi` and decodes the QR code on each. */
export function readPdfQrCodes(pdf: string, dpi = 150, outDir = mkdtempSync(join(tmpdir(), 'trustdesk-pdf-pages-'))): PdfPage[] {
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), pdf, join(outDir, 'page')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const files = readdirSync(outDir)
    .filter((f) => /^page-\d+\.png$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  return files.map((f, i) => {
    const png = PNG.sync.read(readFileSync(join(outDir, f)));
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    return { page: i + 1, png: join(outDir, f), width: png.width, height: png.height, qr: code?.data ?? null };
  });
}

/** The number of pages poppler finds in a PDF. */
export function pdfPageCount(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? NaN);
}
