/** The pending changes of a repository: drop, preview the exact metadata change, then publish them all at once. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useAction } from '../../components/useAction';
import { useInvalidateRepository } from '../repository/queries';
import type { Response } from '../../../../shared/ipc/contract';
import { clearChanges, unstageChange, usePendingChanges } from './pending-changes';
import { applyPublish, previewPublish } from './queries';
import { PreviewDiff } from './PreviewDiff';
import { NewKeys } from './NewKeys';

export function PendingPanel({ name }: { name: string }) {
  const pending = usePendingChanges(name);
  const invalidate = useInvalidateRepository();
  const [passphrase, setPassphrase] = useState('');
  const preview = useAction<Response<'publish:preview'>>();
  const publish = useAction<Response<'publish:apply'>>();
  const changes = pending.map((p) => p.change);
  const passphrases = passphrase ? { unlock: passphrase, new: passphrase } : undefined;
  return (
    <section aria-labelledby="pending-title" className="publish-section">
      <h2 id="pending-title">Pending changes ({pending.length})</h2>
      {pending.length === 0 && !publish.result && (
        <p className="muted">Nothing staged. Sign or revoke tags, change signers or rotate keys below; they collect here until you publish.</p>
      )}
      {publish.result && pending.length === 0 && (
        <p role="status" className="banner banner-ok">
          Published{publish.result.attempts > 1 ? ` (re-applied on top of a concurrent change, ${publish.result.attempts} attempts)` : ''}.
          <NewKeys keys={publish.result.newKeys} />
        </p>
      )}
      {pending.length > 0 && (
        <>
          <ol className="pending-list">
            {pending.map((p, i) => (
              <li key={`${i}-${p.label}`}>
                {p.label}{' '}
                <button type="button" className="link" onClick={() => (preview.reset(), unstageChange(name, i))} aria-label={`Drop: ${p.label}`}>
                  Drop
                </button>
              </li>
            ))}
          </ol>
          <label className="field">
            Key passphrase (if the environment does not provide it)
            <input type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" disabled={preview.pending} onClick={() => void preview.run(() => previewPublish({ name, changes, passphrases }))}>
              {preview.pending ? 'Building…' : 'Preview the exact change'}
            </button>
            <button
              type="button"
              className="primary"
              disabled={publish.pending || !preview.result}
              title={preview.result ? undefined : 'Preview first'}
              onClick={async () => {
                const r = await publish.run(() => applyPublish({ name, changes, passphrases }));
                if (r) {
                  clearChanges(name);
                  setPassphrase('');
                  preview.reset();
                  invalidate(name);
                }
              }}
            >
              {publish.pending ? 'Publishing…' : 'Publish'}
            </button>
            <button type="button" onClick={() => (clearChanges(name), preview.reset())}>
              Discard all
            </button>
          </div>
          {preview.error && <ErrorPanel error={preview.error} />}
          {publish.error && <ErrorPanel error={publish.error} />}
          {preview.result && <PreviewDiff preview={preview.result} />}
        </>
      )}
    </section>
  );
}
