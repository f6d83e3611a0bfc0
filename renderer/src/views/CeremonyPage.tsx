/**
 * The Ceremony view (issue 8): three wizards and the ceremony log, over the ceremony:* channels.
 *  - Root backup: export the encrypted key (and m-of-n shares) to a removable path, then the restore
 *    drill; only a passed drill marks the key backed up.
 *  - Root rotation: pre-flight and the request bundle; later the signed bundle is imported,
 *    simulated as fresh and old clients, published and re-verified, and the rollback plan written.
 *  - Air-gapped signing (works in offline mode): open a bundle, see exactly what is signed, sign.
 * Passphrases and PINs are sent with the one request that needs them and cleared afterwards.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorValue } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import { PassphraseField } from '../components/PassphraseField';
import type { Response } from '../../../shared/ipc/contract';
import type { ErrorValueView } from '../../../shared/view-model';
import '../ceremony.css';

type Wizard = 'backup' | 'rotation' | 'signing' | 'log';
const WIZARDS: { id: Wizard; label: string }[] = [
  { id: 'backup', label: 'Root backup' },
  { id: 'rotation', label: 'Root rotation' },
  { id: 'signing', label: 'Air-gapped signing' },
  { id: 'log', label: 'Ceremony log' },
];

function useStep<T>() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorValueView>();
  const [result, setResult] = useState<T>();
  const run = async (fn: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await fn());
    } catch (err) {
      setError(errorValue(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, result, run };
}

function Step({ n, title, done, children }: { n: number; title: string; done?: boolean; children: ReactNode }) {
  return (
    <section className={`cer-step${done ? ' cer-done' : ''}`} aria-label={`Step ${n}: ${title}`}>
      <h3>
        <span className="cer-n">{done ? '✓' : n}</span> {title}
      </h3>
      {children}
    </section>
  );
}

function Field({ label, value, onChange, placeholder }: { label: string; value: string; onChange: (v: string) => void; placeholder?: string }) {
  return (
    <label className="cer-field">
      {label}
      <input value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
    </label>
  );
}

function Checks({ items }: { items: { ok: boolean; label: string; detail?: string }[] }) {
  return (
    <ul className="cer-checks">
      {items.map((c, i) => (
        <li key={i} className={c.ok ? 'cer-ok' : 'cer-fail'}>
          <strong>{c.ok ? 'OK' : 'FAIL'}</strong> {c.label}
          {c.detail && <span className="cer-detail"> — {c.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

function BackupWizard() {
  const [keyId, setKeyId] = useState('');
  const [outDir, setOutDir] = useState('');
  const [split, setSplit] = useState(true);
  const [m, setM] = useState('3');
  const [n, setN] = useState('5');
  const [repos, setRepos] = useState('');
  const [fromShares, setFromShares] = useState(true);
  const [shareFiles, setShareFiles] = useState('');
  const [pass, setPass] = useState('');
  const exp = useStep<Response<'ceremony:backup'>>();
  const drill = useStep<Response<'ceremony:drill'>>();
  const doExport = (e: FormEvent) => {
    e.preventDefault();
    void exp.run(() => call('ceremony:backup', { keyId: keyId.trim(), outDir: outDir.trim(), ...(split ? { shares: { threshold: Number(m), total: Number(n) } } : {}) }));
  };
  const doDrill = (e: FormEvent) => {
    e.preventDefault();
    const p = pass;
    setPass('');
    const files = shareFiles.split('\n').map((s) => s.trim()).filter(Boolean);
    void drill.run(() =>
      call('ceremony:drill', {
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
          <Field label="Directory on the removable medium" value={outDir} onChange={setOutDir} placeholder="/media/usb/trustdesk-backup" />
          <label className="cer-inline">
            <input type="checkbox" checked={split} onChange={(e) => setSplit(e.target.checked)} /> Also split into paper shares
          </label>
          {split && (
            <span className="cer-inline">
              <Field label="needed (m)" value={m} onChange={setM} /> <Field label="of (n)" value={n} onChange={setN} />
            </span>
          )}
          <p className="cer-note">The file is the key exactly as notary stores it: encrypted with its passphrase. Shares split the encrypted key: m shares and the passphrase are needed.</p>
          <button type="submit" disabled={exp.busy || !keyId || !outDir}>
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
                {exp.result.shares.total} share pages to print (any {exp.result.shares.threshold} rebuild the key): {exp.result.shares.pages.map((p) => p.split('/').pop()).join(', ')}
              </p>
            )}
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
            <label className="cer-field">
              Share files (one per line)
              <textarea rows={3} value={shareFiles} onChange={(e) => setShareFiles(e.target.value)} />
            </label>
          )}
          <Field label="Repositories that use this root key" value={repos} onChange={setRepos} placeholder="registry.example.com/team/app …" />
          <PassphraseField label="Root key passphrase" value={pass} onChange={setPass} />
          <button type="submit" disabled={drill.busy || !repos}>
            Run the drill
          </button>
        </form>
        {drill.error && <ErrorPanel error={drill.error} />}
        {drill.result && (
          <div className="cer-result" aria-label="Drill result">
            <Checks items={drill.result.repositories.map((r) => ({ ok: r.matches, label: `${r.gun} root version ${r.version}`, detail: r.matches ? 'its root key is the restored key' : 'its root key is a different key' }))} />
            <p className={drill.result.ok ? 'cer-good' : 'cer-warn'}>
              {drill.result.ok ? `Backed up: root key ${drill.result.keyId.slice(0, 12)}… was rebuilt from the ${drill.result.from} and matches.` : 'The drill failed: this key is NOT backed up.'}
            </p>
          </div>
        )}
      </Step>
    </div>
  );
}

function RotationWizard() {
  const [repo, setRepo] = useState('');
  const [newKey, setNewKey] = useState('');
  const [out, setOut] = useState('');
  const [signed, setSigned] = useState('');
  const [newPass, setNewPass] = useState('');
  const req = useStep<Response<'ceremony:rotate-request'>>();
  const sim = useStep<Response<'ceremony:bundle-import'>>();
  const pub = useStep<Response<'ceremony:bundle-import'>>();
  return (
    <div className="cer-wizard">
      <Step n={1} title="Pre-flight and the signing request" done={!!req.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p = newPass;
            setNewPass('');
            void req.run(() => call('ceremony:rotate-request', { repository: repo.trim(), newKeyId: newKey.trim(), outFile: out.trim(), ...(p ? { passphrases: { unlock: p } } : {}) }));
          }}
        >
          <Field label="Repository" value={repo} onChange={setRepo} />
          <Field label="New root key ID (backed up, drill passed)" value={newKey} onChange={setNewKey} />
          <Field label="Write the request bundle to" value={out} onChange={setOut} placeholder="/media/usb/request.json" />
          <PassphraseField label="New root key passphrase" value={newPass} onChange={setNewPass} />
          <button type="submit" disabled={req.busy || !repo || !newKey || !out}>
            Check and write the request
          </button>
        </form>
        {req.error && <ErrorPanel error={req.error} />}
        {req.result && (
          <div className="cer-result" aria-label="Pre-flight">
            <Checks items={req.result.preflight.map((p) => ({ ok: p.ok, label: p.check, detail: p.detail }))} />
            <h4>The new root.json (diff)</h4>
            <pre className="cer-summary">{req.result.summary.join('\n')}</pre>
            <p>
              Request <code>{req.result.bundleId.slice(0, 12)}</code> written to <code>{req.result.outFile}</code>: take it to the offline machine.
            </p>
          </div>
        )}
      </Step>
      <Step n={2} title="Simulate the signed root as a fresh client and as old clients" done={!!sim.result}>
        <form onSubmit={(e) => { e.preventDefault(); void sim.run(() => call('ceremony:bundle-import', { file: signed.trim(), publish: false })); }}>
          <Field label="Signed bundle" value={signed} onChange={setSigned} placeholder="/media/usb/signed.json" />
          <button type="submit" disabled={sim.busy || !signed}>
            Verify and simulate
          </button>
        </form>
        {sim.error && <ErrorPanel error={sim.error} />}
        {sim.result && <Checks items={sim.result.simulations.map((s) => ({ ok: s.ok, label: s.client, detail: s.detail }))} />}
      </Step>
      <Step n={3} title="Publish, re-verify, write the rollback plan" done={!!pub.result?.published}>
        <button type="button" disabled={pub.busy || !sim.result} onClick={() => void pub.run(() => call('ceremony:bundle-import', { file: signed.trim(), publish: true }))}>
          Publish root version {sim.result?.toVersion ?? ''}
        </button>
        {pub.error && <ErrorPanel error={pub.error} />}
        {pub.result?.published && (
          <p className="cer-good">
            Published and verified from the server: root version {pub.result.toVersion}, new root key {pub.result.newRootKeyIds[0]?.slice(0, 12)}…. Rollback plan: <code>{pub.result.rollbackPlan}</code>
          </p>
        )}
      </Step>
      <p className="cer-note">
        Old root key lost or stolen? <code>trustdesk root rotate REPO --compromised --new-key ID</code> says plainly what every client will see (clients that cached the old root refuse the new one) and simulates it; see docs/ceremony.md.
      </p>
    </div>
  );
}

function SigningWizard() {
  const [file, setFile] = useState('');
  const [out, setOut] = useState('');
  const [pass, setPass] = useState('');
  const [devicePin, setDevicePin] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const open = useStep<Response<'ceremony:bundle-open'>>();
  const sign = useStep<Response<'ceremony:bundle-sign'>>();
  return (
    <div className="cer-wizard">
      <Step n={1} title="Open the signing request (networking may stay off)" done={!!open.result}>
        <form onSubmit={(e) => { e.preventDefault(); setConfirmed(false); void open.run(() => call('ceremony:bundle-open', { file: file.trim() })); }}>
          <Field label="Request bundle" value={file} onChange={setFile} placeholder="/media/usb/request.json" />
          <button type="submit" disabled={open.busy || !file}>
            Open and check
          </button>
        </form>
        {open.error && <ErrorPanel error={open.error} />}
        {open.result && (
          <div className="cer-result" aria-label="What will be signed">
            <h4>Exactly what will be signed</h4>
            <pre className="cer-summary">{[...open.result.summary, ...open.result.certificates.map((c) => `certificate ${c}`), `root.json version ${open.result.version}: ${open.result.length} bytes, sha256 ${open.result.sha256}`].join('\n')}</pre>
            <p className="cer-note">Trusted root: {open.result.rootCheck}</p>
            <Checks items={open.result.missing.map((m) => ({ ok: false, label: `still needed: ${m}` }))} />
            <label className="cer-inline">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I compared the hash with the one shown on the online machine
            </label>
          </div>
        )}
      </Step>
      <Step n={2} title="Sign with the root key file or token" done={!!sign.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p = pass;
            const d = devicePin;
            setPass('');
            setDevicePin('');
            void sign.run(() => call('ceremony:bundle-sign', { file: file.trim(), outFile: out.trim(), ...(p ? { passphrases: { unlock: p } } : {}), ...(d ? { pin: d } : {}) }));
          }}
        >
          <Field label="Write the signed bundle to" value={out} onChange={setOut} placeholder="/media/usb/signed.json" />
          <PassphraseField label="Root key passphrase (key file)" value={pass} onChange={setPass} />
          <label className="cer-field">
            Token PIN (hardware key)
            <input type="password" value={devicePin} onChange={(e) => setDevicePin(e.target.value)} autoComplete="off" />
          </label>
          <button type="submit" disabled={sign.busy || !confirmed || !out}>
            Sign
          </button>
        </form>
        {sign.error && <ErrorPanel error={sign.error} />}
        {sign.result && (
          <p className="cer-good">
            Signed by {sign.result.signedBy.map((k) => `${k.slice(0, 12)}…`).join(', ')}; written to <code>{sign.result.outFile}</code>. Take it back to the online machine.
          </p>
        )}
      </Step>
    </div>
  );
}

function LogPanel() {
  const [file, setFile] = useState('');
  const v = useStep<Response<'ceremony:log-verify'>>();
  return (
    <div className="cer-wizard">
      <form onSubmit={(e) => { e.preventDefault(); void v.run(() => call('ceremony:log-verify', file.trim() ? { file: file.trim() } : {})); }}>
        <Field label="Ceremony log (empty: this machine's)" value={file} onChange={setFile} />
        <button type="submit" disabled={v.busy}>
          Verify the hash chain
        </button>
      </form>
      {v.error && <ErrorPanel error={v.error} />}
      {v.result && (
        <p className={v.result.ok ? 'cer-good' : 'cer-warn'} aria-label="Log verification">
          {v.result.ok ? `Intact: ${v.result.entries} entries in ${v.result.file}; head ${v.result.head}` : `BROKEN at line ${v.result.problem?.line}: ${v.result.problem?.message}`}
        </p>
      )}
    </div>
  );
}

export function CeremonyPage() {
  const [wizard, setWizard] = useState<Wizard>('backup');
  return (
    <div className="ceremony">
      <h1>Key ceremonies</h1>
      <div role="tablist" aria-label="Ceremony" className="cer-tabs">
        {WIZARDS.map((w) => (
          <button key={w.id} role="tab" type="button" aria-selected={wizard === w.id} onClick={() => setWizard(w.id)}>
            {w.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={WIZARDS.find((w) => w.id === wizard)!.label}>
        {wizard === 'backup' && <BackupWizard />}
        {wizard === 'rotation' && <RotationWizard />}
        {wizard === 'signing' && <SigningWizard />}
        {wizard === 'log' && <LogPanel />}
      </div>
    </div>
  );
}
