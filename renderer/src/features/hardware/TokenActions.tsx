/**
 * What the Hardware keys view does with tokens (issue 15): generate a P-256 root key on a token (or,
 * to back it up, here as an encrypted key file then put on the token), put a
 * root key file on a token and a backup token (each copy then checked to sign and verify), adopt a
 * key another tool made. The PIN of each token is asked by the PIN dialog when the operation needs it.
 */
import { useId, useState } from 'react';
import type { HardwareReportView, DeviceKeyView } from '../../../../shared/ipc/hardware-contract';
import { useAction } from '../../components/useAction';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyId } from '../../components/KeyId';
import { PassphraseField } from '../../components/PassphraseField';
import { useTokenActions } from './queries';

type Device = { module: string; label: string; serial: string };

function KeyDone({ keyView, children }: { keyView: DeviceKeyView; children?: React.ReactNode }) {
  return (
    <div className="hw-done" role="status">
      Root key <KeyId id={keyView.keyId} /> is on {keyView.devices.join(' and ')}. {children}
    </div>
  );
}

/** Per token: a new root key made on it (optionally with the root certificate of a repository). */
export function GenerateOnDevice({ device }: { device: Device }) {
  const id = useId();
  const [gun, setGun] = useState('');
  const [keepCopy, setKeepCopy] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const act = useAction<{ key: DeviceKeyView; certificateFor?: string; keyFile?: string }>();
  const { generate } = useTokenActions();
  return (
    <form
      className="hw-act"
      aria-label={`Generate a root key on ${device.label}`}
      onSubmit={(e) => {
        e.preventDefault();
        const p = passphrase;
        setPassphrase('');
        void act.run(() =>
          generate({
            device: { label: device.label, module: device.module, ...(device.serial ? { serial: device.serial } : {}) },
            ...(gun.trim() ? { gun: gun.trim() } : {}),
            ...(keepCopy ? { backupCopy: true, passphrases: { new: p } } : {}),
          }),
        );
      }}
    >
      <label htmlFor={`${id}-gun`}>Repository for its root certificate (optional)</label>
      <input
        id={`${id}-gun`}
        type="text"
        value={gun}
        onChange={(e) => setGun(e.target.value)}
        placeholder="registry.example.com/team/app"
        spellCheck={false}
      />
      <label className="hw-check">
        <input type="checkbox" checked={keepCopy} onChange={(e) => setKeepCopy(e.target.checked)} /> Keep an encrypted copy to back it up (a second
        token, paper shares)
      </label>
      {keepCopy && <PassphraseField label="Passphrase of the encrypted copy" value={passphrase} onChange={setPassphrase} meter />}
      <button type="submit" disabled={act.pending || (keepCopy && !passphrase)}>
        {act.pending ? 'Generating…' : 'Generate a root key on this token'}
      </button>
      {act.error && <ErrorPanel error={act.error} />}
      {act.result && (
        <KeyDone keyView={act.result.key}>
          {act.result.certificateFor ? `Its root certificate for ${act.result.certificateFor} is stored on the token. ` : ''}
          {act.result.keyFile
            ? `Its encrypted copy ${act.result.keyFile} is kept for the backups: put it on a second token below, split it into shares (Key ceremonies → Root backup), then remove it.`
            : 'It was made on the token and has never existed anywhere else.'}
        </KeyDone>
      )}
    </form>
  );
}

/** Per token key not yet recorded: adopt it (a key made by ykman or pkcs11-tool). */
export function AdoptKey({ device, ckaId }: { device: Device; ckaId: string }) {
  const act = useAction<{ key: DeviceKeyView; checks: { device: string; signs: boolean }[] }>();
  const { adopt } = useTokenActions();
  return (
    <>
      <button
        type="button"
        className="quiet"
        disabled={act.pending}
        onClick={() =>
          void act.run(() =>
            adopt({ device: { label: device.label, module: device.module, ...(device.serial ? { serial: device.serial } : {}) }, ckaId }),
          )
        }
      >
        {act.pending ? 'Adopting…' : `Adopt key ${ckaId} as a root key`}
      </button>
      {act.error && <ErrorPanel error={act.error} />}
      {act.result && <KeyDone keyView={act.result.key}>It signed a test message that verified.</KeyDone>}
    </>
  );
}

/** A root key file of the trust dir put on one or more tokens (the backups), each copy checked. */
export function ImportToDevices({ report }: { report: HardwareReportView }) {
  const id = useId();
  const devices: Device[] = report.modules.flatMap((m) => m.devices.map((d) => ({ module: m.path, label: d.label, serial: d.serial })));
  const fileKeys = report.rootKeys.filter((k) => k.file);
  const [keyId, setKeyId] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [passphrase, setPassphrase] = useState('');
  const act = useAction<{
    key: DeviceKeyView;
    imported: string[];
    failed: { device: string; error: { code: string; message: string } }[];
    checks: { device: string; signs: boolean; error?: { message: string } }[];
  }>();
  const { importKey } = useTokenActions();
  const keyOf = (d: Device) => `${d.module}|${d.label}|${d.serial}`;
  const selectedKey = keyId || fileKeys[0]?.keyId || '';
  if (devices.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="hw-import">
      <h2 id={`${id}-title`}>Put a root key file on tokens</h2>
      {fileKeys.length === 0 ? (
        <p>This trust directory has no root key file to put on a token.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const targets = devices
              .filter((d) => chosen.includes(keyOf(d)))
              .map((d) => ({ label: d.label, module: d.module, ...(d.serial ? { serial: d.serial } : {}) }));
            void act
              .run(() => importKey({ keyId: selectedKey, devices: targets, ...(passphrase ? { passphrases: { unlock: passphrase } } : {}) }))
              .then(() => setPassphrase(''));
          }}
        >
          <label htmlFor={`${id}-key`}>Root key file</label>
          <select id={`${id}-key`} value={selectedKey} onChange={(e) => setKeyId(e.target.value)}>
            {fileKeys.map((k) => (
              <option key={k.keyId} value={k.keyId}>
                {k.keyId.slice(0, 12)}… {k.devices.length ? `(already on ${k.devices.join(', ')})` : ''}
              </option>
            ))}
          </select>
          <fieldset>
            <legend>Tokens (the first, then its backups)</legend>
            {devices.map((d) => (
              <label key={keyOf(d)} className="hw-check">
                <input
                  type="checkbox"
                  checked={chosen.includes(keyOf(d))}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, keyOf(d)] : c.filter((x) => x !== keyOf(d))))}
                />{' '}
                {d.label}
                {d.serial ? ` · serial ${d.serial}` : ''}
              </label>
            ))}
          </fieldset>
          <PassphraseField label="Passphrase of the root key file" value={passphrase} onChange={setPassphrase} />
          <button type="submit" disabled={act.pending || chosen.length === 0 || !selectedKey}>
            {act.pending ? 'Putting the key on the tokens…' : 'Put the key on the chosen tokens'}
          </button>
        </form>
      )}
      {act.error && <ErrorPanel error={act.error} />}
      {act.result && (
        <div role="status" className="hw-done">
          <p>
            Root key <KeyId id={act.result.key.keyId} /> is on {act.result.key.devices.join(' and ')}. The key file is kept: store it offline or
            delete it when the tokens are your backups.
          </p>
          <ul aria-label="Copy checks">
            {act.result.checks.map((c) => (
              <li key={c.device}>
                {c.signs ? '✓' : '✗'} {c.device}:{' '}
                {c.signs ? 'signs, and the signature verifies' : `does not sign (${c.error?.message ?? 'unknown error'})`}
              </li>
            ))}
            {act.result.failed.map((f) => (
              <li key={f.device}>
                ✗ {f.device}: not imported ({f.error.message})
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Where each root key lives: a file, token A, token B, with the root certificate IDs per repository. */
export function RootKeyPlaces({ report }: { report: HardwareReportView }) {
  if (report.rootKeys.length === 0) return null;
  return (
    <section aria-labelledby="hw-places">
      <h2 id="hw-places">Where each root key lives</h2>
      <table className="hw-table" aria-labelledby="hw-places">
        <thead>
          <tr>
            <th scope="col">Key ID (canonical)</th>
            <th scope="col">Key file</th>
            <th scope="col">Tokens</th>
            <th scope="col">Root certificates (repository: certificate ID)</th>
          </tr>
        </thead>
        <tbody>
          {report.rootKeys.map((k) => (
            <tr key={k.keyId}>
              <td>
                <KeyId id={k.keyId} />
              </td>
              <td>{k.file ? 'yes' : 'no'}</td>
              <td>{k.devices.join(', ') || '—'}</td>
              <td>
                {k.certificates.length === 0
                  ? '—'
                  : k.certificates.map((c) => (
                      <div key={c.gun}>
                        {c.gun}: <KeyId id={c.certId} />
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
