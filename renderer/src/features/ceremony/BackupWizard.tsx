/** Root backup: export the encrypted root key (and m-of-n shares), then the restore drill that marks it backed up. */
import { useState, type FormEvent } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PassphraseField } from '../../components/PassphraseField';
import { KeyId } from '../../components/KeyId';
import { PathField } from '../../components/PathField';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { exportRootBackup, runRestoreDrill } from './queries';
import { ShareSheets } from './ShareSheets';
import { Step, Field, Checks } from './parts';

export function BackupWizard() {
  const [keyId, setKeyId] = useState('');
  const [outDir, setOutDir] = useState('');
  const [split, setSplit] = useState(true);
  const [m, setM] = useState('3');
  const [n, setN] = useState('5');
  const [repos, setRepos] = useState('');
  const [fromShares, setFromShares] = useState(true);
  const [shareFiles, setShareFiles] = useState('');
  const [pass, setPass] = useState('');
  const exp = useAction<Response<'ceremony:backup'>>();
  const drill = useAction<Response<'ceremony:drill'>>();
  const doExport = (e: FormEvent) => {
    e.preventDefault();
    void exp.run(() =>
      exportRootBackup({ keyId: keyId.trim(), outDir: outDir.trim(), ...(split ? { shares: { threshold: Number(m), total: Number(n) } } : {}) }),
    );
  };
  const doDrill = (e: FormEvent) => {
    e.preventDefault();
    const p = pass;
    setPass('');
    const files = shareFiles
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    void drill.run(() =>
      runRestoreDrill({
        ...(fromShares ? { shareFiles: files } : { backupFile: exp.result?.backupFile ?? '' }),
        repositories: repos.split(/[\s,]+/).filter(Boolean),
        passphrases: { unlock: p },
      }),
    );
  };
  return (
    <div className="cer-wizard">
      <Step n={1} title="Export the root key, encrypted, to a removable medium" done={!!exp.result}>
        <form onSubmit={doExport}>
          <Field label="Root key ID" value={keyId} onChange={setKeyId} placeholder="first 12 characters are enough" />
          <PathField
            className="cer-field"
            label="Directory on the removable medium"
            value={outDir}
            onChange={setOutDir}
            dialog={{ kind: 'folder' }}
            placeholder="/media/usb/trustdesk-backup"
          />
          <label className="cer-inline">
            <input type="checkbox" checked={split} onChange={(e) => setSplit(e.target.checked)} /> Also split into paper shares
          </label>
          {split && (
            <span className="cer-inline">
              <Field label="needed (m)" value={m} onChange={setM} /> <Field label="of (n)" value={n} onChange={setN} />
            </span>
          )}
          <p className="cer-note">
            The file is the key exactly as notary stores it: encrypted with its passphrase. Shares split the encrypted key: m shares and the
            passphrase are needed.
          </p>
          <button type="submit" disabled={exp.pending || !keyId || !outDir}>
            Export backup
          </button>
        </form>
        {exp.error && <ErrorPanel error={exp.error} />}
        {exp.result && (
          <div className="cer-result" aria-label="Backup written">
            <p>
              Encrypted backup <code>{exp.result.backupFile}</code> (sha256 <code>{exp.result.backupSha256.slice(0, 16)}…</code>)
            </p>
            {exp.result.shares && (
              <p>
                {exp.result.shares.total} share pages to print (any {exp.result.shares.threshold} rebuild the key):{' '}
                {exp.result.shares.pages.map((p) => p.split('/').pop()).join(', ')}
              </p>
            )}
            {exp.result.shares && <ShareSheets keyId={exp.result.keyId} pages={exp.result.shares.pages} />}
            <p className="cer-warn">Not backed up yet: run the restore drill.</p>
          </div>
        )}
      </Step>
      <Step n={2} title="Restore drill: rebuild the key in memory and check it" done={!!drill.result?.ok}>
        <form onSubmit={doDrill}>
          <label className="cer-inline">
            <input type="radio" checked={!fromShares} onChange={() => setFromShares(false)} /> from the backup file
          </label>
          <label className="cer-inline">
            <input type="radio" checked={fromShares} onChange={() => setFromShares(true)} /> from m shares
          </label>
          {fromShares && (
            <PathField
              className="cer-field"
              label="Share files (one per line)"
              title="Choose the share files"
              value={shareFiles}
              onChange={setShareFiles}
              dialog={{ kind: 'file', filters: [{ name: 'Root key shares', extensions: ['txt'] }] }}
              multiple
            />
          )}
          <Field label="Repositories that use this root key" value={repos} onChange={setRepos} placeholder="registry.example.com/team/app …" />
          <PassphraseField label="Root key passphrase" value={pass} onChange={setPass} />
          <button type="submit" disabled={drill.pending || !repos}>
            Run the drill
          </button>
        </form>
        {drill.error && <ErrorPanel error={drill.error} />}
        {drill.result && (
          <div className="cer-result" aria-label="Drill result">
            <Checks
              items={drill.result.repositories.map((r) => ({
                ok: r.matches,
                label: `${r.gun} root version ${r.version}`,
                detail: r.matches ? 'its root key is the restored key' : 'its root key is a different key',
              }))}
            />
            <p className={drill.result.ok ? 'cer-good' : 'cer-warn'}>
              {drill.result.ok ? (
                <>
                  Backed up: root key <KeyId id={drill.result.keyId} /> was rebuilt from the {drill.result.from} and matches.
                </>
              ) : (
                'The drill failed: this key is NOT backed up.'
              )}
            </p>
          </div>
        )}
      </Step>
    </div>
  );
}
