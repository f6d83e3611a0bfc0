/** One PKCS#11 module of the token doctor's report: its checks, and each token's keys, certificates and checks. */
import { formatDate } from '../../format';
import { KeyId } from '../../components/KeyId';
import type { HardwareFindingView, HardwareReportView } from '../../../../shared/ipc/hardware-contract';
import { TableHead } from '../../components/TableHead';
import { AdoptKey, GenerateOnDevice } from './TokenActions';

const LEVEL_TEXT: Record<HardwareFindingView['level'], string> = { ok: 'OK', info: 'Note', warning: 'Warning', error: 'Problem' };

export function Findings({ findings, label }: { findings: HardwareFindingView[]; label: string }) {
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

export function Module({ m, recorded = new Set<string>() }: { m: HardwareReportView['modules'][number]; recorded?: Set<string> }) {
  return (
    <section className="hw-module" aria-label={`Module ${m.path}`}>
      <h2>
        <code>{m.path}</code> <span className="hw-kind">{m.kind}</span>
      </h2>
      <Findings findings={m.findings} label={`Module checks for ${m.path}`} />
      {m.devices.map((d) => (
        <article key={`${d.label}|${d.serial}`} className="hw-device" aria-label={`Token ${d.label}`}>
          <h3>
            {d.label || '(no label)'}{' '}
            <span className="hw-sub">
              {[d.manufacturer, d.model, d.serial && `serial ${d.serial}`, `firmware ${d.firmware}`].filter(Boolean).join(' · ')}
            </span>
            {d.yubikey && <span className="hw-badge">YubiKey PIV</span>}
          </h3>
          {d.keys.length > 0 && (
            <table className="hw-table">
              <caption>Keys</caption>
              <TableHead columns={['CKA_ID', 'Label', 'Type', 'Key ID', 'Origin', 'TrustDesk']} />
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
                    <td>{k.keyId ? <KeyId id={k.keyId} /> : <code>—</code>}</td>
                    <td>{k.origin ?? 'unknown until login'}</td>
                    <td>
                      {k.keyId && recorded.has(k.keyId) ? (
                        'recorded'
                      ) : k.keyType === 'ec' && k.curve === 'prime256v1' ? (
                        <AdoptKey device={{ module: m.path, label: d.label, serial: d.serial }} ckaId={k.id} />
                      ) : (
                        'not usable (notary roots are P-256)'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {d.certificates.length > 0 && (
            <table className="hw-table">
              <caption>Certificates</caption>
              <TableHead columns={['CKA_ID', 'Subject', 'Valid until']} />
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
          <GenerateOnDevice device={{ module: m.path, label: d.label, serial: d.serial }} />
        </article>
      ))}
    </section>
  );
}
