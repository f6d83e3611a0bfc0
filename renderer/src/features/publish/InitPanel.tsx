/** Initialising the trust data of a repository that has none: root, an empty targets role, the server's timestamp key. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useAction } from '../../components/useAction';
import { useInvalidateRepository } from '../repository/queries';
import type { Response } from '../../../../shared/ipc/contract';
import { initialiseTrustData } from './queries';
import { NewKeys } from './NewKeys';

export function InitPanel({ name }: { name: string }) {
  const invalidate = useInvalidateRepository();
  const [serverSnapshot, setServerSnapshot] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const init = useAction<Response<'publish:init'>>();
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
      <label className="field">
        Passphrase for the root key and the new targets key
        <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={init.pending}
        onClick={async () => {
          const r = await init.run(() =>
            initialiseTrustData({
              name,
              snapshotServerManaged: serverSnapshot,
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
