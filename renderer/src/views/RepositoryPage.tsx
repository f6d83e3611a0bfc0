import { useState, type KeyboardEvent } from 'react';
import { errorValue } from '../api';
import { useOverview, useRefreshOverview } from '../queries';
import { ErrorPanel } from '../components/ErrorPanel';
import { errorText } from '../error-text';
import { REPO_TABS, type RepoTab } from '../route';
import { formatDate, relativeTime } from '../format';
import { TagsView } from './TagsView';
import { DEFAULT_TAG_QUERY, type TagQuery } from '../../../shared/tag-query';
import { SignersView } from './SignersView';
import { AdminKeysView } from './AdminKeysView';
import { TimelineView } from './TimelineView';
import { TrustGraphView } from './TrustGraphView';
import { PublishView } from './PublishView';
import { PinControls } from '../components/PinControls';

const TAB_LABEL: Record<RepoTab, string> = {
  tags: 'Tags',
  signers: 'Signers',
  keys: 'Administrative keys',
  timeline: 'Expiry timeline',
  graph: 'Trust graph',
  publish: 'Publish',
};

export function RepositoryPage({ name, tab, onTab }: { name: string; tab: RepoTab; onTab: (t: RepoTab) => void }) {
  const overview = useOverview(name);
  const refresh = useRefreshOverview(name);
  const [tagQuery, setTagQuery] = useState<TagQuery>(DEFAULT_TAG_QUERY);
  const o = overview.data;
  // the server renews the timestamp itself: only warn about it once it has lapsed
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = REPO_TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? REPO_TABS[(i + 1) % REPO_TABS.length] : e.key === 'ArrowLeft' ? REPO_TABS[(i + REPO_TABS.length - 1) % REPO_TABS.length] : e.key === 'Home' ? REPO_TABS[0] : e.key === 'End' ? REPO_TABS[REPO_TABS.length - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    onTab(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  };
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
              {o.source === 'remote' ? 'Verified from the trust server' : `Verified from the local cache${o.cachedAt ? ` (cached ${formatDate(o.cachedAt)})` : ''}`} ·{' '}
              {o.tags.length.toLocaleString('en')} tags · loaded {relativeTime(o.loadedAt)}
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
      {refresh.error && <ErrorPanel error={errorValue(refresh.error)} />}
      {o && (
        <>
          {!o.hasTrustData && (
            <div className="banner banner-empty" role="note">
              <strong>No trust data for this repository.</strong> Nobody has signed it: every tag is unsigned. Sign tags with <code>docker trust sign</code>.
            </div>
          )}
          {o.registryError && (
            <div className="banner banner-warn" role="note">
              <strong>The registry was not read: {errorText(o.registryError.code).title.toLowerCase()}.</strong> Verdicts below only reflect the trust data ({o.registryError.message}).
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
          <div role="tablist" aria-label="Repository views" className="tabs" onKeyDown={onTabKey}>
            {REPO_TABS.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`tab-${t}`}
                aria-selected={t === tab}
                aria-controls={`panel-${t}`}
                tabIndex={t === tab ? 0 : -1}
                onClick={() => onTab(t)}
              >
                {TAB_LABEL[t]}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
            {tab === 'tags' && <TagsView overview={o} query={tagQuery} onQuery={setTagQuery} />}
            {tab === 'signers' && (
              <SignersView
                overview={o}
                onShowTags={(s) => {
                  setTagQuery({ ...DEFAULT_TAG_QUERY, signer: s });
                  onTab('tags');
                }}
              />
            )}
            {tab === 'keys' && <AdminKeysView overview={o} />}
            {tab === 'timeline' && <TimelineView overview={o} />}
            {tab === 'graph' && <TrustGraphView overview={o} />}
            {tab === 'publish' && <PublishView overview={o} />}
          </div>
        </>
      )}
    </section>
  );
}
