/** The backup's share pages as one PDF to print (Chromium's print-to-PDF in main), written where the save dialog says. */
import { useState, type FormEvent } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PathField } from '../../components/PathField';
import { useAction } from '../../components/useAction';
import { call, errorValue } from '../../api';
import type { Response } from '../../../../shared/ipc/contract';
import type { ErrorValueView } from '../../../../shared/view-model';
import { saveShareSheetsPdf } from './queries';

const PDF = [{ name: 'PDF', extensions: ['pdf'] }];

export function ShareSheets({ keyId, pages }: { keyId: string; pages: string[] }) {
  const defaultName = `share-sheets-${keyId.slice(0, 12)}.pdf`;
  const [outFile, setOutFile] = useState('');
  const [removePages, setRemovePages] = useState(true);
  const pdf = useAction<Response<'ceremony:shares-pdf'>>();
  const [asking, setAsking] = useState(false);
  const [dialogError, setDialogError] = useState<ErrorValueView>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    let target = outFile.trim();
    if (!target) {
      // no path yet: ask where, as the button's "…" says; a cancelled dialog changes nothing
      setAsking(true);
      setDialogError(undefined);
      try {
        const r = await call('dialog:save', { title: 'Save share sheets as PDF', defaultName, filters: PDF });
        if (!r.path) return;
        target = r.path;
        setOutFile(target);
      } catch (err) {
        setDialogError(errorValue(err));
        return;
      } finally {
        setAsking(false);
      }
    }
    void pdf.run(() => saveShareSheetsPdf({ pages, outFile: target, removePages }));
  };
  return (
    <section className="cer-sheets" aria-label="Share sheets">
      <h4>Save share sheets as PDF</h4>
      <p className="cer-note">
        One A4 sheet per share with its QR code, printed by the app (nothing leaves this machine). The PDF holds every share: print it, check that
        each QR code scans, hand each sheet to its holder, then delete the PDF and the HTML share pages.
      </p>
      <form onSubmit={(e) => void save(e)}>
        <PathField
          className="cer-field"
          label="Share sheets PDF"
          title="Save share sheets as PDF"
          value={outFile}
          onChange={setOutFile}
          dialog={{ kind: 'save', defaultName, filters: PDF }}
          placeholder={`/media/usb/${defaultName}`}
        />
        <label className="cer-inline">
          <input type="checkbox" checked={removePages} onChange={(e) => setRemovePages(e.target.checked)} /> Delete the HTML share pages once the PDF
          is written
        </label>
        <button type="submit" disabled={pdf.pending || asking}>
          Save share sheets as PDF…
        </button>
      </form>
      {pdf.pending && (
        <p className="cer-note" role="status">
          Printing the share sheets…
        </p>
      )}
      {dialogError && <ErrorPanel error={dialogError} />}
      {pdf.error && <ErrorPanel error={pdf.error} />}
      {pdf.result && (
        <div className="cer-result" aria-label="Share sheets written">
          <p className="cer-good">
            {pdf.result.sheets} share sheets written to <code>{pdf.result.outFile}</code> (sha256 <code>{pdf.result.sha256.slice(0, 16)}…</code>,
            readable by you only).
          </p>
          <p>
            {pdf.result.removed.length > 0
              ? `${pdf.result.removed.length} HTML share pages deleted.`
              : 'The HTML share pages are still there: delete them after printing.'}{' '}
            <span className="cer-warn">Delete the PDF once the sheets are printed.</span>
          </p>
        </div>
      )}
    </section>
  );
}
