import type { GraphNode, RepositoryOverview } from '../../../../shared/view-model';
import { EmptyState } from '../../components/EmptyState';

const COL_W = 230;
const NODE_W = 180;
const NODE_H = 46;
const GAP = 14;
const PAD = 20;

function nodeText(n: GraphNode): string {
  if (n.threshold !== undefined) return `threshold ${n.threshold} of ${n.keyCount} ${n.keyCount === 1 ? 'key' : 'keys'}`;
  return n.kind === 'tag' ? 'tag' : '';
}

export function TrustGraphView({ overview }: { overview: RepositoryOverview }) {
  const { nodes, edges } = overview.graph;
  if (nodes.length === 0) return <EmptyState title="No trust data for this repository">There is no chain of trust to draw.</EmptyState>;
  const columns = new Map<number, GraphNode[]>();
  for (const n of nodes) columns.set(n.column, [...(columns.get(n.column) ?? []), n]);
  // Order each column by the mean row of the nodes pointing at it (fewer crossing edges).
  const row = new Map<string, number>();
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  for (const col of [...columns.keys()].sort((a, b) => a - b)) {
    const list = columns.get(col)!;
    const mean = (n: GraphNode) => {
      const rows = (parents.get(n.id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
    };
    const ordered = list
      .map((n, i) => ({ n, i, m: mean(n) }))
      .sort((a, b) => a.m - b.m || a.i - b.i)
      .map((x) => x.n);
    columns.set(col, ordered);
    ordered.forEach((n, i) => row.set(n.id, i - (ordered.length - 1) / 2));
  }
  const tallest = Math.max(...[...columns.values()].map((c) => c.length));
  const height = PAD * 2 + tallest * (NODE_H + GAP);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [col, list] of columns) {
    const colH = list.length * (NODE_H + GAP) - GAP;
    const top = (height - colH) / 2;
    list.forEach((n, i) => pos.set(n.id, { x: PAD + col * COL_W, y: top + i * (NODE_H + GAP) }));
  }
  const width = PAD * 2 + (Math.max(...columns.keys()) + 1) * COL_W;
  return (
    <div className="graph">
      <svg role="img" aria-labelledby="graph-title graph-desc" viewBox={`0 0 ${width} ${height}`} width="100%" className="trust-graph">
        <title id="graph-title">Trust graph of {overview.name}</title>
        <desc id="graph-desc">
          root signs targets; targets delegates to {nodes.filter((n) => n.kind === 'delegation').length} roles;{' '}
          {nodes.filter((n) => n.kind === 'tag').length} tags shown
        </desc>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrowhead" />
          </marker>
        </defs>
        {edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mx = (x1 + x2) / 2;
          return (
            <path key={`${e.from}>${e.to}`} d={`M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`} className="edge" markerEnd="url(#arrow)" />
          );
        })}
        {nodes.map((n) => {
          const p = pos.get(n.id)!;
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`} className={`node node-${n.kind}`} data-node={n.id}>
              <rect width={NODE_W} height={NODE_H} rx={8} />
              <text x={12} y={19} className="node-label">
                {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
              </text>
              <text x={12} y={36} className="node-sub">
                {nodeText(n)}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="muted small">
        Arrows point from the role that signs to what it vouches for. At most a few tags per role are drawn; the tags table lists them all.
      </p>
    </div>
  );
}
