/**
 * A repository of a trust directory or trust archive opened by the offline inspector (issue 9): the
 * same views as for a live repository, read-only (no Publish tab, no signing from the tags), under a
 * banner saying as of when everything was verified and what has expired since.
 */
import { useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { call, errorValue } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { formatDate } from '../format';
import { REPO_TABS, type RepoTab, type Route } from '../route';
import { TagsView } from './TagsView';
import { DEFAULT_TAG_QUERY, type TagQuery } from '../../../shared/tag-query';
import { SignersView } from './SignersView';
import { AdminKeysView } from './AdminKeysView';
import { TimelineView } from './TimelineView';
import { TrustGraphView } from './TrustGraphView';
import '../keys.css';

export const OFFLINE_TABS: readonly RepoTab[] = REPO_TABS.filter((t) => t !== 'publish');
const TAB_LABEL: Record<string, string> = { tags: 'Tags', signers: 'Signers', keys: 'Administrative keys', timeline: 'Expiry timeline', graph: 'Trust graph' };
/** A time to the minute, in UTC: what "as of" means here. */
export const formatTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};
const SOURCE_TEXT = { archive: 'trust archive', 'trust-dir': 'trust directory' } as const;

export function OfflineRepositoryPage({ route, onTab }: { route: Extract<Route, { page: 'offline' }>; onTab: (t: RepoTab) => void }) {
  const { source, path, name, tab } = route;
  const q = useQuery({ queryKey: ['offline', source, path, name], queryFn: () => call('offline:overview', { source, path, name }) });
  const [tagQuery, setTagQuery] = useState<TagQuery>(DEFAULT_TAG_QUERY);
  const v = q.data;
  const o = v?.overview;
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = OFFLINE_TABS.indexOf(tab);
    const n = OFFLINE_TABS.length;
    const next = e.key === 'ArrowRight' ? OFFLINE_TABS[(i + 1) % n] : e.key === 'ArrowLeft' ? OFFLINE_TABS[(i + n - 1) % n] : e.key === 'Home' ? OFFLINE_TABS[0] : e.key === 'End' ? OFFLINE_TABS[n - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    onTab(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  };
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
            <strong>As of {v.asOf ? formatTime(v.asOf) : 'an unknown time'}</strong>: verified from the saved bytes with the clock at that time, no network. This is what the trust server said then, not now.
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
              {source === 'archive' ? 'The archive holds no registry digests' : 'The registry was not contacted'}: verdicts below reflect the saved trust data only.
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
          <div role="tablist" aria-label="Repository views" className="tabs" onKeyDown={onTabKey}>
            {OFFLINE_TABS.map((t) => (
              <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={t === tab} aria-controls={`panel-${t}`} tabIndex={t === tab ? 0 : -1} onClick={() => onTab(t)}>
                {TAB_LABEL[t]}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
            {tab === 'tags' && <TagsView overview={o} query={tagQuery} onQuery={setTagQuery} readOnly />}
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
          </div>
        </>
      )}
    </section>
  );
}
