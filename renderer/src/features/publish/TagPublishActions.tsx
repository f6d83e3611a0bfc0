/**
 * Sign / revoke from the tags table's detail panel: a confirmation with the exact digest, then the
 * change goes to the repository's pending list (published from the Publish tab, after its preview).
 */
import { useState } from 'react';
import { canSign as signable, stageTagChange, usePendingChanges } from './pending-changes';
import type { TagRow } from '../../../../shared/view-model';
import './publish.css';

export function TagPublishActions({ name, row }: { name: string; row: TagRow }) {
  const [asking, setAsking] = useState<'sign' | 'revoke' | undefined>();
  const pending = usePendingChanges(name);
  const staged = pending.some((p) => (p.change.kind === 'add-target' || p.change.kind === 'remove-target') && p.change.name === row.tag);
  const canSign = signable(row);
  const canRevoke = !!row.signedDigest;
  if (staged) return <p role="status">A change of {row.tag} is staged: review and publish it in the Publish tab.</p>;
  if (!canSign && !canRevoke) return null;
  const digest = asking === 'sign' ? row.registryDigest : row.signedDigest;
  return (
    <div className="tag-publish">
      {!asking && (
        <div className="actions">
          {canSign && (
            <button type="button" onClick={() => setAsking('sign')}>
              Sign this tag…
            </button>
          )}
          {canRevoke && (
            <button type="button" onClick={() => setAsking('revoke')}>
              Revoke its signature…
            </button>
          )}
        </div>
      )}
      {asking && (
        <div className="confirm" role="alertdialog" aria-labelledby="tag-confirm-title" aria-describedby="tag-confirm-digest">
          <p id="tag-confirm-title">
            {asking === 'sign' ? 'Sign' : 'Revoke the signature of'} <strong>{row.tag}</strong>?
          </p>
          <p id="tag-confirm-digest" className="mono">
            {digest}
          </p>
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                stageTagChange(name, row, asking);
                setAsking(undefined);
              }}
            >
              Stage it
            </button>
            <button type="button" onClick={() => setAsking(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
