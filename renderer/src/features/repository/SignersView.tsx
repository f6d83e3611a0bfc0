import { useState } from 'react';
import type { RepositoryOverview } from '../../../../shared/view-model';
import { EmptyState } from '../../components/EmptyState';
import { ExpiryText, levelOf } from '../../components/Expiry';

export function SignersView({ overview, onShowTags }: { overview: RepositoryOverview; onShowTags: (signer: string) => void }) {
  const [selected, setSelected] = useState(overview.signers[0]?.role ?? '');
  if (!overview.hasTrustData) return <EmptyState title="No trust data for this repository">Nobody has signed it, so it has no signers.</EmptyState>;
  if (overview.signers.length === 0) {
    return (
      <EmptyState title="No delegated signers">
        Only the repository’s own targets key signs its tags (“Repo Admin”). Add signers with <code>docker trust signer add</code>.
      </EmptyState>
    );
  }
  const s = overview.signers.find((x) => x.role === selected) ?? overview.signers[0]!;
  return (
    <div className="split">
      <nav className="signer-list" aria-label="Signers">
        <ul>
          {overview.signers.map((x) => (
            <li key={x.role}>
              <button
                type="button"
                className={x.role === s.role ? 'selected' : ''}
                aria-current={x.role === s.role ? 'true' : undefined}
                onClick={() => setSelected(x.role)}
              >
                <span className="signer-name">{x.name}</span>
                <span className="muted">
                  {x.signedTags.length} tags · {x.keyIds.length} {x.keyIds.length === 1 ? 'key' : 'keys'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <article className="signer-detail" aria-labelledby="signer-title">
        <h2 id="signer-title">{s.name}</h2>
        {!s.loaded && (
          <p className="warn">This signer’s metadata was skipped (expired or not signed by enough of its keys): its tags are not trusted.</p>
        )}
        <dl className="facts">
          <dt>Role</dt>
          <dd className="mono">{s.role}</dd>
          <dt>Delegated by</dt>
          <dd className="mono">{s.parent}</dd>
          <dt>Threshold</dt>
          <dd>
            {s.threshold} of {s.keyIds.length} {s.keyIds.length === 1 ? 'key' : 'keys'}
          </dd>
          <dt>Paths</dt>
          <dd>{s.paths === undefined ? 'none (signs nothing)' : s.paths.map((p) => (p === '' ? 'every tag ("")' : p)).join(', ')}</dd>
        </dl>
        <h3>Keys</h3>
        <ul className="key-ids">
          {s.keys.map((k) => (
            <li key={k.id}>
              <span className="mono">{k.id}</span> <span className="muted">{k.keyType}</span>
              {k.certificate && (
                <div className="small">
                  certificate CN <span className="mono">{k.certificate.commonName}</span>, valid until{' '}
                  <ExpiryText iso={k.certificate.notAfter} level={levelOf(k.certificate.notAfter)} />
                </div>
              )}
            </li>
          ))}
        </ul>
        <h3>Tags signed ({s.signedTags.length})</h3>
        {s.signedTags.length === 0 ? (
          <p className="muted">This signer has not signed any tag.</p>
        ) : (
          <>
            <ul className="tag-chips" aria-label={`Tags signed by ${s.name}`}>
              {s.signedTags.slice(0, 200).map((t) => (
                <li key={t} className="mono">
                  {t}
                </li>
              ))}
            </ul>
            {s.signedTags.length > 200 && <p className="muted">and {s.signedTags.length - 200} more</p>}
            <button type="button" onClick={() => onShowTags(s.name)}>
              Show {s.name}’s tags in the tags table
            </button>
          </>
        )}
      </article>
    </div>
  );
}
