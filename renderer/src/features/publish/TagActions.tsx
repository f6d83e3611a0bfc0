/** Sign and revoke tags from the Publish tab: a confirmation with the exact digest, then the change is staged. */
import { useState } from 'react';
import { shortDigest } from '../../format';
import type { TagRow } from '../../../../shared/view-model';
import { canSign, stageTagChange } from './pending-changes';
import { TableHead } from '../../components/TableHead';

export function TagActions({ name, tags }: { name: string; tags: TagRow[] }) {
  const [confirm, setConfirm] = useState<{ row: TagRow; action: 'sign' | 'revoke' } | undefined>();
  const [filter, setFilter] = useState('');
  const shown = tags.filter((t) => t.tag.includes(filter)).slice(0, 200);
  return (
    <section aria-labelledby="sign-title" className="publish-section">
      <h2 id="sign-title">Sign and revoke tags</h2>
      <label className="field">
        Filter tags
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {confirm && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-digest">
          <p id="confirm-title">
            {confirm.action === 'sign' ? 'Sign' : 'Revoke the signature of'} <strong>{confirm.row.tag}</strong>?
          </p>
          <p id="confirm-digest">
            Digest <span className="mono">{confirm.action === 'sign' ? confirm.row.registryDigest : confirm.row.signedDigest}</span>
            {confirm.action === 'sign' && confirm.row.size !== undefined ? ` (${confirm.row.size} bytes, as the registry serves it)` : ''}
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => {
                stageTagChange(name, confirm.row, confirm.action);
                setConfirm(undefined);
              }}
            >
              Stage it
            </button>
            <button type="button" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <table className="publish-tags">
        <caption className="visually-hidden">Tags with their registry and signed digests</caption>
        <TableHead columns={['Tag', 'Registry digest', 'State', 'Actions']} />
        <tbody>
          {shown.map((t) => (
            <tr key={t.tag}>
              <td className="mono">{t.tag}</td>
              <td className="mono">{t.registryDigest ? shortDigest(t.registryDigest) : '—'}</td>
              <td>{t.verdict}</td>
              <td>
                {canSign(t) && (
                  <button type="button" onClick={() => setConfirm({ row: t, action: 'sign' })} aria-label={`Sign ${t.tag}`}>
                    Sign…
                  </button>
                )}{' '}
                {t.signedDigest && (
                  <button type="button" onClick={() => setConfirm({ row: t, action: 'revoke' })} aria-label={`Revoke ${t.tag}`}>
                    Revoke…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tags.length > shown.length && (
        <p className="muted">
          Showing {shown.length} of {tags.length} tags; filter to find others.
        </p>
      )}
    </section>
  );
}
