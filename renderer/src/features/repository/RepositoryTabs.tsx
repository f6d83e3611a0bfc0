/**
 * The tabs of a repository and the view of the selected one, for a live repository and (read-only,
 * without Publish) for one opened by the offline inspector. The tags table's query lives here so it
 * survives switching tabs, and "Show NAME's tags" on a signer filters it.
 */
import { useState, type ReactNode } from 'react';
import { Tabs } from '../../components/Tabs';
import { DEFAULT_TAG_QUERY, type TagQuery } from '../../../../shared/tag-query';
import type { RepositoryOverview } from '../../../../shared/view-model';
import type { RepoTab } from '../../route';
import { TagsView } from './TagsView';
import { SignersView } from './SignersView';
import { AdminKeysView } from './AdminKeysView';
import { TimelineView } from './TimelineView';
import { TrustGraphView } from './TrustGraphView';

const TAB_LABEL: Record<RepoTab, string> = {
  tags: 'Tags',
  signers: 'Signers',
  keys: 'Administrative keys',
  timeline: 'Expiry timeline',
  graph: 'Trust graph',
  publish: 'Publish',
};

export function RepositoryTabs({
  overview,
  tabs,
  tab,
  onTab,
  readOnly = false,
  publish,
}: {
  overview: RepositoryOverview;
  tabs: readonly RepoTab[];
  tab: RepoTab;
  onTab: (t: RepoTab) => void;
  readOnly?: boolean;
  /** the Publish tab's view (a live repository only) */
  publish?: ReactNode;
}) {
  const [tagQuery, setTagQuery] = useState<TagQuery>(DEFAULT_TAG_QUERY);
  return (
    <Tabs tabs={tabs} labels={TAB_LABEL} selected={tab} onSelect={onTab} label="Repository views" panelClassName="tabpanel">
      {tab === 'tags' && <TagsView overview={overview} query={tagQuery} onQuery={setTagQuery} readOnly={readOnly} />}
      {tab === 'signers' && (
        <SignersView
          overview={overview}
          onShowTags={(s) => {
            setTagQuery({ ...DEFAULT_TAG_QUERY, signer: s });
            onTab('tags');
          }}
        />
      )}
      {tab === 'keys' && <AdminKeysView overview={overview} />}
      {tab === 'timeline' && <TimelineView overview={overview} />}
      {tab === 'graph' && <TrustGraphView overview={overview} />}
      {tab === 'publish' && publish}
    </Tabs>
  );
}
