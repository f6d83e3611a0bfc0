import { describe, it, expect, vi } from 'vitest';

const registered = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({ ipcMain: { handle: (channel: string, fn: never) => registered.set(channel, fn) } }));

const { registerIpc } = await import('./ipc.js');
const { CHANNELS } = await import('../../shared/ipc/contract.js');

describe('main-process IPC registration', () => {
  const calls: unknown[] = [];
  const handlers = { invoke: async (c: unknown, p: unknown) => (calls.push([c, p]), { ok: true, value: 'handled' }) };
  const appWindow = { id: 1 };
  registerIpc(handlers, (wc) => wc === (appWindow as never));

  const event = (opts: { otherWindow?: boolean; url?: string; subframe?: boolean } = {}) => {
    const mainFrame = { url: opts.url ?? 'app://trustdesk/index.html' };
    const sender = opts.otherWindow ? { id: 2, mainFrame } : Object.assign(appWindow, { mainFrame });
    return { sender, senderFrame: opts.subframe ? { url: mainFrame.url } : mainFrame };
  };

  it('registers every contract channel', () => {
    expect([...registered.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('hands a message from the app window main frame on an app:// page to the handlers', async () => {
    expect(await registered.get('app:info')!(event(), {})).toEqual({ ok: true, value: 'handled' });
    expect(calls).toEqual([['app:info', {}]]);
  });

  it('refuses subframes, other pages and other windows before any work, as a value', async () => {
    calls.length = 0;
    for (const e of [
      event({ subframe: true }),
      event({ url: 'https://evil.example/' }),
      event({ url: 'file:///etc/passwd' }),
      event({ otherWindow: true }),
    ]) {
      expect(await registered.get('repository:overview')!(e, { name: 'x/y' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    expect(calls).toEqual([]);
  });
});
