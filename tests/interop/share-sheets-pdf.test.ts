/**
 * The share sheets PDF with real Chromium (Playwright's page.pdf(), the e2e harness's PdfPrinter; the
 * app's offscreen window runs the same print-to-PDF) read back with poppler's pdftoppm and jsqr:
 * every sheet's QR code decodes to its share, and 3 of the 5 decoded shares rebuild the root key.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { KeyRing } from '../../electron/core/signing/signer.js';
import { combineShares, decodeShare } from '../../electron/core/ceremony/backup.js';
import { TrustContext } from '../../electron/core/session/context.js';
import { backupRootKey } from '../../electron/core/use-cases/ceremony/root-backup.js';
import { saveShareSheetsPdf } from '../../electron/core/use-cases/ceremony/share-sheets-pdf.js';
import { playwrightPdfPrinter } from '../../e2e/support/pdf-printer.js';
import { pdfPageCount, readPdfQrCodes } from '../support/pdf-qr.js';

const CHROMIUM = process.env.TRUSTDESK_CHROMIUM ?? '/usr/bin/chromium';
const ENV = { NOTARY_ROOT_PASSPHRASE: 'correct horse battery', DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'correct horse battery' };

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});
afterAll(async () => browser?.close());

describe('share sheets PDF (Chromium print-to-PDF, read back with pdftoppm + jsqr)', () => {
  it('prints one sheet per share whose QR code decodes; 3 decoded shares rebuild the root key', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'trustdesk-sheets-'));
    const ctx = new TrustContext({ configDir, env: ENV, pdfPrinter: playwrightPdfPrinter(browser) });
    try {
      const root = await new KeyRing(ctx.trustDir, { env: ENV }).generate({ role: 'root' });
      const usb = mkdtempSync(join(tmpdir(), 'trustdesk-sheets-usb-'));
      const backup = await backupRootKey(ctx, { keyId: root.keyId, outDir: usb, shares: { threshold: 3, total: 5 } });
      const outFile = join(usb, 'shares.pdf');
      const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('trustdesk-print-')));
      const r = await saveShareSheetsPdf(ctx, { pages: [...backup.shares!.pages].reverse(), outFile, removePages: true });

      expect(r).toMatchObject({ outFile, sheets: 5, keyId: root.keyId, setId: backup.shares!.setId, threshold: 3, total: 5 });
      expect(statSync(outFile).mode & 0o777).toBe(0o600);
      expect(statSync(outFile).size).toBe(r.bytes);
      // the HTML pages are gone, the share files (for the drill) stay; no print file is left behind
      expect(r.removed.sort()).toEqual([...backup.shares!.pages].sort());
      expect(readdirSync(usb).filter((f) => f.endsWith('.html'))).toEqual([]);
      expect(readdirSync(usb).filter((f) => f.endsWith('.txt'))).toHaveLength(5);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith('trustdesk-print-') && !before.has(f))).toEqual([]);

      expect(pdfPageCount(outFile)).toBe(5);
      const pages = readPdfQrCodes(outFile);
      expect(pages).toHaveLength(5);
      const decoded = pages.map((p) => {
        expect(p.qr, `no QR code read on page ${p.page}`).not.toBeNull();
        return decodeShare(p.qr!);
      });
      // sheets come in share order, whatever the order of the pages given
      expect(decoded.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
      const qrTexts = pages.map((p) => p.qr!);
      for (const [a, b, c] of [
        [0, 1, 2],
        [4, 2, 0],
        [1, 3, 4],
      ] as const) {
        const rebuilt = await combineShares([qrTexts[a]!, qrTexts[b]!, qrTexts[c]!]);
        expect(rebuilt.keyId).toBe(root.keyId);
      }
      await expect(combineShares(qrTexts.slice(0, 2))).rejects.toThrow(/3 of 5 are needed/);
    } finally {
      ctx.close();
    }
  });
});
