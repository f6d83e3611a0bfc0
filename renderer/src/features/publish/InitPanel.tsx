/** Initialising the trust data of a repository that has none: root, an empty targets role, the server's timestamp key. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useAction } from '../../components/useAction';
import { useInvalidateRepository } from '../repository/queries';
import type { Response } from '../../../../shared/ipc/contract';
import { initialiseTrustData } from './queries';
import { NewKeys } from './NewKeys';
import { useTokenDoctor } from '../hardware/queries';

/** The hardware devices the token doctor sees, for a root on a token. */
function useDevices(enabled: boolean) {
  const q = useTokenDoctor(enabled);
  if (!enabled || !q.data) return [];
  return q.data.modules.flatMap((m) => m.devices.map((d) => ({ module: m.path, label: d.label, serial: d.serial })));
}

export function InitPanel({ name }: { name: string }) {
  const invalidate = useInvalidateRepository();
  const [serverSnapshot, setServerSnapshot] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const init = useAction<Response<'publish:init'>>();
  const [onDevice, setOnDevice] = useState(false);
  const [device, setDevice] = useState('');
  const devices = useDevices(onDevice);
  const chosen = devices.find((d) => `${d.module}|${d.label}|${d.serial}` === device) ?? devices[0];
  return (
    <section aria-labelledby="init-title" className="publish-section">
      <h2 id="init-title">Initialise trust data</h2>
      <p>
        This repository has no trust data yet. Initialising publishes root (with this machine&apos;s root key, or a new one), an empty targets role
        and the server&apos;s timestamp key.
      </p>
      <label>
        <input type="checkbox" checked={serverSnapshot} onChange={(e) => setServerSnapshot(e.target.checked)} /> The trust server signs snapshots (as
        docker does; needed for delegates to publish)
      </label>
      <fieldset className="init-root">
        <legend>Root key</legend>
        <label>
          <input type="radio" name="init-root" checked={!onDevice} onChange={() => setOnDevice(false)} /> This machine&apos;s root key file (a new one
          if there is none)
        </label>
        <label>
          <input type="radio" name="init-root" checked={onDevice} onChange={() => setOnDevice(true)} /> A root key on a hardware token (its PIN is
          asked when it signs)
        </label>
        {onDevice && (
          <label className="field">
            Token
            <select value={chosen ? `${chosen.module}|${chosen.label}|${chosen.serial}` : ''} onChange={(e) => setDevice(e.target.value)}>
              {devices.length === 0 && <option value="">No token found (check Hardware keys)</option>}
              {devices.map((d) => (
                <option key={`${d.module}|${d.label}|${d.serial}`} value={`${d.module}|${d.label}|${d.serial}`}>
                  {d.label}
                  {d.serial ? ` · serial ${d.serial}` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
      </fieldset>
      <label className="field">
        Passphrase for the root key and the new targets key
        <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={init.pending || (onDevice && !chosen)}
        onClick={async () => {
          const rootDevice =
            onDevice && chosen
              ? { rootDevice: { label: chosen.label, module: chosen.module, ...(chosen.serial ? { serial: chosen.serial } : {}) } }
              : {};
          const r = await init.run(() =>
            initialiseTrustData({
              name,
              snapshotServerManaged: serverSnapshot,
              ...rootDevice,
              ...(passphrase ? { passphrases: { unlock: passphrase, new: passphrase } } : {}),
            }),
          );
          if (r) {
            setPassphrase('');
            invalidate(name);
          }
        }}
      >
        {init.pending ? 'Initialising…' : 'Initialise'}
      </button>
      {init.error && <ErrorPanel error={init.error} />}
      {init.result && (
        <p role="status" className="banner banner-ok">
          Initialised.
          <NewKeys keys={init.result.newKeys} />
        </p>
      )}
    </section>
  );
}
