import { memo, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { queryTags, tagSigners, type TagQuery, type TagSortKey } from '../../../../shared/tag-query';
import type { RepositoryOverview, TagRow, VerdictView } from '../../../../shared/view-model';
import type { CosignTagsView } from '../../../../shared/ipc/cosign-contract';
import { VerdictBadge, VERDICT_LABEL } from '../../components/VerdictBadge';
import { EmptyState } from '../../components/EmptyState';
import { formatCount, formatSize, shortDigest } from '../../format';
import { TagDetail } from './TagDetail';
import { CosignKeyControl, SignaturesBadge, cosignStatus, useCosignKeyFile } from './CosignSignatures';
import { useCosignTags } from './queries';
import { PERF_MARK } from '../../../../shared/perf-marks';
import { usePaintMark } from '../../perf';
import './cosign.css';

// the verdicts in display order (no zod in the renderer bundle: only types come from shared/view-model)
const VERDICT_VALUES = Object.keys(VERDICT_LABEL) as VerdictView[];
/** A row's height in pixels: the same as `.tag-row` in styles.css (fixed, so the virtualiser never measures). */
const ROW_HEIGHT = 40;
/** Rows rendered beyond the visible ones on each side. */
const OVERSCAN = 2;
const COLUMNS: { key: TagSortKey | null; label: string; className: string }[] = [
  { key: 'tag', label: 'Tag', className: 'col-tag' },
  { key: 'verdict', label: 'Verdict', className: 'col-verdict' },
  { key: null, label: 'Digest', className: 'col-digest' },
  { key: 'size', label: 'Size', className: 'col-size' },
  { key: 'signers', label: 'Signers', className: 'col-signers' },
  { key: null, label: 'Signatures', className: 'col-sigs' },
];

/** The tags table; its query lives with the repository page so it survives switching tabs. */
export function TagsView({
  overview,
  query: q,
  onQuery: setQ,
  readOnly = false,
}: {
  overview: RepositoryOverview;
  query: TagQuery;
  onQuery: Dispatch<SetStateAction<TagQuery>>;
  readOnly?: boolean;
}) {
  const [selected, setSelected] = useState<string | undefined>();
  const rows = useMemo(() => queryTags(overview.tags, q), [overview.tags, q]);
  const signers = useMemo(() => tagSigners(overview.tags), [overview.tags]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cosignKey, setCosignKey] = useCosignKeyFile();
  const cosign = useCosignTags(overview.gun, cosignKey, !readOnly);
  const cosignByTag = useMemo(() => new Map((cosign.data?.tags ?? []).map((t) => [t.tag, t])), [cosign.data]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  usePaintMark(PERF_MARK.tagsFirstRows, items.length > 0);
  // Rows are keyed by slot (index modulo the most rows shown at once), not by tag: scrolling re-fills the
  // row elements that left the window instead of making new ones (far less layout per frame).
  const slotCount = useRef(0);
  slotCount.current = Math.max(slotCount.current, items.length);
  const slots = slotCount.current;

  const selectedRow = selected === undefined ? undefined : overview.tags.find((t) => t.tag === selected);
  const toggleVerdict = (v: VerdictView) =>
    setQ((old) => ({ ...old, verdicts: old.verdicts.includes(v) ? old.verdicts.filter((x) => x !== v) : [...old.verdicts, v] }));
  const sortBy = (key: TagSortKey) => setQ((old) => ({ ...old, sort: key, descending: old.sort === key ? !old.descending : false }));

  if (overview.tags.length === 0) {
    return <EmptyState title="No tags">The registry lists no tags for this repository and no tag is signed.</EmptyState>;
  }

  return (
    <div className="tags-view">
      <div className="toolbar" role="search">
        <label className="search">
          <span className="visually-hidden">Search tags or digests</span>
          <input type="search" placeholder="Search tags or digests" value={q.search} onChange={(e) => setQ({ ...q, search: e.target.value })} />
        </label>
        <div className="verdict-filter" role="group" aria-label="Filter by verdict">
          {VERDICT_VALUES.map((v) => (
            <button key={v} type="button" className={`chip chip-${v}`} aria-pressed={q.verdicts.includes(v)} onClick={() => toggleVerdict(v)}>
              {VERDICT_LABEL[v]} ({overview.counts[v]})
            </button>
          ))}
        </div>
        <label htmlFor="signer-filter">Signer</label>
        <select id="signer-filter" value={q.signer} onChange={(e) => setQ({ ...q, signer: e.target.value })}>
          <option value="">Any signer</option>
          {signers.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {!readOnly && <CosignKeyControl value={cosignKey} onChange={setCosignKey} status={cosignStatus(cosign, cosignKey)} />}
        <span className="muted" role="status" aria-live="polite">
          {formatCount(rows.length)} of {formatCount(overview.tags.length)} tags
        </span>
      </div>
      <div className="table tags-cosign" role="table" aria-label="Tags" aria-rowcount={rows.length + 1}>
        <div role="rowgroup">
          <div className="tr thead" role="row" aria-rowindex={1}>
            {COLUMNS.map((c) => (
              <div
                key={c.label}
                role="columnheader"
                className={`th ${c.className}`}
                aria-sort={c.key && q.sort === c.key ? (q.descending ? 'descending' : 'ascending') : undefined}
              >
                {c.key ? (
                  <button type="button" className="sort" onClick={() => sortBy(c.key!)}>
                    {c.label}
                    <span aria-hidden="true">{q.sort === c.key ? (q.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
        </div>
        <div
          className="tbody"
          role="rowgroup"
          ref={scrollRef}
          tabIndex={0}
          aria-label="Tag rows, scrollable"
          data-testid="tag-rows"
          onBlur={(e) => keepFocusInRows(e.currentTarget, e.target, e.relatedTarget)}
        >
          {rows.length === 0 && <div className="no-match">No tag matches these filters.</div>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const r = rows[item.index]!;
              return (
                <TagRowView
                  key={item.index % slots}
                  row={r}
                  index={item.index}
                  start={item.start}
                  selected={selected === r.tag}
                  onSelect={setSelected}
                  cosign={cosignByTag.get(r.tag)}
                  keyId={cosign.data?.keyId}
                />
              );
            })}
          </div>
        </div>
      </div>
      {selectedRow && <TagDetail row={selectedRow} repository={readOnly ? undefined : overview.gun} onClose={() => setSelected(undefined)} />}
    </div>
  );
}

/**
 * Focus in a row whose element was removed or moved by a scroll (React drops focus to the body) goes
 * back to the row region, not to whatever tag that element shows now; a blur the user caused is left alone.
 */
function keepFocusInRows(region: HTMLElement, from: EventTarget, to: EventTarget | null): void {
  const row = from instanceof HTMLElement ? from.closest('[data-tag]') : null;
  if (!row || to) return;
  const tag = row.getAttribute('data-tag');
  queueMicrotask(() => {
    if (document.activeElement !== document.body && document.activeElement !== null) return;
    if (!row.isConnected || row.getAttribute('data-tag') !== tag) region.focus({ preventScroll: true });
  });
}

/**
 * One row of the tags table. Memoised: scrolling, filtering or selecting re-renders only the rows whose
 * props changed (a row's `row` object stays the same for as long as the overview does). Its element is
 * reused for another tag when scrolled out (slot keys): focus inside it then moves to the scroller, so
 * a key press never acts on a tag other than the one that was focused.
 */
const TagRowView = memo(function TagRowView({
  row: r,
  index,
  start,
  selected,
  onSelect,
  cosign,
  keyId,
}: {
  row: TagRow;
  index: number;
  start: number;
  selected: boolean;
  onSelect: (tag: string) => void;
  cosign: CosignTagsView['tags'][number] | undefined;
  keyId: string | undefined;
}) {
  const mismatch = r.verdict === 'digest-mismatch';
  const ref = useRef<HTMLDivElement>(null);
  const shown = useRef(r.tag);
  useLayoutEffect(() => {
    if (shown.current === r.tag) return;
    shown.current = r.tag;
    const el = ref.current;
    if (el && el.contains(document.activeElement)) el.closest<HTMLElement>('.tbody')?.focus({ preventScroll: true });
  }, [r.tag]);
  return (
    <div ref={ref} role="row" aria-rowindex={index + 2} className="tr tag-row" data-tag={r.tag} style={{ transform: `translateY(${start}px)` }}>
      <div role="cell" className="td col-tag mono">
        <button type="button" className="link mono" aria-label={`Details of ${r.tag}`} aria-pressed={selected} onClick={() => onSelect(r.tag)}>
          {r.tag}
        </button>
      </div>
      <div role="cell" className="td col-verdict">
        <VerdictBadge verdict={r.verdict} />
      </div>
      <div
        role="cell"
        className="td col-digest mono"
        title={[r.registryDigest && `registry: ${r.registryDigest}`, r.signedDigest && `signed: ${r.signedDigest}`].filter(Boolean).join('\n')}
      >
        {mismatch ? (
          <>
            <span>reg {shortDigest(r.registryDigest)}</span> <span>≠ signed {shortDigest(r.signedDigest)}</span>
          </>
        ) : r.registryError ? (
          <span className="warn">registry: {r.registryError.code}</span>
        ) : (
          shortDigest(r.registryDigest ?? r.signedDigest)
        )}
      </div>
      <div role="cell" className="td col-size">
        {formatSize(r.size)}
      </div>
      <div role="cell" className="td col-signers">
        {r.signers.length ? r.signers.join(', ') : '—'}
      </div>
      <div role="cell" className="td col-sigs">
        <SignaturesBadge tag={r.tag} dct={r.verdict === 'signed'} cosign={cosign} {...(keyId ? { keyId } : {})} />
      </div>
    </div>
  );
});
