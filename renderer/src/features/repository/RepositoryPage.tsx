import { errorValue } from '../../api';
import { useOverview, useRefreshOverview } from './queries';
import { ErrorPanel } from '../../components/ErrorPanel';
import { errorText } from '../../error-text';
import { REPO_TABS, type RepoTab } from '../../route';
import { formatCount, formatDate, relativeTime } from '../../format';
import { PublishView } from '../publish/PublishView';
import { PinControls } from './PinControls';
import { RepositoryTabs } from './RepositoryTabs';
import { ExpiredRenew } from './ExpiredRenew';

export function RepositoryPage({ name, tab, onTab }: { name: string; tab: RepoTab; onTab: (t: RepoTab) => void }) {
  const overview = useOverview(name);
  const refresh = useRefreshOverview(name);
  const o = overview.data;
  // the server renews the timestamp itself: only warn about it once it has lapsed
  const lapsing = (o?.timeline ?? []).filter((e) => e.level === 'expired' || (e.level === 'soon' && e.role !== 'timestamp'));
  return (
    <section aria-labelledby="repo-title" className="repository">
      <header className="repo-header">
        <div>
          <h1 id="repo-title" className="mono">
            {name}
          </h1>
          {o && (
            <p className="muted">
              {o.source === 'remote'
                ? 'Verified from the trust server'
                : `Verified from the local cache${o.cachedAt ? ` (cached ${formatDate(o.cachedAt)})` : ''}`}{' '}
              · {formatCount(o.tags.length)} tags · loaded {relativeTime(o.loadedAt)}
            </p>
          )}
          {o && <PinControls overview={o} />}
        </div>
        <button type="button" onClick={() => refresh.mutate()} disabled={refresh.isPending || overview.isPending}>
          {refresh.isPending ? 'Reloading…' : 'Reload'}
        </button>
      </header>
      {overview.isPending && (
        <div className="progress" role="status">
          <progress aria-label={`Loading ${name}`} /> Verifying trust data and reading the registry…
        </div>
      )}
      {overview.error && <ErrorPanel error={errorValue(overview.error)} onRetry={() => void overview.refetch()} />}
      {overview.error && errorValue(overview.error).code === 'METADATA_EXPIRED' && <ExpiredRenew name={name} />}
      {refresh.error && <ErrorPanel error={errorValue(refresh.error)} />}
      {o && (
        <>
          {!o.hasTrustData && (
            <div className="banner banner-empty" role="note">
              <strong>No trust data for this repository.</strong> Nobody has signed it: every tag is unsigned. Sign tags with{' '}
              <code>docker trust sign</code>.
            </div>
          )}
          {o.registryError && (
            <div className="banner banner-warn" role="note">
              <strong>The registry was not read: {errorText(o.registryError.code).title.toLowerCase()}.</strong> Verdicts below only reflect the trust
              data ({o.registryError.message}).
            </div>
          )}
          {lapsing.length > 0 && (
            <div className={`banner ${lapsing.some((e) => e.level === 'expired') ? 'banner-bad' : 'banner-warn'}`} role="note">
              {lapsing.map((e) => `${e.label} ${e.level === 'expired' ? 'has expired' : `expires ${relativeTime(e.expires)}`}`).join('; ')}.{' '}
              <button type="button" className="link" onClick={() => onTab('timeline')}>
                See the expiry timeline
              </button>
            </div>
          )}
          {o.skippedRoles.length > 0 && (
            <div className="banner banner-warn" role="note">
              Skipped signers: {o.skippedRoles.map((s) => `${s.role} (${errorText(s.error.code).title.toLowerCase()})`).join(', ')}
            </div>
          )}
          {o.warnings.map((w) => (
            <div key={w} className="banner banner-warn" role="note">
              {w}
            </div>
          ))}
          <RepositoryTabs overview={o} tabs={REPO_TABS} tab={tab} onTab={onTab} publish={<PublishView overview={o} />} />
        </>
      )}
    </section>
  );
}
