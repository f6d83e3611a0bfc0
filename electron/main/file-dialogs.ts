/**
 * The app's FileDialogs port (electron/app/context.ts) on Electron's native dialogs, shown as sheets
 * of the focused app window (or the first one). A cancelled dialog answers no path.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { FileDialogs } from '../app/context.js';

export function electronFileDialogs(appWindow: () => BrowserWindow | undefined): FileDialogs {
  return {
    async open(r) {
      const properties: OpenDialogOptions['properties'] =
        r.kind === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile', ...(r.multiple ? (['multiSelections'] as const) : [])];
      const options: OpenDialogOptions = { title: r.title, properties, ...(r.filters ? { filters: r.filters } : {}) };
      const win = appWindow();
      const answer = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return answer.canceled ? [] : answer.filePaths;
    },
    async save(r) {
      const options: SaveDialogOptions = {
        title: r.title,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
        ...(r.defaultName ? { defaultPath: r.defaultName } : {}),
        ...(r.filters ? { filters: r.filters } : {}),
      };
      const win = appWindow();
      const answer = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
  };
}
