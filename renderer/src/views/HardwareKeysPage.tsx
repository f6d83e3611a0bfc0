/**
 * The Hardware keys view (issue 7): the token doctor's report for the PKCS#11 modules of Settings
 * (or those found at their usual paths): whether each module loads, its tokens, the keys (type,
 * curve, generated on the token or imported) and certificates on each, the PIN state and, for a
 * YubiKey, what a security officer must fix, each with what to do. Read without a PIN; generating
 * and importing keys is done with `trustdesk token generate | import` (shown here).
 */
import { useQuery } from '@tanstack/react-query';
import { call, errorValue } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { EmptyState } from '../components/EmptyState';
import { formatDate } from '../format';
import type { HardwareFindingView, HardwareReportView } from '../../../shared/ipc/hardware-contract';
import '../hardware.css';

export const HARDWARE_QUERY = ['hardware', 'doctor'] as const;

const LEVEL_TEXT: Record<HardwareFindingView['level'], string> = { ok: 'OK', info: 'Note', warning: 'Warning', error: 'Problem' };

function Findings({ findings, label }: { findings: HardwareFindingView[]; label: string }) {
  if (findings.length === 0) return null;
  return (
    <ul className="hw-findings" aria-label={label}>
      {findings.map((f, i) => (
        <li key={i} className={`hw-finding hw-${f.level}`}>
          <strong>{LEVEL_TEXT[f.level]}:</strong> {f.title}
          {f.detail && <span className="hw-detail"> — {f.detail}</span>}
          {f.action && f.level !== 'ok' && (
            <div className="hw-action">
              What to do: <code>{f.action}</code>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function Module({ m }: { m: HardwareReportView['modules'][number] }) {
  return (
    <section className="hw-module" aria-label={`Module ${m.path}`}>
      <h2>
        <code>{m.path}</code> <span className="hw-kind">{m.kind}</span>
      </h2>
      <Findings findings={m.findings} label={`Module checks for ${m.path}`} />
      {m.devices.map((d) => (
        <article key={`${d.label}|${d.serial}`} className="hw-device" aria-label={`Token ${d.label}`}>
          <h3>
            {d.label || '(no label)'} <span className="hw-sub">{[d.manufacturer, d.model, d.serial && `serial ${d.serial}`, `firmware ${d.firmware}`].filter(Boolean).join(' · ')}</span>
            {d.yubikey && <span className="hw-badge">YubiKey PIV</span>}
          </h3>
          {d.keys.length > 0 && (
            <table className="hw-table">
              <caption>Keys</caption>
              <thead>
                <tr>
                  <th scope="col">CKA_ID</th>
                  <th scope="col">Label</th>
                  <th scope="col">Type</th>
                  <th scope="col">Key ID</th>
                  <th scope="col">Origin</th>
                </tr>
              </thead>
              <tbody>
                {d.keys.map((k) => (
                  <tr key={k.id}>
                    <td>
                      <code>{k.id}</code>
                    </td>
                    <td>{k.label}</td>
                    <td>
                      {k.keyType.toUpperCase()} {k.curve ?? ''}
                    </td>
                    <td>
                      <code title={k.keyId}>{k.keyId ? `${k.keyId.slice(0, 12)}…` : '—'}</code>
                    </td>
                    <td>{k.origin ?? 'unknown until login'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {d.certificates.length > 0 && (
            <table className="hw-table">
              <caption>Certificates</caption>
              <thead>
                <tr>
                  <th scope="col">CKA_ID</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Valid until</th>
                </tr>
              </thead>
              <tbody>
                {d.certificates.map((c, i) => (
                  <tr key={`${c.id}-${i}`}>
                    <td>
                      <code>{c.id}</code>
                    </td>
                    <td>{c.subject}</td>
                    <td>{formatDate(c.notAfter)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Findings findings={d.findings} label={`Checks for token ${d.label}`} />
        </article>
      ))}
    </section>
  );
}

export function HardwareKeysPage() {
  const q = useQuery({ queryKey: HARDWARE_QUERY, queryFn: () => call('hardware:doctor', {}), retry: false });
  return (
    <section aria-labelledby="hardware-title" className="hardware-page">
      <h1 id="hardware-title">Hardware keys</h1>
      <button type="button" onClick={() => void q.refetch()} disabled={q.isFetching}>
        {q.isFetching ? 'Checking…' : 'Check again'}
      </button>
      <p className="hw-intro">
        Root keys on PKCS#11 tokens (YubiKey, smart cards, HSMs). The token doctor reads each token without a PIN. Make a root key on a token with{' '}
        <code>trustdesk token generate --token LABEL</code>, or put an existing root key on two tokens as backups with{' '}
        <code>trustdesk token import KEYID --token A --token B</code>. Modules are set in Settings.
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
          {q.data.modules.length === 0 && <EmptyState title="No PKCS#11 module found">Install ykcs11 (YubiKey) or OpenSC, or add the module path in Settings.</EmptyState>}
          {q.data.modules.map((m) => (
            <Module key={m.path} m={m} />
          ))}
          {q.data.recordedKeys.length > 0 && (
            <section aria-labelledby="hw-recorded">
              <h2 id="hw-recorded">Token keys this trust directory signs with</h2>
              <table className="hw-table">
                <thead>
                  <tr>
                    <th scope="col">Key ID</th>
                    <th scope="col">Role</th>
                    <th scope="col">Origin</th>
                    <th scope="col">On</th>
                    <th scope="col">Repositories</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.recordedKeys.map((k) => (
                    <tr key={k.keyId}>
                      <td>
                        <code title={k.keyId}>{k.keyId.slice(0, 12)}…</code>
                      </td>
                      <td>{k.role}</td>
                      <td>{k.origin === 'generated' ? 'generated on the token' : k.origin === 'imported' ? 'imported (backup copies)' : 'already on the token (adopted)'}</td>
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
