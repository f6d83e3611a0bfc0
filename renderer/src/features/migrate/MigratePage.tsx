/**
 * Migration view: DCT → cosign, then the policies that enforce it. Steps: choose repositories and a
 * key → plan (the dry run, with the parity table) → sign (progress bar; cancel stops between tags) →
 * report → the generated policies, each with copy and save, and the parity table again.
 */
import { PathField } from '../../components/PathField';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { ErrorValueView } from '../../../../shared/view-model';
import type {
  MigrationKeySource,
  MigrationPlanView,
  MigrationReportView,
  ParityReportView,
  PolicyFileView,
} from '../../../../shared/ipc/migrate-contract';
import { useRepositoryList } from '../repositories/queries';
import { ParityTable } from './ParityTable';
import { cancelMigration, migrationPolicies, migrationProgress, newJobId, planMigration, signMigration } from './queries';
import './migrate.css';

const STEPS = ['Choose', 'Plan', 'Sign', 'Report', 'Policies'] as const;
type Step = (typeof STEPS)[number];

interface Progress {
  state: string;
  done: number;
  total: number;
  repository?: string | undefined;
  tag?: string | undefined;
  step?: string | undefined;
}

export function MigratePage() {
  const list = useRepositoryList();
  const known = [...new Set([...(list.data?.recent ?? []), ...(list.data?.cached ?? [])])];
  const [step, setStep] = useState<Step>('Choose');
  const [chosen, setChosen] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [keyKind, setKeyKind] = useState<MigrationKeySource['kind']>('file');
  const [keyPath, setKeyPath] = useState('');
  const [keyId, setKeyId] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [bundle, setBundle] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorValueView>();
  const [plan, setPlan] = useState<{ plan: MigrationPlanView; parity: ParityReportView }>();
  const [progress, setProgress] = useState<Progress>();
  const [jobId, setJobId] = useState<string>();
  const [report, setReport] = useState<MigrationReportView>();
  const [policies, setPolicies] = useState<{ report: ParityReportView; files: PolicyFileView[] }>();
  const [saveDir, setSaveDir] = useState('');
  const [saved, setSaved] = useState<string>();
  const timer = useRef<ReturnType<typeof setInterval>>(undefined);
  useEffect(() => () => clearInterval(timer.current), []);

  const repositories = [...new Set([...chosen, ...typed.split(/[\s,]+/).filter(Boolean)])];
  const key: MigrationKeySource =
    keyKind === 'file' ? { kind: 'file', path: keyPath.trim() } : { kind: 'trust-dir', keyId: keyId.trim().toLowerCase() };
  const secret = passphrase ? { passphrase } : {};
  const keyReady = keyKind === 'file' ? keyPath.trim() !== '' : /^[0-9a-f]{4,64}$/i.test(keyId.trim());

  async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (err) {
      setError(errorValue(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  const doPlan = async (e?: FormEvent) => {
    e?.preventDefault();
    const r = await attempt(() => planMigration({ repositories, key, ...(bundle ? { bundle } : {}), ...secret }));
    if (r) {
      setPlan(r);
      setStep('Plan');
    }
  };

  const doSign = async () => {
    const id = newJobId();
    setJobId(id);
    setReport(undefined);
    setProgress({ state: 'running', done: 0, total: plan?.plan.counts.sign ?? 0 });
    setStep('Sign');
    timer.current = setInterval(() => {
      migrationProgress(id).then(
        (p) => setProgress((old) => (p.state === 'unknown' ? old : p)),
        () => undefined,
      );
    }, 250);
    const r = await attempt(() => signMigration({ jobId: id, repositories, key, ...(bundle ? { bundle } : {}), ...secret }));
    clearInterval(timer.current);
    setJobId(undefined);
    if (r) {
      setReport(r);
      setStep('Report');
    }
  };

  const doCancel = async () => {
    if (!jobId) return;
    setProgress((p) => (p ? { ...p, state: 'cancelling' } : p));
    await cancelMigration(jobId).catch(() => undefined);
  };

  const doPolicies = async () => {
    const r = await attempt(() => migrationPolicies({ repositories, key, ...secret }));
    if (r) {
      setPolicies(r);
      setStep('Policies');
    }
  };

  const doSave = async (only?: string) => {
    setSaved(undefined);
    const r = await attempt(() => migrationPolicies({ repositories, key, ...secret, save: { dir: saveDir.trim(), ...(only ? { only } : {}) } }));
    if (r?.saved) setSaved(`Saved ${r.saved.length === 1 ? r.saved[0] : `${r.saved.length} files to ${saveDir.trim()}`}`);
  };

  const copy = (f: PolicyFileView) => {
    void navigator.clipboard?.writeText(f.text).then(
      () => setSaved(`Copied ${f.path}`),
      () => setSaved(`Could not copy ${f.path}`),
    );
  };

  return (
    <section className="migrate" aria-labelledby="migrate-title">
      <h1 id="migrate-title">Migrate to cosign</h1>
      <ol className="stepper" aria-label="Migration steps">
        {STEPS.map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            {s}
          </li>
        ))}
      </ol>
      {error && <ErrorPanel error={error} />}

      {step === 'Choose' && (
        <form className="card migrate-form" onSubmit={doPlan} aria-label="Repositories and key">
          <fieldset>
            <legend>Repositories</legend>
            {known.length === 0 && <p className="muted small">No recent repositories: type names below.</p>}
            {known.map((name) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(name)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, name] : chosen.filter((x) => x !== name))}
                />{' '}
                <span className="mono">{name}</span>
              </label>
            ))}
            <label>
              Other repositories (space or comma separated) <input value={typed} onChange={(e) => setTyped(e.target.value)} />
            </label>
          </fieldset>
          <fieldset>
            <legend>Signing key</legend>
            <label className="check">
              <input type="radio" name="key-kind" checked={keyKind === 'file'} onChange={() => setKeyKind('file')} /> A cosign key file (cosign.key)
            </label>
            <label className="check">
              <input type="radio" name="key-kind" checked={keyKind === 'trust-dir'} onChange={() => setKeyKind('trust-dir')} /> A key of the trust dir
              (e.g. a delegation key: its signatures then map to that signer)
            </label>
            {keyKind === 'file' ? (
              <PathField
                label="Key file"
                value={keyPath}
                onChange={setKeyPath}
                dialog={{ kind: 'file', filters: [{ name: 'cosign key', extensions: ['key', 'pem'] }] }}
              />
            ) : (
              <label>
                Key ID <input value={keyId} onChange={(e) => setKeyId(e.target.value)} className="mono" />
              </label>
            )}
            <label>
              Password or passphrase (if the environment does not provide it){' '}
              <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
            </label>
            <p className="muted small">
              Keys on a hardware token: use the CLI (`trustdesk migrate cosign --key token:…`) until the PIN dialog exists.
            </p>
            <label className="check">
              <input type="checkbox" checked={bundle} onChange={(e) => setBundle(e.target.checked)} /> Also attach Sigstore bundles
            </label>
          </fieldset>
          <button type="submit" disabled={busy || repositories.length === 0 || !keyReady}>
            {busy ? 'Planning…' : 'Plan the migration'}
          </button>
        </form>
      )}

      {step === 'Plan' && plan && (
        <section className="card" aria-label="Migration plan">
          <h2>Plan</h2>
          <p role="status">
            Key: {plan.plan.key.description}. {plan.plan.counts.sign} to sign, {plan.plan.counts.alreadySigned} already signed,{' '}
            {plan.plan.counts.skip} skipped.
          </p>
          <PlanTable plan={plan.plan} />
          <h2>Parity before signing</h2>
          <ParityTable report={plan.parity} caption="Parity before signing" />
          <div className="actions">
            <button type="button" onClick={() => setStep('Choose')}>
              Back
            </button>
            <button type="button" onClick={() => void doSign()} disabled={busy || plan.plan.counts.sign === 0}>
              Sign {plan.plan.counts.sign} tag{plan.plan.counts.sign === 1 ? '' : 's'}
            </button>
            <button type="button" onClick={() => void doPolicies()} disabled={busy}>
              Skip to the policies
            </button>
          </div>
        </section>
      )}

      {step === 'Sign' && progress && (
        <section className="card" aria-label="Signing">
          <h2>Signing</h2>
          <progress aria-label="Signing progress" max={Math.max(progress.total, 1)} value={progress.done} />
          <p role="status">
            {progress.done} of {progress.total} signed{progress.tag ? ` · ${progress.repository}:${progress.tag}: ${progress.step}` : ''}
            {progress.state === 'cancelling' ? ' · cancelling after the current tag…' : ''}
          </p>
          <p className="muted small">
            Cancel stops between tags: a tag being signed is finished and read back first, so nothing is left half-written.
          </p>
          <button type="button" onClick={() => void doCancel()} disabled={progress.state !== 'running'}>
            Cancel
          </button>
        </section>
      )}

      {step === 'Report' && report && (
        <section className="card" aria-label="Migration report">
          <h2>Report</h2>
          <p role="status" className={report.counts.failed ? 'warn' : undefined}>
            {report.cancelled ? 'Cancelled. ' : ''}
            {report.counts.signed} signed, {report.counts.alreadySigned} already signed, {report.counts.skipped} skipped, {report.counts.failed}{' '}
            failed.
          </p>
          <ReportTable report={report} />
          {report.publicKeyFile && (
            <p className="small">
              Public key written to <span className="mono">{report.publicKeyFile}</span>
            </p>
          )}
          {report.verifyCommands.length > 0 && (
            <details>
              <summary>cosign verify commands ({report.verifyCommands.length})</summary>
              <pre className="mono small">{report.verifyCommands.join('\n')}</pre>
            </details>
          )}
          <div className="actions">
            {(report.cancelled || report.counts.failed > 0) && (
              <button type="button" onClick={() => void doPlan()} disabled={busy}>
                Plan again
              </button>
            )}
            <button type="button" onClick={() => void doPolicies()} disabled={busy}>
              {busy ? 'Generating…' : 'Generate the policies'}
            </button>
          </div>
        </section>
      )}

      {step === 'Policies' && policies && (
        <section className="card" aria-label="Generated policies">
          <h2>Policies</h2>
          <div className="save-row">
            <PathField label="Save to folder" value={saveDir} onChange={setSaveDir} dialog={{ kind: 'folder' }} />
            <button type="button" onClick={() => void doSave()} disabled={busy || !saveDir.trim()}>
              Save all
            </button>
          </div>
          {saved && <p role="status">{saved}</p>}
          {policies.report.notes.map((n) => (
            <p key={n.message} className="warn small">
              {n.format}: {n.message}
            </p>
          ))}
          {policies.report.untranslatable.length > 0 && (
            <details>
              <summary>Not translated ({policies.report.untranslatable.length})</summary>
              <ul className="small">
                {policies.report.untranslatable.map((u) => (
                  <li key={u.message}>
                    {u.format}: {u.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {policies.files
            .filter((f) => !f.path.startsWith('parity-report'))
            .map((f) => (
              <article key={f.path} className="policy-file" aria-label={f.title}>
                <header>
                  <h3>
                    {f.title} <span className="mono small muted">{f.path}</span>
                  </h3>
                  <button type="button" onClick={() => copy(f)} aria-label={`Copy ${f.path}`}>
                    Copy
                  </button>
                  <button type="button" onClick={() => void doSave(f.path)} disabled={busy || !saveDir.trim()} aria-label={`Save ${f.path}`}>
                    Save
                  </button>
                </header>
                <pre className="mono small" tabIndex={0}>
                  {f.text}
                </pre>
              </article>
            ))}
          <h2>Parity</h2>
          <ParityTable report={policies.report} caption="Parity after signing" />
          <div className="actions">
            <button type="button" onClick={() => setStep('Choose')}>
              Start over
            </button>
          </div>
        </section>
      )}
    </section>
  );
}

function PlanTable({ plan }: { plan: MigrationPlanView }) {
  return (
    <table className="migrate-table">
      <caption>Tags</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Tag</th>
          <th scope="col">Content trust</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {plan.tags.map((t) => (
          <tr key={`${t.repository}:${t.tag}`}>
            <td>
              <strong>{t.action === 'sign' ? 'sign' : t.action === 'already-signed' ? 'done' : 'skip'}</strong>
            </td>
            <th scope="row" className="mono">
              {t.repository}:{t.tag}
            </th>
            <td>
              {t.dctVerdict}
              {t.dctSigners.length ? <span className="muted small"> ({t.dctSigners.join(', ')})</span> : null}
            </td>
            <td className="small">{t.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReportTable({ report }: { report: MigrationReportView }) {
  return (
    <table className="migrate-table">
      <caption>Tags</caption>
      <thead>
        <tr>
          <th scope="col">Outcome</th>
          <th scope="col">Tag</th>
          <th scope="col">Digest</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {report.tags.map((t) => (
          <tr key={`${t.repository}:${t.tag}`}>
            <td className={t.outcome === 'failed' ? 'warn' : undefined}>
              <strong>{t.outcome}</strong>
            </td>
            <th scope="row" className="mono">
              {t.repository}:{t.tag}
            </th>
            <td className="mono small">{t.digest ? `${t.digest.slice(0, 19)}…` : '-'}</td>
            <td className="small">{t.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
