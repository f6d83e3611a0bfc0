/**
 * The PdfPrinter port (electron/core/base/pdf-printer.ts) for e2e and interop tests: Playwright's
 * Chromium `page.pdf()`, a real Chromium print-to-PDF (the app uses an offscreen BrowserWindow's
 * printToPDF). Each print gets its own context with JavaScript off and the network offline; every
 * request but the file itself is aborted.
 */
import { pathToFileURL } from 'node:url';
import type { Browser } from '@playwright/test';
import type { PdfPrinter } from '../../electron/core/base/pdf-printer.js';

export function playwrightPdfPrinter(browser: Browser): PdfPrinter {
  return {
    async htmlFileToPdf(file) {
      const url = pathToFileURL(file).href;
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
        await page.goto(url);
        return await page.pdf({ printBackground: true, preferCSSPageSize: true });
      } finally {
        await context.close();
      }
    },
  };
}
