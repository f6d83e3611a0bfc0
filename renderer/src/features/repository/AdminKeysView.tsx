import type { KeyHolder, RepositoryOverview } from '../../../../shared/view-model';
import { EmptyState } from '../../components/EmptyState';
import { ExpiryText, levelOf } from '../../components/Expiry';
import { TableHead } from '../../components/TableHead';

const ROLE_TITLE: Record<string, string> = {
  root: 'Root',
  targets: 'Targets (Repository key)',
  snapshot: 'Snapshot',
  timestamp: 'Timestamp',
};

const HOLDER_TEXT: Record<KeyHolder, string> = {
  'this-machine': 'This machine (trust directory)',
  'hardware-token': 'A hardware token on this machine',
  server: 'The trust server',
  elsewhere: 'Not on this machine (offline storage, another machine or a token not configured in Settings)',
};

export function AdminKeysView({ overview }: { overview: RepositoryOverview }) {
  if (!overview.hasTrustData)
    return <EmptyState title="No trust data for this repository">It has no administrative keys until someone signs it.</EmptyState>;
  return (
    <div className="admin-keys">
      {overview.adminRoles.map((r) => (
        <section key={r.role} className="card" aria-labelledby={`role-${r.role}`}>
          <header className="card-head">
            <h2 id={`role-${r.role}`}>{ROLE_TITLE[r.role]}</h2>
            <span className="muted">
              threshold {r.threshold} of {r.keys.length} · version {r.version} · metadata expires{' '}
              <ExpiryText iso={r.expires} level={levelOf(r.expires, r.role === 'timestamp' ? 2 : 30)} />
            </span>
          </header>
          <table className="keys-table">
            <TableHead columns={['Key ID', 'Type', 'Held by', 'Certificate']} />
            <tbody>
              {r.keys.map((k) => (
                <tr key={k.id}>
                  <td className="mono key-cell">
                    <div title="The ID in root.json (docker trust inspect)">{k.id}</div>
                    {k.canonicalId !== k.id && (
                      <div className="muted" title="The bare key's ID: its key file name">
                        canonical: {k.canonicalId}
                      </div>
                    )}
                  </td>
                  <td>{k.keyType}</td>
                  <td>
                    <span className={`holder holder-${k.holder}`}>{HOLDER_TEXT[k.holder]}</span>
                  </td>
                  <td>
                    {k.certificate ? (
                      <div>
                        <div>
                          CN <span className="mono">{k.certificate.commonName}</span>
                        </div>
                        <div className="muted small">{k.certificate.subject}</div>
                        <div>
                          valid until <ExpiryText iso={k.certificate.notAfter} level={levelOf(k.certificate.notAfter)} />
                        </div>
                      </div>
                    ) : (
                      <span className="muted">none (bare key)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
