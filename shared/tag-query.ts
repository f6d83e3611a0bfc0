/** Search, filter and sort of a repository's tag rows: pure, so the renderer and the tests share it. */
import type { TagRow, VerdictView } from './view-model.js';

export type TagSortKey = 'tag' | 'verdict' | 'size' | 'signers';

export interface TagQuery {
  search: string;
  verdicts: VerdictView[];
  /** '' = any signer. */
  signer: string;
  sort: TagSortKey;
  descending: boolean;
}

export const DEFAULT_TAG_QUERY: TagQuery = { search: '', verdicts: [], signer: '', sort: 'tag', descending: false };

const VERDICT_ORDER: Record<VerdictView, number> = { 'digest-mismatch': 0, 'signed-not-in-registry': 1, unsigned: 2, signed: 3 };

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const COMPARE: Record<TagSortKey, (a: TagRow, b: TagRow) => number> = {
  tag: (a, b) => collator.compare(a.tag, b.tag),
  verdict: (a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || collator.compare(a.tag, b.tag),
  size: (a, b) => (a.size ?? -1) - (b.size ?? -1) || collator.compare(a.tag, b.tag),
  signers: (a, b) => collator.compare(a.signers.join(','), b.signers.join(',')) || collator.compare(a.tag, b.tag),
};

/** Every order asked of a set of rows, sorted once: filtering a sorted list keeps its order. */
const sortedOrders = new WeakMap<readonly TagRow[], Map<string, TagRow[]>>();

function sortedRows(rows: readonly TagRow[], sort: TagSortKey, descending: boolean): readonly TagRow[] {
  let orders = sortedOrders.get(rows);
  if (!orders) sortedOrders.set(rows, (orders = new Map()));
  const key = `${sort}:${descending}`;
  let sorted = orders.get(key);
  if (!sorted) {
    const c = COMPARE[sort];
    orders.set(key, (sorted = [...rows].sort(descending ? (a, b) => c(b, a) : c)));
  }
  return sorted;
}

/** The rows a query shows, in its order. Do not mutate `rows` afterwards: its sorted orders are kept. */
export function queryTags(rows: readonly TagRow[], q: TagQuery): readonly TagRow[] {
  const needle = q.search.trim().toLowerCase();
  const verdicts = new Set(q.verdicts);
  const sorted = sortedRows(rows, q.sort, q.descending);
  if (verdicts.size === 0 && !q.signer && !needle) return sorted;
  return sorted.filter(
    (r) =>
      (verdicts.size === 0 || verdicts.has(r.verdict)) &&
      (!q.signer || r.signers.includes(q.signer)) &&
      (!needle || r.tag.toLowerCase().includes(needle) || (r.registryDigest ?? '').includes(needle) || (r.signedDigest ?? '').includes(needle)),
  );
}

/** Every signer name that appears on a tag, sorted. */
export function tagSigners(rows: readonly TagRow[]): string[] {
  const s = new Set<string>();
  for (const r of rows) for (const n of r.signers) s.add(n);
  return [...s].sort(collator.compare);
}
