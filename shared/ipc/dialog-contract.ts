/**
 * The system's open, save and folder dialogs (issue 15): the renderer asks, main shows the native
 * dialog over the app window (e2e: a stub that answers queued paths, e2e/support/dialogs.ts), and the
 * answer is the path(s) the user chose. A cancelled dialog answers no path: `{ paths: [] }` for
 * `dialog:open`, `{ path: null }` for `dialog:save`. Nothing is read or written here; the path goes
 * back to the wizard, which passes it to its own channel. Spread into CONTRACT (contract.ts).
 */
import { z } from 'zod';

export const dialogFiltersSchema = z
  .array(z.object({ name: z.string().min(1).max(100), extensions: z.array(z.string().min(1).max(20)).max(20) }).strict())
  .max(10);
export type DialogFilter = z.infer<typeof dialogFiltersSchema>[number];

export const dialogOpenRequestSchema = z
  .object({
    title: z.string().min(1).max(200),
    kind: z.enum(['file', 'folder']),
    multiple: z.boolean().optional(),
    filters: dialogFiltersSchema.optional(),
  })
  .strict();
export type DialogOpenRequest = z.infer<typeof dialogOpenRequestSchema>;

export const dialogSaveRequestSchema = z
  .object({
    title: z.string().min(1).max(200),
    /** The file name suggested (a name, or a path the dialog opens at). */
    defaultName: z.string().min(1).max(4096).optional(),
    filters: dialogFiltersSchema.optional(),
  })
  .strict();
export type DialogSaveRequest = z.infer<typeof dialogSaveRequestSchema>;

export const DIALOG_CONTRACT = {
  /** Open a file (or several) or choose a folder; no paths when cancelled. */
  'dialog:open': {
    request: dialogOpenRequestSchema,
    response: z.object({ paths: z.array(z.string().min(1).max(4096)) }),
  },
  /** Choose where to write a file; null when cancelled. */
  'dialog:save': {
    request: dialogSaveRequestSchema,
    response: z.object({ path: z.string().min(1).max(4096).nullable() }),
  },
} as const;
