import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHandlers } from './handlers.js';
import { SettingsStore } from './settings-store.js';
import { DialogStub } from '../../e2e/support/dialogs.js';
import type { FileDialogs } from './context.js';

function setup(dialogs?: FileDialogs) {
  const dir = mkdtempSync(join(tmpdir(), 'trustdesk-dialogs-'));
  return createHandlers({
    settings: new SettingsStore(dir),
    version: '0.0.0-test',
    openExternal: async () => undefined,
    env: { DOCKER_CONFIG: join(dir, 'docker') },
    ...(dialogs ? { dialogs } : {}),
  });
}

describe('dialog:open and dialog:save', () => {
  it('answer the paths the dialog picked, in order, and none when cancelled', async () => {
    const stub = new DialogStub();
    const h = setup(stub);
    stub.answer('/media/usb/a.txt', '/media/usb/b.txt').answerCancel().answer('/media/usb/backup').answer('/media/usb/out.json').answerCancel();
    expect(await h.invoke('dialog:open', { title: 'Share files', kind: 'file', multiple: true })).toEqual({
      ok: true,
      value: { paths: ['/media/usb/a.txt', '/media/usb/b.txt'] },
    });
    expect(await h.invoke('dialog:open', { title: 'Bundle', kind: 'file' })).toEqual({ ok: true, value: { paths: [] } });
    expect(await h.invoke('dialog:open', { title: 'Backup folder', kind: 'folder' })).toEqual({ ok: true, value: { paths: ['/media/usb/backup'] } });
    expect(await h.invoke('dialog:save', { title: 'Request', defaultName: 'request.json' })).toEqual({
      ok: true,
      value: { path: '/media/usb/out.json' },
    });
    expect(await h.invoke('dialog:save', { title: 'Request' })).toEqual({ ok: true, value: { path: null } });
    expect(stub.pending).toBe(0);
    expect(stub.asked.map((q) => `${q.dialog}:${q.title}`)).toEqual([
      'open:Share files',
      'open:Bundle',
      'open:Backup folder',
      'save:Request',
      'save:Request',
    ]);
  });

  it("the stub, with nothing queued, cancels an open dialog and answers a fresh path in the test's dir for a save", async () => {
    const stub = new DialogStub();
    const h = setup(stub);
    expect(await h.invoke('dialog:open', { title: 'Folder', kind: 'folder' })).toEqual({ ok: true, value: { paths: [] } });
    const a = await h.invoke('dialog:save', { title: 'PDF', defaultName: 'shares.pdf' });
    const b = await h.invoke('dialog:save', { title: 'PDF', defaultName: 'shares.pdf' });
    if (!a.ok || !b.ok) throw new Error('save failed');
    const pa = (a.value as { path: string }).path;
    const pb = (b.value as { path: string }).path;
    expect(dirname(pa)).toBe(stub.dir);
    expect(pa).toMatch(/shares\.pdf$/);
    expect(pb).not.toBe(pa);
    expect(existsSync(pa)).toBe(false);
  });

  it('refuse malformed questions before any dialog is shown', async () => {
    const stub = new DialogStub();
    const h = setup(stub);
    for (const bad of [{ kind: 'file' }, { title: 'x', kind: 'device' }, { title: 'x', kind: 'file', extra: 1 }, { title: '', kind: 'folder' }]) {
      const r = await h.invoke('dialog:open', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('INVALID_ARGUMENT');
    }
    const r = await h.invoke('dialog:save', { title: 'x', filters: [{ name: 'PDF', extensions: 'pdf' }] });
    expect(r.ok).toBe(false);
    expect(stub.asked).toEqual([]);
  });

  it('without a dialog port (a headless process) the channels fail, saying to type the path', async () => {
    const h = setup();
    const r = await h.invoke('dialog:save', { title: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/no file dialog in this process/);
  });
});
