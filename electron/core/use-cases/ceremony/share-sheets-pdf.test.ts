/**
 * The share sheets PDF use case around its printer: what it hands the printer (one document it drew
 * itself from the decoded shares, in a private file that is gone afterwards), how it writes the PDF,
 * and what it refuses. Chromium itself prints in tests/interop/share-sheets-pdf.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KeyRing } from '../../signing/signer.js';
import { TrustContext } from '../../session/context.js';
import type { PdfPrinter } from '../../base/pdf-printer.js';
import { backupRootKey } from './root-backup.js';
import { saveShareSheetsPdf } from './share-sheets-pdf.js';

const ENV = { NOTARY_ROOT_PASSPHRASE: 'correct horse battery' };
const FAKE_PDF = Buffer.from('%PDF-1.7\n% test\n%%EOF\n');

/** Records what it was given to print (the file's text, its mode, its directory's mode) and answers a tiny PDF. */
function recordingPrinter(fail = false) {
  const seen: { file: string; html: string; mode: number; dirMode: number }[] = [];
  const printer: PdfPrinter = {
    async htmlFileToPdf(file) {
      seen.push({ file, html: readFileSync(file, 'utf8'), mode: statSync(file).mode & 0o777, dirMode: statSync(dirname(file)).mode & 0o777 });
      if (fail) throw new Error('printer broke');
      return new Uint8Array(FAKE_PDF);
    },
  };
  return { printer, seen };
}

async function backup(printer: PdfPrinter) {
  const configDir = mkdtempSync(join(tmpdir(), 'trustdesk-sheets-unit-'));
  const ctx = new TrustContext({ configDir, env: ENV, pdfPrinter: printer });
  const root = await new KeyRing(ctx.trustDir, { env: ENV }).generate({ role: 'root' });
  const usb = mkdtempSync(join(tmpdir(), 'trustdesk-sheets-usb-'));
  const b = await backupRootKey(ctx, { keyId: root.keyId, outDir: usb, shares: { threshold: 2, total: 3 } });
  return { ctx, usb, keyId: root.keyId, pages: b.shares!.pages, files: b.shares!.files, setId: b.shares!.setId };
}

describe('saveShareSheetsPdf', () => {
  it('prints one document of its own making, in a private file that is removed, and writes the PDF 0600', async () => {
    const { printer, seen } = recordingPrinter();
    const { ctx, usb, keyId, pages, setId } = await backup(printer);
    // a page's own markup (a script, a remote image) must not reach the printer
    writeFileSync(
      pages[0]!,
      readFileSync(pages[0]!, 'utf8').replace('<body>', '<body><script>alert(1)</script><img src="https://example.com/x.png">'),
    );
    const out = join(usb, 'sheets.pdf');
    const r = await saveShareSheetsPdf(ctx, { pages: [pages[2]!, pages[0]!], outFile: out });
    expect(r).toMatchObject({ outFile: out, sheets: 2, keyId, setId, threshold: 2, total: 3, bytes: FAKE_PDF.length, removed: [] });
    expect(readFileSync(out)).toEqual(FAKE_PDF);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.mode).toBe(0o600);
    expect(seen[0]!.dirMode).toBe(0o700);
    expect(existsSync(dirname(seen[0]!.file))).toBe(false);
    const html = seen[0]!.html;
    expect(html).not.toContain('<script');
    expect(html).not.toContain('example.com');
    expect(html.match(/<section class="sheet">/g)).toHaveLength(2);
    expect(html.indexOf('share 1 of 3')).toBeLessThan(html.indexOf('share 3 of 3'));
    expect(html).toContain('@page{size:A4');
    // the pages stay unless asked; the ceremony log has the step
    expect(readdirSync(usb).filter((f) => f.endsWith('.html'))).toHaveLength(3);
    expect(readFileSync(join(ctx.trustDir, 'ceremony', 'ceremony.log'), 'utf8')).toContain('"step":"share-sheets-pdf"');
    ctx.close();
  });

  it('removes the HTML pages only after the PDF is written, and never the share files', async () => {
    const broken = recordingPrinter(true);
    const a = await backup(broken.printer);
    const out = join(a.usb, 'sheets.pdf');
    await expect(saveShareSheetsPdf(a.ctx, { pages: a.pages, outFile: out, removePages: true })).rejects.toThrow(/printer broke/);
    expect(existsSync(out)).toBe(false);
    expect(a.pages.every((p) => existsSync(p))).toBe(true);
    expect(existsSync(dirname(broken.seen[0]!.file))).toBe(false);

    const ok = recordingPrinter();
    const b = await backup(ok.printer);
    // a share file (.txt) prints like its page, and is never removed
    const r = await saveShareSheetsPdf(b.ctx, {
      pages: [b.pages[0]!, b.pages[1]!, b.files[2]!],
      outFile: join(b.usb, 'sheets.pdf'),
      removePages: true,
    });
    expect(r.sheets).toBe(3);
    expect(r.removed.sort()).toEqual([b.pages[0]!, b.pages[1]!].sort());
    expect(existsSync(b.pages[0]!) || existsSync(b.pages[1]!)).toBe(false);
    expect(existsSync(b.pages[2]!)).toBe(true);
    expect(b.files.every((f) => existsSync(f))).toBe(true);
  });

  it('refuses shares of two backups, a page that holds no share, the same share twice, no printer, no .pdf', async () => {
    const { printer } = recordingPrinter();
    const a = await backup(printer);
    const b = await backup(printer);
    const out = join(a.usb, 'x.pdf');
    await expect(saveShareSheetsPdf(a.ctx, { pages: [a.pages[0]!, b.pages[1]!], outFile: out })).rejects.toMatchObject({ code: 'SHARES_INVALID' });
    const notShare = join(a.usb, 'notes.html');
    writeFileSync(notShare, '<html><body><pre>hello</pre></body></html>');
    await expect(saveShareSheetsPdf(a.ctx, { pages: [notShare], outFile: out })).rejects.toMatchObject({ code: 'SHARES_INVALID' });
    await expect(saveShareSheetsPdf(a.ctx, { pages: [a.pages[0]!, a.files[0]!], outFile: out })).rejects.toThrow(/the same share was given twice/);
    await expect(saveShareSheetsPdf(a.ctx, { pages: a.pages, outFile: join(a.usb, 'x.html') })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const noPrinter = a.ctx.with({ pdfPrinter: undefined });
    await expect(saveShareSheetsPdf(noPrinter, { pages: a.pages, outFile: out })).rejects.toThrow(/needs the TrustDesk app/);
    expect(existsSync(out)).toBe(false);
  });
});
