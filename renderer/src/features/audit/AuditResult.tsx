/** The audit's verdict per image (or why daemon.json does not validate), with "Pin root" where pinning helps. */
import { KeyId } from '../../components/KeyId';
import type { AuditRunView, ImageAuditView } from '../../../../shared/ipc/audit-contract';
import { TableHead } from '../../components/TableHead';

const VERDICT_TEXT: Record<ImageAuditView['verdict'], string> = {
  pass: 'Pulls',
  fail: 'Refused',
  warn: 'Warned (permissive)',
  off: 'Pulls (trust off)',
};

export function AuditResult({ data, onPin, pinning }: { data: AuditRunView; onPin: (row: ImageAuditView) => void; pinning: boolean }) {
  if (data.policyProblems.length) {
    return (
      <div className="banner banner-bad" role="alert">
        <strong>daemon.json does not validate:</strong>
        <ul>
          {data.policyProblems.map((p, i) => (
            <li key={i}>
              <code>{p.location}</code>: {p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const r = data.report!;
  const s = r.summary;
  return (
    <div className="audit-result">
      <p role="status" className={`banner ${s.fail ? 'banner-bad' : s.warn ? 'banner-warn' : 'banner-ok'}`}>
        Mode <strong>{r.mode}</strong>
        {data.policy.fromFile ? '' : ' (no daemon.json: trust on first use)'}: {s.images} image{s.images === 1 ? '' : 's'}, {s.pass + s.off} pull
        {s.warn ? `, ${s.warn} would be refused under enforced` : ''}
        {s.fail ? `, ${s.fail} refused` : ''}.
      </p>
      {data.sourceProblems.length > 0 && (
        <ul className="small warn">
          {data.sourceProblems.map((p, i) => (
            <li key={i}>
              {p.location}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <table className="audit-table" aria-label="Audit results">
        <TableHead columns={['Verdict', 'Image', 'Reason', 'Root key (canonical ID)', 'Why']} />
        <tbody>
          {r.images.map((i) => (
            <tr key={i.image} className={`audit-${i.verdict}`}>
              <td>
                <span className={`badge audit-badge-${i.verdict}`}>{VERDICT_TEXT[i.verdict]}</span>
              </td>
              <td className="mono">
                {i.image}
                <div className="small muted">{i.locations.join('; ')}</div>
              </td>
              <td className="mono">{i.reason}</td>
              <td className="mono small">
                {i.rootKeys?.map((k) => (
                  <div key={k.canonicalId} title={`canonical ${k.canonicalId}; certificate ${k.certificateId}`}>
                    <KeyId id={k.canonicalId} />{' '}
                    <span className="muted">
                      (cert <KeyId id={k.certificateId} />)
                    </span>
                  </div>
                ))}
                {i.gun && i.rootKeys?.length && data.policy.fromFile && (i.reason === 'not-pinned' || i.reason === 'pinned-key-mismatch') ? (
                  <button type="button" className="small" disabled={pinning} onClick={() => onPin(i)} aria-label={`Pin root of ${i.gun}`}>
                    Pin root
                  </button>
                ) : null}
              </td>
              <td className="audit-detail">{i.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
