/**
 * Air-gapped signing (works in offline mode): open a request bundle, see exactly what is signed, sign
 * with the root key files (passphrase typed here) or tokens (PIN asked in the PIN dialog) of this machine.
 */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PassphraseField } from '../../components/PassphraseField';
import { KeyId } from '../../components/KeyId';
import { PathField } from '../../components/PathField';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { openSigningRequest, signBundle } from './queries';
import { Step, Checks } from './parts';

export function SigningWizard() {
  const [file, setFile] = useState('');
  const [out, setOut] = useState('');
  const [pass, setPass] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const open = useAction<Response<'ceremony:bundle-open'>>();
  const sign = useAction<Response<'ceremony:bundle-sign'>>();
  return (
    <div className="cer-wizard">
      <Step n={1} title="Open the signing request (networking may stay off)" done={!!open.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setConfirmed(false);
            void open.run(() => openSigningRequest({ file: file.trim() }));
          }}
        >
          <PathField
            className="cer-field"
            label="Request bundle"
            value={file}
            onChange={setFile}
            dialog={{ kind: 'file', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/request.json"
          />
          <button type="submit" disabled={open.pending || !file}>
            Open and check
          </button>
        </form>
        {open.error && <ErrorPanel error={open.error} />}
        {open.result && (
          <div className="cer-result" aria-label="What will be signed">
            <h4>Exactly what will be signed</h4>
            <pre className="cer-summary">
              {[
                ...open.result.summary,
                ...open.result.certificates.map((c) => `certificate ${c}`),
                `root.json version ${open.result.version}: ${open.result.length} bytes, sha256 ${open.result.sha256}`,
              ].join('\n')}
            </pre>
            <p className="cer-note">Trusted root: {open.result.rootCheck}</p>
            <Checks items={open.result.missing.map((m) => ({ ok: false, label: `still needed: ${m}` }))} />
            <label className="cer-inline">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I compared the hash with the one shown on
              the online machine
            </label>
          </div>
        )}
      </Step>
      <Step n={2} title="Sign with the root key file or token" done={!!sign.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p = pass;
            setPass('');
            void sign.run(() => signBundle({ file: file.trim(), outFile: out.trim(), ...(p ? { passphrases: { unlock: p } } : {}) }));
          }}
        >
          <PathField
            className="cer-field"
            label="Write the signed bundle to"
            value={out}
            onChange={setOut}
            dialog={{ kind: 'save', defaultName: 'signed.json', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/signed.json"
          />
          <PassphraseField label="Root key passphrase (key file)" value={pass} onChange={setPass} />
          <p className="cer-note">
            A root key on a hardware token signs here too: TrustDesk asks for the token&apos;s PIN in its own dialog when the token signs (the PIN is
            never typed into this form).
          </p>
          <button type="submit" disabled={sign.pending || !confirmed || !out}>
            Sign
          </button>
        </form>
        {sign.error && <ErrorPanel error={sign.error} />}
        {sign.result && (
          <p className="cer-good">
            Signed by{' '}
            {sign.result.signedBy.map((k, i) => (
              <span key={k}>
                {i > 0 && ', '}
                <KeyId id={k} />
              </span>
            ))}
            ; written to <code>{sign.result.outFile}</code>. Take it back to the online machine.
          </p>
        )}
      </Step>
    </div>
  );
}
