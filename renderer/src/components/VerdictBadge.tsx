import type { VerdictView } from '../../../shared/view-model';

export const VERDICT_LABEL: Record<VerdictView, string> = {
  signed: 'Signed',
  unsigned: 'Unsigned',
  'digest-mismatch': 'Digest mismatch',
  'signed-not-in-registry': 'Signed, not in registry',
};

const VERDICT_ICON: Record<VerdictView, string> = { signed: '✓', unsigned: '○', 'digest-mismatch': '✕', 'signed-not-in-registry': '?' };

export function VerdictBadge({ verdict }: { verdict: VerdictView }) {
  return (
    <span className={`badge badge-${verdict}`}>
      <span aria-hidden="true">{VERDICT_ICON[verdict]}</span> {VERDICT_LABEL[verdict]}
    </span>
  );
}
