/** TrustDesk's Electron main process: app protocol, locked-down windows, IPC to the plain-Node handlers. */
import { app, BrowserWindow, shell } from 'electron';
import { createHandlers } from '../app/handlers.js';
import { SettingsStore } from '../app/settings-store.js';
import { registerAppScheme, serveAppProtocol } from './protocol.js';
import { registerIpc } from './ipc.js';
import { lockDownWebContents } from './navigation.js';
import { createMainWindow } from './window.js';
import { utilityTransport } from './pkcs11-utility.js';

registerAppScheme();
app.enableSandbox();

const windows = new Set<number>();

function start(): void {
  serveAppProtocol();
  lockDownWebContents();
  const handlers = createHandlers({
    settings: new SettingsStore(app.getPath('userData')),
    version: app.getVersion(),
    openExternal: (url) => shell.openExternal(url),
    pkcs11Transport: utilityTransport(),
  });
  registerIpc(handlers, (wc) => windows.has(wc.id));
  const open = () => {
    const win = createMainWindow();
    const id = win.webContents.id;
    windows.add(id);
    win.on('closed', () => windows.delete(id));
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
