/**
 * A repository's tags as one compact table, the form `repository:overview` sends them in: a column per
 * field instead of one object per tag, verdicts as small codes, a signed digest equal to the registry's
 * stored once, each distinct signer list once. For 10,000 tags that is a few arrays of strings and
 * numbers rather than 10,000 objects, so main's schema check (tagTableSchema in view-model.ts),
 * Electron's structured clone and the renderer's decoding stay a few milliseconds each.
 * No zod here: the renderer imports this module.
 */
import type { ErrorValueView, RepositoryOverview, RepositoryOverviewWire, TagRow, VerdictView } from './view-model.js';

/** The verdict codes, in this order (view-model.ts builds its verdict schema from this list). */
export const VERDICT_VALUES = ['signed', 'unsigned', 'digest-mismatch', 'signed-not-in-registry'] as const;

/** No digest / no size. */
export const NONE = -1;

export interface TagTable {
  tag: string[];
  /** Index into VERDICT_VALUES. */
  verdict: number[];
  /** The digests the rows point to (a row's signed digest equal to its registry digest shares its entry). */
  digests: string[];
  /** Index into `digests`, or NONE. */
  registryDigest: number[];
  /** Index into `digests`, or NONE. */
  signedDigest: number[];
  /** Bytes, or NONE when unknown. */
  size: number[];
  /** Each distinct signer list once. */
  signerLists: string[][];
  /** Index into `signerLists`. */
  signers: number[];
  /** The few rows whose registry read failed, by row index. */
  registryErrors: { row: number; error: ErrorValueView }[];
}

const VERDICT_CODE = Object.fromEntries(VERDICT_VALUES.map((v, i) => [v, i])) as Record<VerdictView, number>;

/** The index of a signer list in `lists`, added on first sight (no list: one entry; one signer: by name; more: by their JSON). */
function signerListIndex(lists: string[][]): (signers: readonly string[]) => number {
  let none: number | undefined;
  const one = new Map<string, number>();
  const more = new Map<string, number>();
  return (signers) => {
    if (signers.length === 0) return (none ??= lists.push([]) - 1);
    const [map, key] = signers.length === 1 ? [one, signers[0]!] : [more, JSON.stringify(signers)];
    let i = map.get(key);
    if (i === undefined) map.set(key, (i = lists.push([...signers]) - 1));
    return i;
  };
}

/** Rows → table (main, where the overview is sent). */
export function packTags(rows: readonly TagRow[]): TagTable {
  const n = rows.length;
  const t: TagTable = {
    tag: new Array<string>(n),
    verdict: new Array<number>(n),
    digests: [],
    registryDigest: new Array<number>(n),
    signedDigest: new Array<number>(n),
    size: new Array<number>(n),
    signerLists: [],
    signers: new Array<number>(n),
    registryErrors: [],
  };
  // the registry's digest is listed per row; the signed one only when it differs (most tags: the same)
  const digest = (d: string | undefined) => (d === undefined ? NONE : t.digests.push(d) - 1);
  const list = signerListIndex(t.signerLists);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    t.tag[i] = r.tag;
    t.verdict[i] = VERDICT_CODE[r.verdict];
    const reg = digest(r.registryDigest);
    t.registryDigest[i] = reg;
    t.signedDigest[i] = r.signedDigest !== undefined && r.signedDigest === r.registryDigest ? reg : digest(r.signedDigest);
    t.size[i] = r.size ?? NONE;
    t.signers[i] = list(r.signers);
    if (r.registryError) t.registryErrors.push({ row: i, error: { code: r.registryError.code, message: r.registryError.message } });
  }
  return t;
}

/** Table → rows (the renderer, once per response). Rows with the same signers share one array: do not mutate it. */
export function unpackTags(t: TagTable): TagRow[] {
  const n = t.tag.length;
  const errors = new Map(t.registryErrors.map((e) => [e.row, e.error]));
  const rows = new Array<TagRow>(n);
  for (let i = 0; i < n; i++) {
    const reg = t.registryDigest[i]!;
    const signed = t.signedDigest[i]!;
    const size = t.size[i]!;
    // every row has every field (undefined when absent): one shape, so the view's filters and sorts stay fast
    const row: TagRow = {
      tag: t.tag[i]!,
      verdict: VERDICT_VALUES[t.verdict[i]!]!,
      registryDigest: reg === NONE ? undefined : t.digests[reg]!,
      signedDigest: signed === NONE ? undefined : t.digests[signed]!,
      size: size === NONE ? undefined : size,
      signers: t.signerLists[t.signers[i]!]!,
      registryError: errors.get(i),
    };
    rows[i] = row;
  }
  return rows;
}

/**
 * Why a table is inconsistent (columns of different lengths, an index out of range), or undefined.
 * The types of the cells are the schema's business; this is the one pass over the rows that relates them.
 */
export function tagTableProblem(t: TagTable): string | undefined {
  const n = t.tag.length;
  for (const k of ['verdict', 'registryDigest', 'signedDigest', 'size', 'signers'] as const) {
    if (t[k].length !== n) return `${k}: ${t[k].length} entries for ${n} tags`;
  }
  const digests = t.digests.length;
  const lists = t.signerLists.length;
  for (let i = 0; i < n; i++) {
    if (t.registryDigest[i]! >= digests || t.signedDigest[i]! >= digests) return `row ${i}: digest index out of range`;
    if (t.signers[i]! >= lists) return `row ${i}: signer list index out of range`;
  }
  for (const e of t.registryErrors) if (e.row >= n) return `registryErrors: row ${e.row} out of range`;
  return undefined;
}

/** The overview as `repository:overview` sends it (main). */
export function packOverview(o: RepositoryOverview): RepositoryOverviewWire {
  const { tags, ...rest } = o;
  return { ...rest, tagTable: packTags(tags) };
}

/** The overview back with its rows (the renderer). */
export function unpackOverview(w: RepositoryOverviewWire): RepositoryOverview {
  const { tagTable, ...rest } = w;
  return { ...rest, tags: unpackTags(tagTable) };
}
