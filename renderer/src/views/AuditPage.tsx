/**
 * Audit: paste or open image sources (a list, a Compose file, Kubernetes manifests) and the engine's
 * daemon.json, and see for every image whether it would pull with content trust on, and why not. The
 * policy editor pins a repository's root in one click (showing the canonical ID the engine compares)
 * and previews what changes before the edited daemon.json is taken. Below: the CI signing set-up.
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { call, errorValue } from '../api';
import { ErrorPanel } from '../components/ErrorPanel';
import type { AuditRunView, ImageAuditView, CiSetupResultView } from '../../../shared/ipc/audit-contract';
import '../audit.css';

const VERDICT_TEXT: Record<ImageAuditView['verdict'], string> = { pass: 'Pulls', fail: 'Refused', warn: 'Warned (permissive)', off: 'Pulls (trust off)' };

const SAMPLE_POLICY = `{
  "content-trust": {
    "trust-pinning": { "root-keys": {}, "official-images": true },
    "mode": "enforced"
  }
}
`;

function short(id: string): string {
  return `${id.slice(0, 12)}…`;
}

async function readFiles(e: ChangeEvent<HTMLInputElement>): Promise<{ name: string; text: string }[]> {
  const files = [...(e.target.files ?? [])];
  return Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
}

export function AuditPage() {
  const [sourcesText, setSourcesText] = useState('');
  const [opened, setOpened] = useState<{ name: string; text: string }[]>([]);
  const [policy, setPolicy] = useState('');
  const [preview, setPreview] = useState<{ title: string; policyText: string; changes: { image: string; from: string; to: string }[] } | undefined>();
  /** The policy text of the last audit: an edit since is previewed against it. */
  const [audited, setAudited] = useState<string | undefined>();

  const sources = () => [...(sourcesText.trim() ? [{ name: 'pasted', text: sourcesText }] : []), ...opened];
  const audit = useMutation({
    mutationFn: (p: string) => call('audit:run', { sources: sources(), ...(p.trim() ? { policy: p } : {}) }),
    onSuccess: (_r, p) => setAudited(p),
  });
  const pin = useMutation({
    mutationFn: (row: ImageAuditView) => call('audit:pin-root', { sources: sources(), policy, gun: row.gun!, keyIds: row.rootKeys!.map((k) => k.canonicalId) }),
    onSuccess: (r, row) => setPreview({ title: `Pin the root of ${row.gun}`, policyText: r.policyText, changes: r.changes }),
  });
  const compare = useMutation({
    mutationFn: (after: string) => call('audit:compare', { sources: sources(), before: audited ?? '', after }),
    onSuccess: (r, after) => setPreview({ title: 'Your edit of daemon.json', policyText: after, changes: r.changes }),
  });
  const edited = audit.data !== undefined && audited !== undefined && audited !== policy;

  const run = (e?: FormEvent) => {
    e?.preventDefault();
    setPreview(undefined);
    if (sources().length) audit.mutate(policy);
  };
  const take = () => {
    if (!preview) return;
    setPolicy(preview.policyText);
    setPreview(undefined);
    audit.mutate(preview.policyText);
  };
  const data: AuditRunView | undefined = audit.data;

  return (
    <section aria-labelledby="audit-title" className="audit">
      <h1 id="audit-title">Audit</h1>
      <p className="muted">Would these images pull with content trust on? Paste image references, a Compose file or Kubernetes manifests, and the engine's daemon.json.</p>
      <form className="audit-inputs" onSubmit={run}>
        <div className="card">
          <label htmlFor="audit-sources">Images, Compose file or Kubernetes manifests</label>
          <textarea id="audit-sources" className="mono" rows={10} value={sourcesText} onChange={(e) => setSourcesText(e.target.value)} placeholder={'services:\n  web:\n    image: registry.example.com/team/web:1.4\n\nor one reference per line'} />
          <label className="file-open">
            Open files… <input type="file" multiple accept=".yml,.yaml,.txt,.list,text/plain" onChange={(e) => void readFiles(e).then(setOpened)} />
          </label>
          {opened.length > 0 && <p className="small muted">Opened: {opened.map((o) => o.name).join(', ')}</p>}
        </div>
        <div className="card">
          <label htmlFor="audit-policy">Policy editor: daemon.json (empty: DOCKER_CONTENT_TRUST=1, enforced, trust on first use)</label>
          <textarea id="audit-policy" className="mono" rows={10} value={policy} onChange={(e) => setPolicy(e.target.value)} placeholder={SAMPLE_POLICY} />
          <label className="file-open">
            Open daemon.json… <input type="file" accept=".json,application/json" onChange={(e) => void readFiles(e).then((f) => f[0] && setPolicy(f[0].text))} />
          </label>
          <PolicyControls text={policy} onChange={setPolicy} />
          {edited && (
            <button type="button" className="quiet" disabled={compare.isPending} onClick={() => compare.mutate(policy)}>
              Preview what changes
            </button>
          )}
        </div>
        <div className="audit-actions">
          <button type="submit" disabled={audit.isPending || (!sourcesText.trim() && opened.length === 0)}>
            {audit.isPending ? 'Auditing…' : 'Audit'}
          </button>
        </div>
      </form>
      {audit.error && <ErrorPanel error={errorValue(audit.error)} />}
      {pin.error && <ErrorPanel error={errorValue(pin.error)} />}
      {compare.error && <ErrorPanel error={errorValue(compare.error)} />}
      {data && <AuditResult data={data} onPin={(row) => pin.mutate(row)} pinning={pin.isPending} />}
      {preview && (
        <div className="card pin-preview" role="region" aria-label="Policy change preview">
          <h2>{preview.title}</h2>
          <p>What changes:</p>
          {preview.changes.length === 0 ? (
            <p className="muted">No verdict changes.</p>
          ) : (
            <ul>
              {preview.changes.map((c) => (
                <li key={c.image}>
                  <code>{c.image}</code>: {c.from} → <strong>{c.to}</strong>
                </li>
              ))}
            </ul>
          )}
          <label htmlFor="pin-preview-json">New daemon.json</label>
          <textarea id="pin-preview-json" className="mono" rows={8} readOnly value={preview.policyText} />
          <div className="audit-actions">
            <button type="button" onClick={take}>
              Use this policy
            </button>
            <button type="button" className="quiet" onClick={() => setPreview(undefined)}>
              Discard
            </button>
          </div>
        </div>
      )}
      <CiSigning />
    </section>
  );
}

type Json = Record<string, unknown>;

/** Mode and the two switches of daemon.json's content-trust, edited in the text (when it is JSON). */
function PolicyControls({ text, onChange }: { text: string; onChange: (t: string) => void }) {
  let json: Json | undefined;
  try {
    const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Json;
  } catch {
    json = undefined;
  }
  const ct = (json?.['content-trust'] ?? {}) as Json;
  const tp = (ct['trust-pinning'] ?? {}) as Json;
  const set = (edit: (ct: Json, tp: Json) => void) => {
    if (!json) return;
    const nct: Json = { ...ct };
    const ntp: Json = { ...tp };
    edit(nct, ntp);
    if (Object.keys(ntp).length) nct['trust-pinning'] = ntp;
    else delete nct['trust-pinning'];
    onChange(`${JSON.stringify({ ...json, 'content-trust': nct }, null, 2)}\n`);
  };
  return (
    <fieldset className="policy-controls" disabled={!json}>
      <legend className="small">{json ? 'Quick edits' : 'Quick edits (the text is not JSON)'}</legend>
      <label>
        Mode{' '}
        <select value={typeof ct.mode === 'string' ? ct.mode : 'disabled'} onChange={(e) => set((c) => (c.mode = e.target.value))}>
          <option value="disabled">disabled</option>
          <option value="permissive">permissive</option>
          <option value="enforced">enforced</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={tp['official-images'] === true} onChange={(e) => set((_c, t) => (e.target.checked ? (t['official-images'] = true) : delete t['official-images']))} /> official-images
      </label>
      <label>
        <input type="checkbox" checked={ct['allow-expired-trust-cache'] === true} onChange={(e) => set((c) => (e.target.checked ? (c['allow-expired-trust-cache'] = true) : delete c['allow-expired-trust-cache']))} /> allow-expired-trust-cache
      </label>
    </fieldset>
  );
}

function AuditResult({ data, onPin, pinning }: { data: AuditRunView; onPin: (row: ImageAuditView) => void; pinning: boolean }) {
  if (data.policyProblems.length) {
    return (
      <div className="banner banner-bad" role="alert">
        <strong>daemon.json does not validate:</strong>
        <ul>
          {data.policyProblems.map((p, i) => (
            <li key={i}>
              <code>{p.location}</code>: {p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const r = data.report!;
  const s = r.summary;
  return (
    <div className="audit-result">
      <p role="status" className={`banner ${s.fail ? 'banner-bad' : s.warn ? 'banner-warn' : 'banner-ok'}`}>
        Mode <strong>{r.mode}</strong>{data.policy.fromFile ? '' : ' (no daemon.json: trust on first use)'}: {s.images} image{s.images === 1 ? '' : 's'}, {s.pass + s.off} pull
        {s.warn ? `, ${s.warn} would be refused under enforced` : ''}
        {s.fail ? `, ${s.fail} refused` : ''}.
      </p>
      {data.sourceProblems.length > 0 && (
        <ul className="small warn">
          {data.sourceProblems.map((p, i) => (
            <li key={i}>
              {p.location}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <table className="audit-table" aria-label="Audit results">
        <thead>
          <tr>
            <th scope="col">Verdict</th>
            <th scope="col">Image</th>
            <th scope="col">Reason</th>
            <th scope="col">Root key (canonical ID)</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {r.images.map((i) => (
            <tr key={i.image} className={`audit-${i.verdict}`}>
              <td>
                <span className={`badge audit-badge-${i.verdict}`}>{VERDICT_TEXT[i.verdict]}</span>
              </td>
              <td className="mono">
                {i.image}
                <div className="small muted">{i.locations.join('; ')}</div>
              </td>
              <td className="mono">{i.reason}</td>
              <td className="mono small">
                {i.rootKeys?.map((k) => (
                  <div key={k.canonicalId} title={`canonical ${k.canonicalId}; certificate ${k.certificateId}`}>
                    {short(k.canonicalId)} <span className="muted">(cert {short(k.certificateId)})</span>
                  </div>
                ))}
                {i.gun && i.rootKeys?.length && data.policy.fromFile && (i.reason === 'not-pinned' || i.reason === 'pinned-key-mismatch') ? (
                  <button type="button" className="small" disabled={pinning} onClick={() => onPin(i)} aria-label={`Pin root of ${i.gun}`}>
                    Pin root
                  </button>
                ) : null}
              </td>
              <td className="audit-detail">{i.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CiSigning() {
  const [signer, setSigner] = useState('ci');
  const [repos, setRepos] = useState('');
  const [paths, setPaths] = useState('');
  const [outDir, setOutDir] = useState('');
  const [unlock, setUnlock] = useState('');
  const [fresh, setFresh] = useState('');
  const setup = useMutation({
    mutationFn: () =>
      call('ci:setup', {
        signer: signer.trim(),
        repositories: repos.split(/[\s,]+/).filter(Boolean),
        ...(paths.trim() ? { paths: paths.split(/[\s,]+/).filter(Boolean) } : {}),
        outDir: outDir.trim(),
        passphrases: { ...(unlock ? { unlock } : {}), ...(fresh ? { new: fresh } : {}) },
      }),
    onSuccess: () => {
      setUnlock('');
      setFresh('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setup.mutate();
  };
  const r: CiSetupResultView | undefined = setup.data;
  return (
    <section aria-labelledby="ci-title" className="card ci-setup">
      <h2 id="ci-title">CI signing set-up</h2>
      <p className="muted small">
        Makes a delegation key for a CI system, adds it as a signer of the repositories, and writes the encrypted key and ready CI snippets to a directory you choose. The root key is never part of it.
      </p>
      <form onSubmit={submit} className="ci-form">
        <label>
          CI signer name <input value={signer} onChange={(e) => setSigner(e.target.value)} />
        </label>
        <label>
          Repositories (space or comma separated) <input value={repos} onChange={(e) => setRepos(e.target.value)} />
        </label>
        <label>
          Paths the CI may sign (optional) <input value={paths} onChange={(e) => setPaths(e.target.value)} />
        </label>
        <label>
          Write the bundle to (directory) <input value={outDir} onChange={(e) => setOutDir(e.target.value)} />
        </label>
        <label>
          Passphrase of your repository key (if the environment does not provide it) <input type="password" value={unlock} onChange={(e) => setUnlock(e.target.value)} />
        </label>
        <label>
          Passphrase for the new CI key (at least 8 characters) <input type="password" value={fresh} onChange={(e) => setFresh(e.target.value)} />
        </label>
        <button type="submit" disabled={setup.isPending || !signer.trim() || !repos.trim() || !outDir.trim()}>
          {setup.isPending ? 'Setting up…' : 'Create the CI signer'}
        </button>
      </form>
      {setup.error && <ErrorPanel error={errorValue(setup.error)} />}
      {r && (
        <div role="region" aria-label="CI bundle">
          <p role="status">
            CI signer <strong>{r.name}</strong> (key <code>{short(r.keyId)}</code>) added to {r.repositories.filter((x) => x.added).map((x) => x.repository).join(', ') || 'no repository'}.
          </p>
          {r.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
          <h3>Files written</h3>
          <ul className="mono small">
            {Object.values(r.files).map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
          <h3>CI variables to create</h3>
          <ul>
            {r.ciVariables.map((v) => (
              <li key={v.name}>
                <code>{v.name}</code>: {v.holds}
              </li>
            ))}
          </ul>
          <label htmlFor="ci-gha">GitHub Actions</label>
          <textarea id="ci-gha" className="mono" rows={10} readOnly value={r.githubActions} />
          <label htmlFor="ci-gitlab">GitLab CI</label>
          <textarea id="ci-gitlab" className="mono" rows={8} readOnly value={r.gitlabCi} />
          <h3>To revoke this CI signer later</h3>
          <pre className="mono small">{r.revoke.join('\n')}</pre>
        </div>
      )}
    </section>
  );
}
