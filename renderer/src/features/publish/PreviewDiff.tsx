/** The exact metadata change of a publish, role by role, as main built and signed it in memory. */
import { KeyIds } from '../../components/KeyId';
import type { PublishPreviewView } from '../../../../shared/ipc/publishing-contract';
import { TableHead } from '../../components/TableHead';
import { formatDate } from '../../format';

export function PreviewDiff({ preview }: { preview: PublishPreviewView }) {
  return (
    <div className="publish-diff" aria-label="Exact metadata change">
      <p>
        {preview.initialise ? 'Initialises' : 'Updates'} <span className="mono">{preview.gun}</span>:
      </p>
      <table>
        <caption className="visually-hidden">Roles this publish changes</caption>
        <TableHead columns={['Role', 'Version', 'Signed by', 'Changes']} />
        <tbody>
          {preview.roles.map((r) => (
            <tr key={r.role}>
              <td className="mono">{r.role}</td>
              <td>{r.fromVersion === undefined ? `new (v${r.toVersion})` : `v${r.fromVersion} → v${r.toVersion}`}</td>
              <td>{r.signedBy === 'server' ? 'trust server' : r.signingKeyIds.length ? <KeyIds ids={r.signingKeyIds} /> : 'this machine'}</td>
              <td>
                <ul className="plain">
                  {r.fromExpires && r.expires && formatDate(r.fromExpires) !== formatDate(r.expires) && (
                    <li>
                      expires {formatDate(r.fromExpires)} → {formatDate(r.expires)}
                    </li>
                  )}
                  {r.roleKeys.map((k) => (
                    <li key={k.role}>
                      {k.role} key: <KeyIds ids={k.added} sign="+" /> <KeyIds ids={k.removed} sign="−" />
                    </li>
                  ))}
                  {r.targetsAdded.map((t) => (
                    <li key={`a${t.name}`}>
                      + <strong>{t.name}</strong> <span className="mono">{t.digest}</span> ({t.size} bytes)
                    </li>
                  ))}
                  {r.targetsChanged.map((t) => (
                    <li key={`c${t.name}`}>
                      ~ <strong>{t.name}</strong> <span className="mono">{t.fromDigest}</span> → <span className="mono">{t.digest}</span>
                    </li>
                  ))}
                  {r.targetsRemoved.map((t) => (
                    <li key={`r${t.name}`}>
                      − <strong>{t.name}</strong> <span className="mono">{t.digest}</span>
                    </li>
                  ))}
                  {[...r.delegationsAdded.map((d) => ['+', d] as const), ...r.delegationsChanged.map((d) => ['~', d] as const)].map(([sign, d]) => (
                    <li key={`d${d.role}`}>
                      {sign} delegation <span className="mono">{d.role}</span>: keys {d.keyIds.length ? <KeyIds ids={d.keyIds} /> : 'none'}, paths{' '}
                      {JSON.stringify(d.paths)}, threshold {d.threshold}
                    </li>
                  ))}
                  {r.delegationsRemoved.map((d) => (
                    <li key={`x${d.role}`}>
                      − delegation <span className="mono">{d.role}</span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.warnings.map((w) => (
        <p key={w} className="banner banner-warn" role="note">
          {w}
        </p>
      ))}
    </div>
  );
}
