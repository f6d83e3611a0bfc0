/**
 * The port to Chromium's print-to-PDF. The app: an offscreen, sandboxed BrowserWindow with JavaScript
 * off that may load only the one local file (electron/main/pdf-printer.ts); the e2e harness and the
 * interop test: Playwright's Chromium `page.pdf()`. Core hands it a local HTML file it wrote itself.
 */
export interface PdfPrinter {
  /** Renders a local, self-contained HTML file (no scripts, no requests) to PDF bytes; page size from its CSS `@page`. */
  htmlFileToPdf(file: string): Promise<Uint8Array>;
}
