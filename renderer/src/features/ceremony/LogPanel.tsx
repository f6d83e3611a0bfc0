/** The ceremony log: verify its hash chain. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { verifyCeremonyLog } from './queries';
import { PathField } from '../../components/PathField';

export function LogPanel() {
  const [file, setFile] = useState('');
  const v = useAction<Response<'ceremony:log-verify'>>();
  return (
    <div className="cer-wizard">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void v.run(() => verifyCeremonyLog(file.trim() ? { file: file.trim() } : {}));
        }}
      >
        <PathField
          className="cer-field"
          label="Ceremony log (empty: this machine's)"
          value={file}
          onChange={setFile}
          dialog={{ kind: 'file', filters: [{ name: 'Ceremony log', extensions: ['log'] }] }}
        />
        <button type="submit" disabled={v.pending}>
          Verify the hash chain
        </button>
      </form>
      {v.error && <ErrorPanel error={v.error} />}
      {v.result && (
        <p className={v.result.ok ? 'cer-good' : 'cer-warn'} aria-label="Log verification">
          {v.result.ok
            ? `Intact: ${v.result.entries} entries in ${v.result.file}; head ${v.result.head}`
            : `BROKEN at line ${v.result.problem?.line}: ${v.result.problem?.message}`}
        </p>
      )}
    </div>
  );
}
