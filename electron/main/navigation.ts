/**
 * Locks every web contents to the app's pages: navigation away is denied, new windows are denied,
 * and an allow-listed https link is opened in the system browser instead. Permission requests
 * (camera, notifications, …) are all refused; webviews cannot be attached; and, behind the CSP, the
 * session itself cancels every request that is not for the app's own pages.
 */
import { app, shell, session } from 'electron';
import { isAllowedExternalUrl } from '../app/external-links.js';
import { isAppUrl } from './paths.js';

export function lockDownWebContents(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAppUrl(details.url) && !details.url.startsWith('devtools://') });
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
