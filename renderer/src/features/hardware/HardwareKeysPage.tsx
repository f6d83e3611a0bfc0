/**
 * The Hardware keys view (issue 7): the token doctor's report for the PKCS#11 modules of Settings
 * (or those found at their usual paths): whether each module loads, its tokens, the keys (type,
 * curve, generated on the token or imported) and certificates on each, the PIN state and, for a
 * YubiKey, what a security officer must fix, each with what to do. Read without a PIN; generating
 * and importing keys is done with `trustdesk token generate | import` (shown here).
 */
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { EmptyState } from '../../components/EmptyState';
import { KeyId } from '../../components/KeyId';
import { useTokenDoctor } from './queries';
import { Findings, Module } from './HardwareModule';
import './hardware.css';
import { TableHead } from '../../components/TableHead';
import { ImportToDevices, RootKeyPlaces } from './TokenActions';

export function HardwareKeysPage() {
  const q = useTokenDoctor();
  return (
    <section aria-labelledby="hardware-title" className="hardware-page">
      <h1 id="hardware-title">Hardware keys</h1>
      <button type="button" onClick={() => void q.refetch()} disabled={q.isFetching}>
        {q.isFetching ? 'Checking…' : 'Check again'}
      </button>
      <p className="hw-intro">
        Root keys on PKCS#11 tokens (YubiKey, smart cards, HSMs). The token doctor reads each token without a PIN. Generate a root key on a token, put
        a root key file on a token and a backup token, or adopt a key another tool made: TrustDesk asks for the token&apos;s PIN when it needs it.
        Modules are set in Settings.
      </p>
      {q.isPending && (
        <div className="progress" role="status">
          <progress aria-label="Checking the tokens" /> Checking the tokens…
        </div>
      )}
      {q.isError && <ErrorPanel error={errorValue(q.error)} onRetry={() => void q.refetch()} />}
      {q.data && (
        <>
          <Findings findings={q.data.findings} label="Token key records" />
          {q.data.modules.length === 0 && (
            <EmptyState title="No PKCS#11 module found">Install ykcs11 (YubiKey) or OpenSC, or add the module path in Settings.</EmptyState>
          )}
          {q.data.modules.map((m) => (
            <Module key={m.path} m={m} recorded={new Set(q.data.recordedKeys.map((k) => k.keyId))} />
          ))}
          <RootKeyPlaces report={q.data} />
          <ImportToDevices report={q.data} />
          {q.data.recordedKeys.length > 0 && (
            <section aria-labelledby="hw-recorded">
              <h2 id="hw-recorded">Token keys this trust directory signs with</h2>
              <table className="hw-table">
                <TableHead columns={['Key ID', 'Role', 'Origin', 'On', 'Repositories']} />
                <tbody>
                  {q.data.recordedKeys.map((k) => (
                    <tr key={k.keyId}>
                      <td>
                        <KeyId id={k.keyId} />
                      </td>
                      <td>{k.role}</td>
                      <td>
                        {k.origin === 'generated'
                          ? 'generated on the token'
                          : k.origin === 'imported'
                            ? 'imported (backup copies)'
                            : 'already on the token (adopted)'}
                      </td>
                      <td>{k.devices.join(', ')}</td>
                      <td>{k.repositories.join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </section>
  );
}
