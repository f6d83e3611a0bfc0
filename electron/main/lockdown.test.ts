/**
 * The main process's security settings, checked with a stand-in for the electron module (no Electron
 * binary is needed): window preferences, navigation and new-window rules, the app:// protocol.
 */
import { describe, it, expect, vi, beforeAll } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const state = vi.hoisted(() => ({
  windowOptions: undefined as undefined | Record<string, any>,
  loadedUrl: '',
  opened: [] as string[],
  appEvents: undefined as any,
  protocolHandler: undefined as undefined | ((req: Request) => Promise<Response>),
  privileged: [] as unknown[],
  permission: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  beforeRequest: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  isPackaged: false,
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const appEvents = new EventEmitter();
  state.appEvents = appEvents;
  class BrowserWindow {
    webContents = { id: 1 };
    constructor(options: Record<string, any>) {
      state.windowOptions = options;
    }
    once() {}
    loadURL(url: string) {
      state.loadedUrl = url;
      return Promise.resolve();
    }
  }
  return {
    app: Object.defineProperty(appEvents, 'isPackaged', { get: () => state.isPackaged }),
    BrowserWindow,
    shell: { openExternal: async (u: string) => void state.opened.push(u) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof state.permission) => (state.permission = fn),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onBeforeRequest: (fn: typeof state.beforeRequest) => (state.beforeRequest = fn) },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (_scheme: string, fn: typeof state.protocolHandler) => (state.protocolHandler = fn),
    },
  };
});

const { createMainWindow } = await import('./window.js');
const { lockDownWebContents } = await import('./navigation.js');
const { registerAppScheme, serveAppProtocol } = await import('./protocol.js');
const { RENDERER_DIR } = await import('./paths.js');

describe('the app window', () => {
  it('uses the security checklist defaults and loads the app:// entry page', () => {
    createMainWindow();
    const prefs = state.windowOptions!.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: true,
    });
    expect(prefs.preload).toMatch(/dist[\\/]preload[\\/]preload\.cjs$/);
    expect(state.loadedUrl).toBe('app://trustdesk/index.html');
  });

  it('has no devtools when packaged', () => {
    state.isPackaged = true;
    createMainWindow();
    expect(state.windowOptions!.webPreferences.devTools).toBe(false);
    state.isPackaged = false;
  });
});

describe('navigation lock-down', () => {
  const contents = Object.assign(new EventEmitter(), {
    openHandler: undefined as undefined | ((d: { url: string }) => { action: string }),
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    },
  });
  beforeAll(() => {
    lockDownWebContents();
    state.appEvents.emit('web-contents-created', {}, contents);
  });

  const navigate = (event: string, url: string) => {
    let prevented = false;
    contents.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };

  it('denies navigation and redirects away from app://, allows in-app pages', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'http://127.0.0.1:1/']) {
      expect(navigate('will-navigate', url), url).toBe(true);
      expect(navigate('will-redirect', url), url).toBe(true);
    }
    expect(navigate('will-navigate', 'app://trustdesk/index.html#/settings')).toBe(false);
    expect(navigate('will-attach-webview', 'app://trustdesk/')).toBe(true);
  });

  it('denies every new window; allow-listed https links go to the system browser', () => {
    expect(contents.openHandler!({ url: 'https://docs.docker.com/engine/security/trust/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://trustdesk/index.html' })).toEqual({ action: 'deny' });
    expect(state.opened).toEqual(['https://docs.docker.com/engine/security/trust/']);
  });

  it("cancels every request that is not for the app's pages", () => {
    const cancelled = (url: string) => {
      let r: { cancel: boolean } | undefined;
      state.beforeRequest!({ url }, (x) => (r = x));
      return r!.cancel;
    };
    expect(cancelled('app://trustdesk/assets/index.js')).toBe(false);
    for (const url of ['https://fonts.example.com/a.woff2', 'http://127.0.0.1:4443/', 'file:///etc/passwd', 'app://other/x'])
      expect(cancelled(url), url).toBe(true);
  });

  it('refuses every permission request', () => {
    let granted: boolean | undefined;
    state.permission!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });
});

describe('the app:// protocol', () => {
  const page = `${RENDERER_DIR}/lockdown-test.html`;
  beforeAll(() => {
    mkdirSync(RENDERER_DIR, { recursive: true });
    writeFileSync(page, '<!doctype html>');
    registerAppScheme();
    serveAppProtocol();
    return () => rmSync(page, { force: true });
  });

  it('is a standard, secure scheme', () => {
    expect(state.privileged).toContainEqual(
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    );
  });

  it('serves the renderer with the CSP header, and nothing for other hosts, methods or paths', async () => {
    const ok = await state.protocolHandler!(new Request('app://trustdesk/lockdown-test.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await state.protocolHandler!(new Request('app://elsewhere/lockdown-test.html'))).status).toBe(404);
    expect((await state.protocolHandler!(new Request('app://trustdesk/lockdown-test.html', { method: 'POST', body: 'x' }))).status).toBe(404);
    expect((await state.protocolHandler!(new Request('app://trustdesk/..%2F..%2Fpackage.json'))).status).toBe(404);
  });
});
