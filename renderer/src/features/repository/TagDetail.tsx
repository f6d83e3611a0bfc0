import type { TagRow, VerdictView } from '../../../../shared/view-model';
import { VerdictBadge } from '../../components/VerdictBadge';
import { errorText } from '../../error-text';
import { formatSize } from '../../format';
import { TagPublishActions } from '../publish/TagPublishActions';

const MEANING: Record<VerdictView, string> = {
  signed: 'The registry serves exactly the bytes that were signed. Pulling this tag with content trust gets the signed image.',
  unsigned: 'No trusted role signed this tag. With content trust enabled, docker refuses to pull it.',
  'digest-mismatch':
    'The registry now serves other bytes under this tag than were signed. Docker with content trust pulls the signed digest; anyone pulling by tag without it gets the other image. Re-sign the tag or push the signed image back.',
  'signed-not-in-registry':
    'The tag is signed but the registry has no such tag: it was deleted, or never pushed. Pull by the signed digest, or revoke the signature.',
};

export function TagDetail({ row, onClose, repository }: { row: TagRow; onClose: () => void; repository?: string }) {
  return (
    <aside className="tag-detail" aria-labelledby="tag-detail-title">
      <header>
        <h2 id="tag-detail-title" className="mono">
          {row.tag}
        </h2>
        <VerdictBadge verdict={row.verdict} />
        <button type="button" className="quiet" onClick={onClose} aria-label="Close tag details">
          Close
        </button>
      </header>
      <p>{MEANING[row.verdict]}</p>
      <dl className="facts">
        <dt>Registry digest</dt>
        <dd className="mono">
          {row.registryDigest ?? (row.registryError ? `not read: ${errorText(row.registryError.code).title.toLowerCase()}` : 'not in the registry')}
        </dd>
        <dt>Signed digest</dt>
        <dd className="mono">{row.signedDigest ?? 'not signed'}</dd>
        <dt>Size</dt>
        <dd>{formatSize(row.size)}</dd>
        <dt>Signed by</dt>
        <dd>{row.signers.length ? row.signers.join(', ') : 'nobody'}</dd>
      </dl>
      {repository && <TagPublishActions name={repository} row={row} />}
    </aside>
  );
}
