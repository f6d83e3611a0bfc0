/**
 * The offline inspector's entry on the Repositories view: a path to a trust directory (or the docker
 * config dir holding it) or a trust archive, opened with no network; its repositories open read-only.
 */
import { useState } from 'react';
import { errorValue } from '../../api';
import { PathField } from '../../components/PathField';
import { ErrorPanel } from '../../components/ErrorPanel';
import { errorText } from '../../error-text';
import { formatTime } from '../../format';
import { routeHash, type OfflineSource } from '../../route';
import { useOpenOffline } from './queries';
import './offline.css';

export function OfflineInspector() {
  const [path, setPath] = useState('');
  const open = useOpenOffline(path);
  const v = open.data;
  const go = (source: OfflineSource) => {
    if (path.trim()) open.mutate(source);
  };
  return (
    <section aria-labelledby="offline-title" className="offline-inspector">
      <h2 id="offline-title">Inspect offline</h2>
      <p className="muted">
        Open a trust directory copied from another machine, or a trust archive (<code>trustdesk archive</code>): verified with no network, as of the
        time it was saved.
      </p>
      <div className="offline-form">
        <PathField
          id="offline-path"
          className="offline-path"
          label="Path to a trust directory or archive"
          value={path}
          onChange={setPath}
          dialog={{ kind: 'file', filters: [{ name: 'Trust archive', extensions: ['tdarchive'] }] }}
          folderToo
          placeholder="/path/to/trust or /path/to/app.tdarchive"
        />
        <button type="button" onClick={() => go('trust-dir')} disabled={open.isPending}>
          Open trust directory…
        </button>
        <button type="button" onClick={() => go('archive')} disabled={open.isPending}>
          Open archive…
        </button>
      </div>
      {open.error && <ErrorPanel error={errorValue(open.error)} />}
      {v && (
        <div className="card">
          <p>
            {v.source === 'archive' ? 'Trust archive' : 'Trust directory'} <code>{v.path}</code>
            {v.asOf ? <> · as of {formatTime(v.asOf)}</> : null}
            {v.createdBy ? <> · made by {v.createdBy}</> : null}
            {v.signer ? (
              <>
                {' '}
                · signed by {v.signer.scheme} key <code data-testid="archive-signer">{v.signer.keyId}</code>
              </>
            ) : v.unsigned ? (
              <> · unsigned</>
            ) : null}
          </p>
          {v.repositories.length === 0 ? (
            <p className="muted">It holds no repositories.</p>
          ) : (
            <ul className="repo-list" aria-label="Repositories in it">
              {v.repositories.map((r) => (
                <li key={r.gun} className="repo-row">
                  <div className="repo-main">
                    <a className="repo-name" href={routeHash({ page: 'offline', source: v.source, path: v.path, name: r.gun, tab: 'tags' })}>
                      {r.gun}
                    </a>
                  </div>
                  <div className="repo-health">
                    {r.error ? (
                      <span className="warn">
                        {errorText(r.error.code).title} ({r.error.code})
                      </span>
                    ) : (
                      <span className="muted">{r.asOf ? `as of ${formatTime(r.asOf)}` : 'time unknown'}</span>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
