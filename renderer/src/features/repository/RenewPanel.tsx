/**
 * Renewal from the Expiry timeline: the dry-run diff (versions and dates, role by role, as main built
 * and signed it in memory), the roles this machine cannot renew with who must, then publishing it.
 * `roles` absent: every role expiring within 90 days ("renew all I can").
 */
import { useEffect, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useAction } from '../../components/useAction';
import { formatDate } from '../../format';
import type { RenewResultView } from '../../../../shared/ipc/renew-contract';
import { PreviewDiff } from '../publish/PreviewDiff';
import { applyRenewal, planRenewal, useInvalidateRepository } from './queries';

function RenewList({ r }: { r: RenewResultView }) {
  return (
    <>
      {r.renewed.length > 0 && (
        <ul className="plain renew-list" aria-label={r.dryRun ? 'Would be renewed' : 'Renewed'}>
          {r.renewed.map((x) => (
            <li key={x.role}>
              <span className="mono">{x.role}</span>: version {x.fromVersion} → {x.toVersion}, expires {formatDate(x.fromExpires)} →{' '}
              <strong>{formatDate(x.expires)}</strong>
            </li>
          ))}
        </ul>
      )}
      {r.notRenewed.length > 0 && (
        <ul className="plain renew-list" aria-label="Cannot be renewed here">
          {r.notRenewed.map((x) => (
            <li key={x.role} className="banner banner-warn">
              <span className="mono">{x.role}</span>
              {x.expires ? ` (${x.expired ? 'expired' : 'expires'} ${formatDate(x.expires)})` : ''}: {x.reason}
            </li>
          ))}
        </ul>
      )}
      {r.serverRenewed.map((x) => (
        <p key={x.role} className="muted">
          <span className="mono">{x.role}</span> expires {formatDate(x.expires)}: {x.renewer}.
        </p>
      ))}
    </>
  );
}

export function RenewPanel({ name, roles, onClose }: { name: string; roles?: string[]; onClose: () => void }) {
  const [passphrase, setPassphrase] = useState('');
  const plan = useAction<RenewResultView>();
  const apply = useAction<RenewResultView>();
  const invalidate = useInvalidateRepository();
  const request = { name, ...(roles ? { roles } : {}), ...(passphrase ? { passphrases: { unlock: passphrase } } : {}) };
  const title = roles ? `Renew ${roles.join(', ')}` : 'Renew every role this machine can (expiring within 90 days)';
  useEffect(() => {
    void plan.run(() => planRenewal({ name, ...(roles ? { roles } : {}) }));
  }, [name, roles?.join(',')]);
  const nothing = plan.result && plan.result.renewed.length === 0;
  return (
    <section className="card renew-panel" aria-labelledby="renew-title">
      <h3 id="renew-title">{title}</h3>
      {apply.result ? (
        <>
          <p role="status" className="banner banner-ok">
            Renewed {apply.result.renewed.map((x) => x.role).join(', ') || 'nothing'}.
          </p>
          <RenewList r={apply.result} />
        </>
      ) : (
        <>
          {plan.pending && <p className="muted">Building the renewal…</p>}
          {plan.error && <ErrorPanel error={plan.error} />}
          {plan.result && (
            <>
              {nothing && <p className="muted">Nothing here can be renewed by this machine.</p>}
              <RenewList r={plan.result} />
              {plan.result.preview && <PreviewDiff preview={plan.result.preview} />}
            </>
          )}
          <label className="field">
            Key passphrase (if the environment does not provide it)
            <input type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" disabled={plan.pending} onClick={() => void plan.run(() => planRenewal(request))}>
              Preview again
            </button>
            <button
              type="button"
              className="primary"
              disabled={apply.pending || !plan.result || !!nothing}
              onClick={async () => {
                const r = await apply.run(() => applyRenewal(request));
                if (r) {
                  setPassphrase('');
                  invalidate(name);
                }
              }}
            >
              {apply.pending ? 'Publishing…' : 'Publish the renewal'}
            </button>
          </div>
          {apply.error && <ErrorPanel error={apply.error} />}
        </>
      )}
      <button type="button" className="link" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
