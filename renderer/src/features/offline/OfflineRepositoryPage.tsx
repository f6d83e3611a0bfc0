/**
 * A repository of a trust directory or trust archive opened by the offline inspector (issue 9): the
 * same views as for a live repository, read-only (no Publish tab, no signing from the tags), under a
 * banner saying as of when everything was verified and what has expired since.
 */
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { formatDate, formatTime } from '../../format';
import { REPO_TABS, type RepoTab, type Route } from '../../route';
import { RepositoryTabs } from '../repository/RepositoryTabs';
import { useOfflineOverview } from './queries';
import './offline.css';

const OFFLINE_TABS: readonly RepoTab[] = REPO_TABS.filter((t) => t !== 'publish');
const SOURCE_TEXT = { archive: 'trust archive', 'trust-dir': 'trust directory' } as const;

export function OfflineRepositoryPage({ route, onTab }: { route: Extract<Route, { page: 'offline' }>; onTab: (t: RepoTab) => void }) {
  const { source, path, name, tab } = route;
  const q = useOfflineOverview(source, path, name);
  const v = q.data;
  const o = v?.overview;
  return (
    <section aria-labelledby="repo-title" className="repository">
      <a className="back" href="#/">
        ← All repositories
      </a>
      <header className="repo-header">
        <div>
          <h1 id="repo-title" className="mono">
            {name}
          </h1>
          <p className="muted">
            Read-only, from the {SOURCE_TEXT[source]} <code>{v?.path ?? path}</code>
            {o ? ` · ${o.tags.length.toLocaleString('en')} tags` : ''}
          </p>
        </div>
      </header>
      {q.isPending && (
        <div className="progress" role="status">
          <progress aria-label={`Verifying ${name}`} /> Verifying the saved trust data (no network)…
        </div>
      )}
      {q.error && <ErrorPanel error={errorValue(q.error)} onRetry={() => void q.refetch()} />}
      {v && o && (
        <>
          <div className="banner banner-asof" role="note" aria-label="As of">
            <strong>As of {v.asOf ? formatTime(v.asOf) : 'an unknown time'}</strong>: verified from the saved bytes with the clock at that time, no
            network. This is what the trust server said then, not now.
          </div>
          {v.expiredSince.length > 0 ? (
            <div className="banner banner-bad" role="note" aria-label="Expired since">
              Expired since then: {v.expiredSince.map((e) => `${e.role} on ${formatDate(e.expires)}`).join('; ')}.
            </div>
          ) : (
            <div className="banner banner-empty" role="note" aria-label="Expired since">
              Nothing has expired since then.
            </div>
          )}
          {o.registryError && (
            <div className="banner banner-warn" role="note">
              {source === 'archive' ? 'The archive holds no registry digests' : 'The registry was not contacted'}: verdicts below reflect the saved
              trust data only.
            </div>
          )}
          {o.warnings
            .filter((w) => !w.startsWith('from the trust archive '))
            .map((w) => (
              <div key={w} className="banner banner-warn" role="note">
                {w}
              </div>
            ))}
          {o.skippedRoles.length > 0 && (
            <div className="banner banner-warn" role="note">
              Skipped signers: {o.skippedRoles.map((s) => s.role).join(', ')}
            </div>
          )}
          <RepositoryTabs overview={o} tabs={OFFLINE_TABS} tab={tab} onTab={onTab} readOnly />
        </>
      )}
    </section>
  );
}
