/**
 * Registers every contract channel with ipcMain. A message is handled only when it comes from the
 * main frame of one of the app's own windows showing an app:// page; the payload then goes to the
 * plain-Node handler registry, which parses it and answers with a result value (never a throw).
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS } from '../../shared/ipc/contract.js';
import type { Handlers } from '../app/handlers.js';
import { isAppUrl } from './paths.js';

function trustedSender(event: IpcMainInvokeEvent, isAppWindow: (wc: WebContents) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  return isAppWindow(event.sender) && isAppUrl(frame.url);
}

export function registerIpc(handlers: Handlers, isAppWindow: (wc: WebContents) => boolean): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!trustedSender(event, isAppWindow)) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'message from an untrusted frame refused' } };
      }
      return handlers.invoke(channel, payload);
    });
  }
}
