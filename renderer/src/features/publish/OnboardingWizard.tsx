/** The delegate onboarding wizard: the delegate makes a key, the admin adds it, both check a test signature. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyId, KeyIds } from '../../components/KeyId';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { createDelegateKey, onboardingStatus } from './queries';

function qrDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function OnboardingWizard({ name, onKey }: { name: string; onKey: (k: { signer: string; pem: string }) => void }) {
  const [step, setStep] = useState<1 | 2 | 3>(1);
  const [signer, setSigner] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [pem, setPem] = useState('');
  const created = useAction<Response<'onboarding:create-key'>>();
  const status = useAction<Response<'onboarding:status'>>();
  return (
    <section aria-labelledby="wizard-title" className="publish-section">
      <h2 id="wizard-title">Onboard a delegate</h2>
      <ol className="wizard-steps">
        <li aria-current={step === 1 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(1)}>
            1. On the delegate&apos;s machine: make a key
          </button>
        </li>
        <li aria-current={step === 2 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(2)}>
            2. On the admin&apos;s machine: add it
          </button>
        </li>
        <li aria-current={step === 3 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(3)}>
            3. Both: check the test signature
          </button>
        </li>
      </ol>
      <label className="field">
        Delegate name
        <input value={signer} onChange={(e) => setSigner(e.target.value)} pattern="[a-z0-9][a-z0-9_\-]*" />
      </label>
      {step === 1 && (
        <div>
          <label className="field">
            Passphrase for the new key (at least 8 characters)
            <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={!signer || created.pending}
            onClick={() => void created.run(() => createDelegateKey({ signer, ...(passphrase ? { passphrase } : {}) })).then(() => setPassphrase(''))}
          >
            Make the key
          </button>
          {created.error && <ErrorPanel error={created.error} />}
          {created.result && (
            <div className="wizard-key">
              <p>
                Key <KeyId id={created.result.keyId} /> is in this machine&apos;s trust directory. Send only the public key below (also saved as{' '}
                <span className="mono">{created.result.publicKeyPath}</span>) to the admin.
              </p>
              <textarea readOnly value={created.result.publicKey} rows={6} className="mono" aria-label="Public key to send" />
              <img className="qr" src={qrDataUrl(created.result.qrSvg)} alt={`QR code of ${signer}'s public key`} width={220} height={220} />
            </div>
          )}
        </div>
      )}
      {step === 2 && (
        <div>
          <label className="field">
            The delegate&apos;s public key
            <textarea value={pem} onChange={(e) => setPem(e.target.value)} rows={5} className="mono" />
          </label>
          <button type="button" disabled={!signer || !pem} onClick={() => onKey({ signer, pem })}>
            Continue in Signers (choose paths, stage, publish)
          </button>
        </div>
      )}
      {step === 3 && (
        <div>
          <p className="muted">The delegate signs a test tag (Sign and revoke, on their machine); then both sides check here.</p>
          <button
            type="button"
            disabled={!signer || status.pending}
            onClick={() =>
              void status.run(() =>
                onboardingStatus({ signer, repositories: [name], ...(pem || created.result ? { publicKey: pem || created.result!.publicKey } : {}) }),
              )
            }
          >
            Check
          </button>
          {status.error && <ErrorPanel error={status.error} />}
          {status.result?.map((s) => (
            <div key={s.repository} role="status" className={`banner ${s.signer && s.hasKey !== false ? 'banner-ok' : 'banner-warn'}`}>
              {s.error ? (
                `${s.repository}: ${s.error.message}`
              ) : !s.signer ? (
                `${signer} is not a signer of ${s.repository} yet.`
              ) : (
                <>
                  {signer} signs {s.repository} (keys <KeyIds ids={s.keyIds} />
                  {s.hasKey === false ? ', but not this key' : ''}; paths {JSON.stringify(s.paths)}):{' '}
                  {s.signedTags.length ? s.signedTags.map((t) => `${t.tag} ${t.digest}`).join('; ') : 'no tags signed yet'}.
                </>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
