/**
 * The pin badge of the Repository view, with "Pin current root" / "Unpin" behind a confirmation that
 * names the exact root certificate and canonical key IDs (issue 9).
 */
import { useState, type ReactNode } from 'react';
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { usePinCurrent, usePinRule, useUnpin } from './queries';
import type { RepositoryOverview } from '../../../../shared/view-model';
import '../../components/components.css';
import './pins.css';

export function PinControls({ overview }: { overview: RepositoryOverview }) {
  const name = overview.gun;
  const rule = usePinRule(name);
  const [confirm, setConfirm] = useState<'pin' | 'unpin' | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const after = (message: string) => {
    setConfirm(undefined);
    setDone(message);
  };
  const pin = usePinCurrent(name, (r) =>
    after(`Pinned ${r.gun} to root certificate ${r.certIds.join(', ')} (root version ${r.rootVersion}) in ${r.file}.`),
  );
  const unpin = useUnpin(name, (r) =>
    after(r.removedIds ? `Unpinned ${r.gun} (was ${r.removedIds.join(', ')}).` : `${r.gun} had no pin of its own.`),
  );
  const root = overview.adminRoles.find((r) => r.role === 'root');
  const r = rule.data;
  const exact = r?.kind === 'certs' && r.pattern === name;
  if (!overview.hasTrustData) return null;
  return (
    <div className="pin-controls">
      {r && (
        <span
          className={`badge ${r.kind === 'certs' || r.kind === 'ca' ? 'badge-pinned' : r.kind === 'refused' ? 'badge-refused' : 'badge-tofu'}`}
          aria-label="Trust pinning"
        >
          {r.kind === 'certs'
            ? `Pinned${r.pattern !== name ? ` (by ${r.pattern})` : ''}`
            : r.kind === 'ca'
              ? `Pinned to a CA (${r.pattern})`
              : r.kind === 'refused'
                ? 'Not pinned: refused (disable_tofu)'
                : 'Not pinned (trust on first use)'}
        </span>
      )}
      {r && !exact && (
        <button type="button" onClick={() => (setDone(undefined), setConfirm('pin'))}>
          Pin current root…
        </button>
      )}
      {exact && (
        <button type="button" onClick={() => (setDone(undefined), setConfirm('unpin'))}>
          Unpin…
        </button>
      )}
      {done && (
        <span className="pins-ok" role="status">
          {done}
        </span>
      )}
      {confirm === 'pin' && root && (
        <ConfirmDialog
          id="pin"
          title={`Pin the current root of ${name}`}
          action={pin}
          labels={['Pin this root', 'Pinning…']}
          onCancel={() => setConfirm(undefined)}
        >
          <p>
            Verifies {name} again, then writes an exact pin to TrustDesk’s pins file: from now on TrustDesk (app and CLI) accepts only a root signed
            by these keys, on every update, and refuses a rotated root until you pin again.
          </p>
          <ul>
            {root.keys.map((k) => (
              <li key={k.id}>
                root certificate ID <code>{k.id}</code>
                {k.canonicalId !== k.id && (
                  <>
                    {' '}
                    (canonical key ID <code>{k.canonicalId}</code>)
                  </>
                )}
              </li>
            ))}
          </ul>
          <p className="muted">Root version {root.version}. docker and notary do not read this file.</p>
        </ConfirmDialog>
      )}
      {confirm === 'unpin' && r && (
        <ConfirmDialog
          id="unpin"
          title={`Unpin ${name}`}
          danger
          action={unpin}
          labels={['Unpin', 'Unpinning…']}
          onCancel={() => setConfirm(undefined)}
        >
          <p>
            Removes the pin of {name} to{' '}
            {(r.certIds ?? []).map((id) => (
              <code key={id}>{id} </code>
            ))}{' '}
            from TrustDesk’s pins file. The root cached on this machine is still trusted; a wildcard or CA pin that matches {name} still applies.
          </p>
        </ConfirmDialog>
      )}
      {rule.error && <ErrorPanel error={errorValue(rule.error)} />}
    </div>
  );
}

/** The confirmation naming exactly what pinning or unpinning changes; the action runs from its button. */
function ConfirmDialog({
  id,
  title,
  danger = false,
  action,
  labels: [label, pendingLabel],
  onCancel,
  children,
}: {
  id: string;
  title: string;
  danger?: boolean;
  action: { mutate: () => void; isPending: boolean; error: unknown };
  labels: [string, string];
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-what`}>
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-what`} className={`what${danger ? ' danger' : ''}`}>
          {children}
        </div>
        {action.error ? <ErrorPanel error={errorValue(action.error)} /> : null}
        <div className="buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => action.mutate()} disabled={action.isPending}>
            {action.isPending ? pendingLabel : label}
          </button>
        </div>
      </div>
    </div>
  );
}
