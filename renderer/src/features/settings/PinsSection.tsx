/** Settings → Trust pins: every pin in force and how each cached repository's root is trusted (issue 9). */
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { usePins } from './queries';
import '../../components/components.css';
import { TableHead } from '../../components/TableHead';

const KIND_TEXT = {
  certs: 'pinned (root certificate IDs)',
  ca: 'pinned to a CA',
  tofu: 'trust on first use',
  refused: 'refused: not pinned and disable_tofu is on',
} as const;

export function PinsSection() {
  const q = usePins();
  const v = q.data;
  return (
    <section aria-labelledby="pins-title" className="card pins-section">
      <h2 id="pins-title">Trust pins</h2>
      {q.error && <ErrorPanel error={errorValue(q.error)} onRetry={() => void q.refetch()} />}
      {v && (
        <>
          <p className="muted">
            TrustDesk’s pins file is <code>{v.file}</code>: in the docker config dir above, shared with <code>trustdesk pin</code> (set{' '}
            <code>TRUSTDESK_PINS</code> to use another file). “Pin current root” on a repository writes there.
            {v.disableTofu ? ' disable_tofu is on: an unpinned repository is refused.' : ''}
          </p>
          {v.rules.length === 0 ? (
            <p>No pins yet.</p>
          ) : (
            <table className="inventory" aria-label="Pins">
              <TableHead columns={['Repository or pattern', 'Pinned to', 'From']} />
              <tbody>
                {v.rules.map((r) => (
                  <tr key={`${r.kind}|${r.pattern}`}>
                    <td className="mono nowrap">{r.pattern}</td>
                    <td className="key-id">{r.kind === 'certs' ? (r.certIds ?? []).join(', ') : `CA bundle ${r.caFile}`}</td>
                    <td className="mono">{r.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Repositories in the trust cache</h3>
          <table className="inventory" aria-label="How each cached repository is trusted">
            <TableHead columns={['Repository', 'Root trusted by']} />
            <tbody>
              {v.repositories.map((r) => (
                <tr key={r.gun} data-gun={r.gun}>
                  <td className="mono">{r.gun}</td>
                  <td>
                    {KIND_TEXT[r.kind]}
                    {r.pattern && r.pattern !== r.gun ? <span className="muted"> (by {r.pattern})</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
