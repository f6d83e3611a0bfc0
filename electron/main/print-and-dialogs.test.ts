/**
 * The Electron side of the file dialogs and of print-to-PDF, checked with a stand-in for the electron
 * module (no Electron binary here): what the native dialogs are asked and how a cancel is answered;
 * the print window's preferences (offscreen, sandboxed, JavaScript off, its own session), that its
 * session cancels every request but the one file, and that the window is destroyed after printing.
 */
import { describe, it, expect, vi } from 'vitest';

const state = vi.hoisted(() => ({
  open: [] as unknown[][],
  save: [] as unknown[][],
  answer: { canceled: false, filePaths: ['/media/usb/a'], filePath: '/media/usb/out.pdf' } as Record<string, unknown>,
  windows: [] as { options: Record<string, any>; loaded?: string; allowedWhileLoading?: boolean; destroyed: boolean; printOptions?: unknown }[],
  beforeRequest: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  partitions: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    private readonly entry: (typeof state.windows)[number];
    webContents: { printToPDF: (o: unknown) => Promise<Buffer> };
    constructor(options: Record<string, any>) {
      this.entry = { options, destroyed: false };
      state.windows.push(this.entry);
      this.webContents = {
        printToPDF: async (o: unknown) => {
          this.entry.printOptions = o;
          return Buffer.from('%PDF-1.7 stand-in');
        },
      };
    }
    loadURL(url: string) {
      this.entry.loaded = url;
      // the session's request filter decides, as Chromium asks it for the page's own request
      state.beforeRequest?.({ url }, (r) => (this.entry.allowedWhileLoading = !r.cancel));
      return Promise.resolve();
    }
    destroy() {
      this.entry.destroyed = true;
    }
  }
  return {
    BrowserWindow,
    dialog: {
      showOpenDialog: async (...args: unknown[]) => (state.open.push(args), state.answer),
      showSaveDialog: async (...args: unknown[]) => (state.save.push(args), state.answer),
    },
    session: {
      fromPartition: (name: string) => {
        state.partitions.push(name);
        return {
          setPermissionRequestHandler: () => undefined,
          setPermissionCheckHandler: () => undefined,
          webRequest: { onBeforeRequest: (fn: typeof state.beforeRequest) => (state.beforeRequest = fn) },
        };
      },
    },
  };
});

const { electronFileDialogs } = await import('./file-dialogs.js');
const { electronPdfPrinter } = await import('./pdf-printer.js');

describe('native file dialogs', () => {
  it('asks for a folder, several files or a save path over the app window, and answers no path when cancelled', async () => {
    const win = { id: 'app window' };
    const d = electronFileDialogs(() => win as never);
    expect(await d.open({ title: 'Backup folder', kind: 'folder' })).toEqual(['/media/usb/a']);
    expect(state.open[0]).toEqual([win, { title: 'Backup folder', properties: ['openDirectory', 'createDirectory'] }]);
    await d.open({ title: 'Shares', kind: 'file', multiple: true, filters: [{ name: 'Shares', extensions: ['txt'] }] });
    expect(state.open[1]![1]).toEqual({
      title: 'Shares',
      properties: ['openFile', 'multiSelections'],
      filters: [{ name: 'Shares', extensions: ['txt'] }],
    });
    expect(await d.save({ title: 'PDF', defaultName: 'sheets.pdf' })).toBe('/media/usb/out.pdf');
    expect(state.save[0]![1]).toMatchObject({
      title: 'PDF',
      defaultPath: 'sheets.pdf',
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    state.answer = { canceled: true, filePaths: [], filePath: '' };
    expect(await d.open({ title: 'x', kind: 'file' })).toEqual([]);
    expect(await d.save({ title: 'x' })).toBeNull();
  });
});

describe('print-to-PDF window', () => {
  it('prints the one file in an offscreen sandboxed window with JavaScript off whose session refuses anything else', async () => {
    const printer = electronPdfPrinter();
    let verdicts: Record<string, boolean> = {};
    const pdf = await printer.htmlFileToPdf('/tmp/trustdesk-print-x/share-sheets.html');
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7 stand-in');
    const w = state.windows[0]!;
    expect(w.options.show).toBe(false);
    expect(w.options.webPreferences).toMatchObject({
      offscreen: true,
      sandbox: true,
      javascript: false,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(w.options.webPreferences.preload).toBeUndefined();
    expect(w.loaded).toBe('file:///tmp/trustdesk-print-x/share-sheets.html');
    expect(w.allowedWhileLoading).toBe(true);
    expect(w.printOptions).toMatchObject({ preferCSSPageSize: true });
    expect(w.destroyed).toBe(true);
    expect(state.partitions[0]).not.toMatch(/^persist:/);
    // after printing, not even that file may be loaded again; other URLs never
    const ask = (url: string) => state.beforeRequest!({ url }, (r) => (verdicts[url] = r.cancel));
    ask('file:///tmp/trustdesk-print-x/share-sheets.html');
    ask('https://example.com/x.png');
    ask('file:///etc/passwd');
    expect(verdicts).toEqual({
      'file:///tmp/trustdesk-print-x/share-sheets.html': true,
      'https://example.com/x.png': true,
      'file:///etc/passwd': true,
    });
    verdicts = {};
  });
});
