/**
 * The pin badge of the Repository view, with "Pin current root" / "Unpin" behind a confirmation that
 * names the exact root certificate and canonical key IDs (issue 9).
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, errorValue } from '../api';
import { ErrorPanel } from './ErrorPanel';
import type { RepositoryOverview } from '../../../shared/view-model';
import '../keys.css';

export const pinQuery = (name: string) => ['pin', name] as const;

export function PinControls({ overview }: { overview: RepositoryOverview }) {
  const name = overview.gun;
  const qc = useQueryClient();
  const rule = useQuery({ queryKey: pinQuery(name), queryFn: () => call('pins:for', { name }) });
  const [confirm, setConfirm] = useState<'pin' | 'unpin' | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const after = (message: string) => {
    setConfirm(undefined);
    setDone(message);
    void qc.invalidateQueries({ queryKey: pinQuery(name) });
    void qc.invalidateQueries({ queryKey: ['pins'] });
  };
  const pin = useMutation({
    mutationFn: () => call('pins:pin-current', { name }),
    onSuccess: (r) => after(`Pinned ${r.gun} to root certificate ${r.certIds.join(', ')} (root version ${r.rootVersion}) in ${r.file}.`),
  });
  const unpin = useMutation({
    mutationFn: () => call('pins:unpin', { name }),
    onSuccess: (r) => after(r.removedIds ? `Unpinned ${r.gun} (was ${r.removedIds.join(', ')}).` : `${r.gun} had no pin of its own.`),
  });
  const root = overview.adminRoles.find((r) => r.role === 'root');
  const r = rule.data;
  const exact = r?.kind === 'certs' && r.pattern === name;
  if (!overview.hasTrustData) return null;
  return (
    <div className="pin-controls">
      {r && (
        <span className={`badge ${r.kind === 'certs' || r.kind === 'ca' ? 'badge-pinned' : r.kind === 'refused' ? 'badge-refused' : 'badge-tofu'}`} aria-label="Trust pinning">
          {r.kind === 'certs' ? `Pinned${r.pattern !== name ? ` (by ${r.pattern})` : ''}` : r.kind === 'ca' ? `Pinned to a CA (${r.pattern})` : r.kind === 'refused' ? 'Not pinned: refused (disable_tofu)' : 'Not pinned (trust on first use)'}
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
        <div className="dialog-backdrop">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="pin-title" aria-describedby="pin-what">
            <h2 id="pin-title">Pin the current root of {name}</h2>
            <div id="pin-what" className="what">
              <p>
                Verifies {name} again, then writes an exact pin to TrustDesk’s pins file: from now on TrustDesk (app and CLI) accepts only a root signed by these keys, on every update, and refuses a
                rotated root until you pin again.
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
            </div>
            {pin.error && <ErrorPanel error={errorValue(pin.error)} />}
            <div className="buttons">
              <button type="button" onClick={() => setConfirm(undefined)}>
                Cancel
              </button>
              <button type="button" className="primary" onClick={() => pin.mutate()} disabled={pin.isPending}>
                {pin.isPending ? 'Pinning…' : 'Pin this root'}
              </button>
            </div>
          </div>
        </div>
      )}
      {confirm === 'unpin' && r && (
        <div className="dialog-backdrop">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="unpin-title" aria-describedby="unpin-what">
            <h2 id="unpin-title">Unpin {name}</h2>
            <div id="unpin-what" className="what danger">
              <p>
                Removes the pin of {name} to {(r.certIds ?? []).map((id) => <code key={id}>{id} </code>)} from TrustDesk’s pins file. The root cached on this machine is still trusted; a wildcard or CA pin
                that matches {name} still applies.
              </p>
            </div>
            {unpin.error && <ErrorPanel error={errorValue(unpin.error)} />}
            <div className="buttons">
              <button type="button" onClick={() => setConfirm(undefined)}>
                Cancel
              </button>
              <button type="button" className="danger" onClick={() => unpin.mutate()} disabled={unpin.isPending}>
                {unpin.isPending ? 'Unpinning…' : 'Unpin'}
              </button>
            </div>
          </div>
        </div>
      )}
      {rule.error && <ErrorPanel error={errorValue(rule.error)} />}
    </div>
  );
}
