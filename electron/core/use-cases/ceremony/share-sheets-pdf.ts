/**
 * The m-of-n backup's share pages as ONE PDF to print (`ceremony:shares-pdf`, the backup wizard's
 * "Save share sheets as PDF…"). Each given page (or share file) is read and its share decoded; the
 * sheets are drawn again from the decoded shares (so nothing of the files' markup reaches Chromium),
 * written as one HTML file in a private temp dir, printed by the context's PdfPrinter (Chromium's
 * print-to-PDF), and the PDF written atomically with 0600 (it holds every share of the set). The temp
 * HTML is removed in any case; the HTML pages too when asked, and only after the PDF is written.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { TrustDeskError } from '../../base/errors.js';
import { writeFileAtomic } from '../../base/fs-atomic.js';
import { SHARE_SHEET_CSS, shareOfPage, shareSheet } from '../../ceremony/backup.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export interface ShareSheetsPdfInput {
  /** The backup's share pages (share-i-of-n.html) or share files (share-i-of-n.txt), of one set. */
  pages: string[];
  /** The PDF to write (a new file, or one to replace). */
  outFile: string;
  /** Delete the given .html pages once the PDF is written (the .txt share files stay: the drill reads them). */
  removePages?: boolean;
}

export interface ShareSheetsPdfResult {
  outFile: string;
  sha256: string;
  bytes: number;
  /** One sheet (page) per share, by share index. */
  sheets: number;
  keyId: string;
  setId: string;
  threshold: number;
  total: number;
  /** The HTML pages deleted after the PDF was written. */
  removed: string[];
}

/** The printable document: one A4 sheet per share, in share order. */
export function shareSheetsHtml(shares: { text: string; index: number; threshold: number; total: number; keyId: string }[]): string {
  const first = shares[0]!;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Root key ${first.keyId.slice(0, 12)}: ${shares.length} share sheets</title>
<style>${SHARE_SHEET_CSS}</style></head>
<body>${shares.map((s) => shareSheet(s.text, s.index, s.threshold, s.total, s.keyId)).join('\n')}</body></html>
`;
}

export async function saveShareSheetsPdf(ctx: TrustContext, input: ShareSheetsPdfInput): Promise<ShareSheetsPdfResult> {
  const printer = ctx.pdfPrinter;
  if (!printer)
    throw new TrustDeskError(
      'INTERNAL',
      'printing share sheets to PDF needs the TrustDesk app (Chromium); print the share pages from a browser instead',
    );
  if (input.pages.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'no share pages given');
  if (extname(input.outFile).toLowerCase() !== '.pdf')
    throw new TrustDeskError('INVALID_ARGUMENT', `${input.outFile}: the share sheets file must end in .pdf`);
  if (input.pages.includes(input.outFile)) throw new TrustDeskError('INVALID_ARGUMENT', `${input.outFile} is one of the share pages`);

  const shares = [];
  for (const page of input.pages) {
    let content: string;
    try {
      content = await readFile(page, 'utf8');
    } catch (err) {
      throw new TrustDeskError('SHARES_INVALID', `${page}: cannot read the share page (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      shares.push(shareOfPage(content));
    } catch (err) {
      throw new TrustDeskError('SHARES_INVALID', `${page}: ${(err as Error).message}`);
    }
  }
  const first = shares[0]!;
  for (const s of shares) {
    if (s.setId !== first.setId || s.keyId !== first.keyId || s.total !== first.total || s.threshold !== first.threshold)
      throw new TrustDeskError(
        'SHARES_INVALID',
        `share ${s.index}-of-${s.total} of set ${s.setId} does not belong to set ${first.setId} (key ${first.keyId.slice(0, 12)}): one PDF holds the shares of one backup`,
      );
  }
  const byIndex = new Map(shares.map((s) => [s.index, s]));
  if (byIndex.size !== shares.length) throw new TrustDeskError('SHARES_INVALID', 'the same share was given twice');
  const sorted = [...byIndex.values()].sort((a, b) => a.index - b.index);

  // the document goes to Chromium as a file only this user can read, in a directory only this user can enter
  const dir = await mkdtemp(join(tmpdir(), 'trustdesk-print-'));
  let pdf: Buffer;
  try {
    const html = join(dir, 'share-sheets.html');
    await writeFile(html, shareSheetsHtml(sorted), { mode: 0o600, flag: 'wx' });
    pdf = Buffer.from(await printer.htmlFileToPdf(html));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new TrustDeskError('INTERNAL', 'the printer answered something that is not a PDF');
  await writeFileAtomic(input.outFile, pdf, { mode: 0o600 });
  const sha256 = createHash('sha256').update(pdf).digest('hex');

  const removed: string[] = [];
  if (input.removePages) {
    for (const page of input.pages) {
      if (extname(page).toLowerCase() !== '.html') continue;
      await unlink(page).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      removed.push(page);
    }
  }
  await ceremonyLogOf(ctx).append({
    step: 'share-sheets-pdf',
    keyIds: [first.keyId],
    hashes: { pdf: sha256 },
    details: {
      file: input.outFile,
      shareSet: first.setId,
      shares: sorted.map((s) => `${s.index}-of-${s.total}`),
      ...(removed.length ? { removedPages: removed.length } : {}),
    },
  });
  return {
    outFile: input.outFile,
    sha256,
    bytes: pdf.length,
    sheets: sorted.length,
    keyId: first.keyId,
    setId: first.setId,
    threshold: first.threshold,
    total: first.total,
    removed,
  };
}
