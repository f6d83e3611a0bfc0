/** Root rotation: pre-flight and the request bundle; the signed bundle simulated, published and re-verified. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PassphraseField } from '../../components/PassphraseField';
import { KeyId } from '../../components/KeyId';
import { PathField } from '../../components/PathField';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { importSignedBundle, writeRotationRequest } from './queries';
import { Step, Field, Checks } from './parts';

export function RotationWizard() {
  const [repo, setRepo] = useState('');
  const [newKey, setNewKey] = useState('');
  const [out, setOut] = useState('');
  const [signed, setSigned] = useState('');
  const [newPass, setNewPass] = useState('');
  const req = useAction<Response<'ceremony:rotate-request'>>();
  const sim = useAction<Response<'ceremony:bundle-import'>>();
  const pub = useAction<Response<'ceremony:bundle-import'>>();
  return (
    <div className="cer-wizard">
      <Step n={1} title="Pre-flight and the signing request" done={!!req.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p = newPass;
            setNewPass('');
            void req.run(() =>
              writeRotationRequest({
                repository: repo.trim(),
                newKeyId: newKey.trim(),
                outFile: out.trim(),
                ...(p ? { passphrases: { unlock: p } } : {}),
              }),
            );
          }}
        >
          <Field label="Repository" value={repo} onChange={setRepo} />
          <Field label="New root key ID (backed up, drill passed)" value={newKey} onChange={setNewKey} />
          <PathField
            className="cer-field"
            label="Write the request bundle to"
            value={out}
            onChange={setOut}
            dialog={{ kind: 'save', defaultName: 'request.json', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/request.json"
          />
          <PassphraseField label="New root key passphrase" value={newPass} onChange={setNewPass} />
          <button type="submit" disabled={req.pending || !repo || !newKey || !out}>
            Check and write the request
          </button>
        </form>
        {req.error && <ErrorPanel error={req.error} />}
        {req.result && (
          <div className="cer-result" aria-label="Pre-flight">
            <Checks items={req.result.preflight.map((p) => ({ ok: p.ok, label: p.check, detail: p.detail }))} />
            <h4>The new root.json (diff)</h4>
            <pre className="cer-summary">{req.result.summary.join('\n')}</pre>
            <p>
              Request <code>{req.result.bundleId.slice(0, 12)}</code> written to <code>{req.result.outFile}</code>: take it to the offline machine.
            </p>
          </div>
        )}
      </Step>
      <Step n={2} title="Simulate the signed root as a fresh client and as old clients" done={!!sim.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void sim.run(() => importSignedBundle({ file: signed.trim(), publish: false }));
          }}
        >
          <PathField
            className="cer-field"
            label="Signed bundle"
            value={signed}
            onChange={setSigned}
            dialog={{ kind: 'file', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/signed.json"
          />
          <button type="submit" disabled={sim.pending || !signed}>
            Verify and simulate
          </button>
        </form>
        {sim.error && <ErrorPanel error={sim.error} />}
        {sim.result && <Checks items={sim.result.simulations.map((s) => ({ ok: s.ok, label: s.client, detail: s.detail }))} />}
      </Step>
      <Step n={3} title="Publish, re-verify, write the rollback plan" done={!!pub.result?.published}>
        <button
          type="button"
          disabled={pub.pending || !sim.result}
          onClick={() => void pub.run(() => importSignedBundle({ file: signed.trim(), publish: true }))}
        >
          Publish root version {sim.result?.toVersion ?? ''}
        </button>
        {pub.error && <ErrorPanel error={pub.error} />}
        {pub.result?.published && (
          <p className="cer-good">
            Published and verified from the server: root version {pub.result.toVersion}, new root key{' '}
            {pub.result.newRootKeyIds[0] ? <KeyId id={pub.result.newRootKeyIds[0]} /> : null}. Rollback plan: <code>{pub.result.rollbackPlan}</code>
          </p>
        )}
      </Step>
      <p className="cer-note">
        Old root key lost or stolen? <code>trustdesk root rotate REPO --compromised --new-key ID</code> says plainly what every client will see
        (clients that cached the old root refuse the new one) and simulates it; see docs/ceremony.md.
      </p>
    </div>
  );
}
