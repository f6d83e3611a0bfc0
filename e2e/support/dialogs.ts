/**
 * The e2e stand-in for the system's file dialogs (the FileDialogs port of electron/app/context.ts;
 * the app shows Electron's native dialogs instead). A test queues what the "user" picks:
 *
 *   handlers.dialogs.answer('/path/a')            // the next dialog picks this path
 *   handlers.dialogs.answer('/a', '/b', '/c')     // the next (multiple) open dialog picks these
 *   handlers.dialogs.answerCancel()               // the next dialog is cancelled
 *
 * Answers are used in order, one per dialog. With the queue empty a save dialog answers a fresh path
 * in the test's temp dir (`dialogs.dir`, named after the suggested file name) and an open or folder
 * dialog is cancelled. `dialogs.asked` lists every question the app asked (kind, title, …), in order.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FileDialogs } from '../../electron/app/context.js';
import type { DialogOpenRequest, DialogSaveRequest } from '../../shared/ipc/dialog-contract.js';

export type DialogQuestion = ({ dialog: 'open' } & DialogOpenRequest) | ({ dialog: 'save' } & DialogSaveRequest);

export class DialogStub implements FileDialogs {
  /** The test's temp dir: where unqueued save dialogs put their fresh paths. */
  readonly dir: string;
  readonly asked: DialogQuestion[] = [];
  private readonly queue: (string[] | null)[] = [];
  private saved = 0;

  constructor(dir = mkdtempSync(join(tmpdir(), 'trustdesk-e2e-dialogs-'))) {
    this.dir = dir;
  }

  /** The next dialog picks these paths (a save dialog: the first). */
  answer(...paths: string[]): this {
    if (paths.length === 0) throw new Error('answer() needs a path; use answerCancel() for a cancelled dialog');
    this.queue.push(paths);
    return this;
  }

  /** The next dialog is cancelled. */
  answerCancel(): this {
    this.queue.push(null);
    return this;
  }

  /** How many queued answers are still unused. */
  get pending(): number {
    return this.queue.length;
  }

  async open(request: DialogOpenRequest): Promise<string[]> {
    this.asked.push({ dialog: 'open', ...request });
    const next = this.queue.shift();
    if (!next) return [];
    return request.multiple ? next : next.slice(0, 1);
  }

  async save(request: DialogSaveRequest): Promise<string | null> {
    this.asked.push({ dialog: 'save', ...request });
    const next = this.queue.shift();
    if (next === null) return null;
    if (next) return next[0]!;
    this.saved += 1;
    return join(this.dir, `${this.saved}-${basename(request.defaultName ?? 'saved-file')}`);
  }
}
