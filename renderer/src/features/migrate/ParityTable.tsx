/** The parity table: per repository and tag, content trust's verdict and the cosign policy's, and the difference. */
import type { ParityReportView } from '../../../../shared/ipc/migrate-contract';

const OUTCOME: Record<ParityReportView['repositories'][number]['tags'][number]['outcome'], { text: string; cls: string }> = {
  same: { text: 'same', cls: 'ok' },
  'refused-by-both': { text: 'refused by both', cls: 'muted' },
  'signer-not-migrated': { text: 'signer not migrated', cls: 'diff' },
  'no-cosign-signature-yet': { text: 'no cosign signature yet', cls: 'diff' },
  'cosign-only': { text: 'cosign only', cls: 'diff' },
};

export function ParityTable({ report, caption }: { report: ParityReportView; caption: string }) {
  const c = report.counts;
  return (
    <section className="parity" aria-label={caption}>
      <p role="status" className={report.identical ? 'ok' : 'warn'}>
        {report.identical
          ? 'The cosign policy accepts exactly what content trust accepted.'
          : 'The cosign policy does not yet accept exactly what content trust accepted.'}{' '}
        {c.same ?? 0} same, {c['refused-by-both'] ?? 0} refused by both, {c['signer-not-migrated'] ?? 0} signer not migrated,{' '}
        {c['no-cosign-signature-yet'] ?? 0} no cosign signature yet, {c['cosign-only'] ?? 0} cosign only.
      </p>
      {report.repositories.map((r) => (
        <table key={r.gun} className="migrate-table">
          <caption>
            {caption}: {r.gun}
            {r.signers.length > 0 && (
              <span className="muted small"> · signers {r.signers.map((s) => `${s.name}${s.migrated ? '' : ' (not migrated)'}`).join(', ')}</span>
            )}
          </caption>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Content trust</th>
              <th scope="col">Cosign policy</th>
              <th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody>
            {r.error && (
              <tr>
                <td colSpan={4} className="warn">
                  {r.error.code}: {r.error.message}
                </td>
              </tr>
            )}
            {r.tags.map((t) => (
              <tr key={t.tag}>
                <th scope="row" className="mono">
                  {t.tag}
                </th>
                <td>
                  {t.dct.accepts ? 'accept' : 'refuse'}{' '}
                  <span className="muted small">
                    ({t.dct.verdict}
                    {t.dct.signers.length ? `; ${t.dct.signers.join(', ')}` : ''})
                  </span>
                </td>
                <td>
                  {t.cosign.accepts ? 'accept' : 'refuse'} <span className="muted small">({t.cosign.detail})</span>
                </td>
                <td className={OUTCOME[t.outcome].cls}>
                  <strong>{OUTCOME[t.outcome].text}</strong>
                  {OUTCOME[t.outcome].cls === 'diff' && <div className="small">{t.detail}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
