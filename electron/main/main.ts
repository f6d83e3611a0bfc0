/** TrustDesk's Electron main process: app protocol, locked-down windows, IPC to the plain-Node handlers. */
import { app, BrowserWindow, shell } from 'electron';
import { createHandlers } from '../app/handlers.js';
import { SettingsStore } from '../app/settings-store.js';
import { registerAppScheme, serveAppProtocol } from './protocol.js';
import { registerIpc } from './ipc.js';
import { lockDownWebContents } from './navigation.js';
import { createMainWindow } from './window.js';
import { utilityTransport } from './pkcs11-utility.js';
import { electronFileDialogs } from './file-dialogs.js';
import { electronPdfPrinter } from './pdf-printer.js';
import { SECRET_REQUEST_EVENT, type SecretRequestView } from '../../shared/ipc/secrets-contract.js';

registerAppScheme();
app.enableSandbox();

const windows = new Set<number>();

/** The app window the user works in: the focused one, else the first. */
function appWindow(): BrowserWindow | undefined {
  const appWindows = BrowserWindow.getAllWindows().filter((w) => windows.has(w.webContents.id) && !w.isDestroyed());
  return appWindows.find((w) => w.isFocused()) ?? appWindows[0];
}

/** Opens the PIN dialog in the app window; false when there is none. */
function askInWindow(request: SecretRequestView): boolean {
  const win = appWindow();
  if (!win) return false;
  win.webContents.send(SECRET_REQUEST_EVENT, request);
  return true;
}

/** `--air-gapped` on the command line: offline mode from the start (the Settings switch, saved). */
const AIR_GAPPED = process.argv.includes('--air-gapped');

async function start(): Promise<void> {
  serveAppProtocol();
  lockDownWebContents();
  const settings = new SettingsStore(app.getPath('userData'));
  if (AIR_GAPPED) await settings.update({ offline: true });
  const handlers = createHandlers({
    settings,
    version: app.getVersion(),
    openExternal: (url) => shell.openExternal(url),
    pkcs11Transport: utilityTransport(),
    sendSecretRequest: askInWindow,
    dialogs: electronFileDialogs(appWindow),
    pdfPrinter: electronPdfPrinter(),
  });
  registerIpc(handlers, (wc) => windows.has(wc.id));
  const open = () => {
    const win = createMainWindow();
    const id = win.webContents.id;
    windows.add(id);
    win.on('closed', () => {
      windows.delete(id);
      // a PIN dialog that was open there can no longer be answered: its operation stops unchanged
      if (windows.size === 0) handlers.secrets.cancelAll();
    });
  };
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
}

if (app.requestSingleInstanceLock()) void app.whenReady().then(start);
else app.quit();

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
