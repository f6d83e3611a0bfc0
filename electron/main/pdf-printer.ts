/**
 * The PdfPrinter port (electron/core/base/pdf-printer.ts) on Chromium's print-to-PDF: an offscreen,
 * never shown, sandboxed BrowserWindow with JavaScript off, in its own in-memory session that cancels
 * every request but the one local file it was given (no remote content, no other file). The window is
 * destroyed after each print.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, session } from 'electron';
import type { PdfPrinter } from '../core/base/pdf-printer.js';

export function electronPdfPrinter(): PdfPrinter {
  const allowed = new Set<string>();
  let printSession: Electron.Session | undefined;
  const sessionForPrinting = (): Electron.Session => {
    if (!printSession) {
      // no "persist:": nothing of it is written to disk
      printSession = session.fromPartition(`trustdesk-print-${randomUUID()}`, { cache: false });
      printSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
      printSession.setPermissionCheckHandler(() => false);
      printSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !allowed.has(details.url) }));
    }
    return printSession;
  };
  return {
    async htmlFileToPdf(file) {
      const url = pathToFileURL(file).href;
      const win = new BrowserWindow({
        show: false,
        webPreferences: {
          session: sessionForPrinting(),
          offscreen: true,
          sandbox: true,
          javascript: false,
          contextIsolation: true,
          nodeIntegration: false,
          webSecurity: true,
          webviewTag: false,
          spellcheck: false,
          devTools: false,
          navigateOnDragDrop: false,
          disableBlinkFeatures: 'Auxclick',
        },
      });
      allowed.add(url);
      try {
        await win.loadURL(url);
        return await win.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
      } finally {
        allowed.delete(url);
        win.destroy();
      }
    },
  };
}
