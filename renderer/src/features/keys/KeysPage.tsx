/**
 * The Keys view (issue 5): the trust dir's key inventory as a table with the findings above it, and
 * generate, load, import, export, change passphrase, remove and restore, each behind a dialog that
 * says exactly what will happen. Passphrases typed here go to main in the request only; a wrong or
 * too short one comes back as an error value and the dialog asks again.
 */
import { groupFindings } from './group-findings';
import { KeyId, KeyIds } from '../../components/KeyId';
import { useState } from 'react';
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { EmptyState } from '../../components/EmptyState';
import { formatDate, shortKeyId } from '../../format';
import { useKeyList } from './queries';
import { KeyDialog, type KeyAction } from './KeyDialog';
import '../../components/components.css';
import './keys.css';
import { TableHead } from '../../components/TableHead';

/** A location inside the trust dir as `private/…` (the full path is in the title and the intro). */
const relativeTo = (trustDir: string, p: string) => (p.startsWith(`${trustDir}/`) ? `${p.slice(trustDir.length + 1)}/` : p);
/** The folder of a file path (the removed key's file name is its key ID, shown in its own column). */
const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/'))) || p;

export function KeysPage() {
  const list = useKeyList();
  const [action, setAction] = useState<KeyAction | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const l = list.data;
  const open = (a: KeyAction) => {
    setDone(undefined);
    setAction(a);
  };
  return (
    <section aria-labelledby="keys-title" className="keys-page">
      <h1 id="keys-title">Keys</h1>
      {l && (
        <p className="muted">
          Private keys in <code>{l.trustDir}/private/</code>, shared with docker and notary. Key files never leave this machine through the app; only
          IDs, roles and paths are shown.
        </p>
      )}
      {list.error && <ErrorPanel error={errorValue(list.error)} onRetry={() => void list.refetch()} />}
      {list.isPending && (
        <div className="progress" role="status">
          <progress aria-label="Reading keys" /> Reading the keys and the cached repositories…
        </div>
      )}
      {done && (
        <p className="banner banner-ok" role="status">
          {done}
        </p>
      )}
      {l && (
        <>
          <section aria-labelledby="findings-title">
            <h2 id="findings-title">Warnings</h2>
            {l.findings.length === 0 ? (
              <p className="muted">No problems: every role this machine administers has its key, and no key is orphaned or stale.</p>
            ) : (
              <ul className="findings" aria-label="Key warnings">
                {groupFindings(l.findings).map((f, i) => (
                  <li key={i} className={`finding-${f.severity}`}>
                    <strong>{f.severity === 'error' ? 'Problem' : f.severity === 'warning' ? 'Warning' : 'Note'}:</strong> {f.message}
                    {f.keyIds.length > 0 && (
                      <span className="finding-keys">
                        {' '}
                        · key{f.keyIds.length > 1 ? 's' : ''} <KeyIds ids={f.keyIds} />
                      </span>
                    )}
                    {f.repositories.length > 0 && (
                      <div className="finding-repos">
                        {f.repositories.length === 1 ? 'Repository' : `${f.repositories.length} repositories`}:{' '}
                        <span className="mono">{f.repositories.join(', ')}</span>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <div className="key-actions">
            <button type="button" onClick={() => open({ kind: 'generate' })}>
              Generate a key…
            </button>
            <button type="button" onClick={() => open({ kind: 'load' })}>
              Load a key file…
            </button>
            <button type="button" onClick={() => open({ kind: 'import' })}>
              Import keys (notary)…
            </button>
          </div>
          {l.keys.length === 0 ? (
            <EmptyState title="No keys on this machine">Generate a signer key, or load one you were given.</EmptyState>
          ) : (
            <table className="inventory" aria-label="Keys on this machine">
              <TableHead columns={['Key ID', 'Role', 'Repository', 'Algorithm', 'Location', 'Used by', 'Actions']} />
              <tbody>
                {l.keys.map((k) => (
                  <tr key={k.keyId} data-key-id={k.keyId}>
                    <td className="col-id">
                      <KeyId id={k.keyId} />
                      {k.otherIds.map((o) => (
                        <span key={o} className="key-other" title="The certificate ID root.json lists for this key">
                          certificate ID <KeyId id={o} />
                        </span>
                      ))}
                    </td>
                    <td>{k.role ?? <span className="muted">unknown</span>}</td>
                    <td className="mono">{k.gun ?? <span className="muted">any</span>}</td>
                    <td>{k.algorithm ?? '?'}</td>
                    <td className="mono nowrap" title={k.location}>
                      {relativeTo(l.trustDir, k.location)}
                      {k.warnings.map((w) => (
                        <span key={w} className="key-other warn">
                          {w}
                        </span>
                      ))}
                    </td>
                    <td>
                      {k.usedBy.length ? (
                        k.usedBy.map((u) => (
                          <div key={`${u.gun}|${u.role}`} className="mono">
                            {u.gun} ({u.role}){u.verified ? '' : ' · unverified'}
                          </div>
                        ))
                      ) : (
                        <span className="muted">not used by a cached repository</span>
                      )}
                    </td>
                    <td className="actions">
                      <button type="button" aria-label={`Export key ${shortKeyId(k.keyId)}`} onClick={() => open({ kind: 'export', key: k })}>
                        Export…
                      </button>
                      <button
                        type="button"
                        aria-label={`Change the passphrase of key ${shortKeyId(k.keyId)}`}
                        onClick={() => open({ kind: 'passwd', key: k })}
                      >
                        Passphrase…
                      </button>
                      <button type="button" aria-label={`Remove key ${shortKeyId(k.keyId)}`} onClick={() => open({ kind: 'remove', key: k })}>
                        Remove…
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {l.removed.length > 0 && (
            <section aria-labelledby="removed-title">
              <h2 id="removed-title">Removed keys</h2>
              <p className="muted">Moved out of docker’s and notary’s sight, not deleted: restore them here.</p>
              <table className="inventory" aria-label="Removed keys">
                <TableHead columns={['Key ID', 'Role', 'Removed', 'Kept at', 'Actions']} />
                <tbody>
                  {l.removed.map((r) => (
                    <tr key={r.path} data-key-id={r.keyId}>
                      <td className="col-id">
                        <KeyId id={r.keyId} />
                      </td>
                      <td>{r.role ?? <span className="muted">unknown</span>}</td>
                      <td className="nowrap">{formatDate(r.removedAt)}</td>
                      <td className="mono nowrap" title={r.path}>
                        {relativeTo(l.trustDir, dirOf(r.path))}
                      </td>
                      <td className="actions">
                        <button type="button" aria-label={`Restore key ${shortKeyId(r.keyId)}`} onClick={() => open({ kind: 'restore', removed: r })}>
                          Restore…
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {action && (
            <KeyDialog
              action={action}
              list={l}
              onClose={() => setAction(undefined)}
              onDone={(m) => {
                setAction(undefined);
                setDone(m);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}
