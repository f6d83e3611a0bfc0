/**
 * Audit: paste or open image sources (a list, a Compose file, Kubernetes manifests) and the engine's
 * daemon.json, and see for every image whether it would pull with content trust on, and why not. The
 * policy editor pins a repository's root in one click (showing the canonical ID the engine compares)
 * and previews what changes before the edited daemon.json is taken. Below: the CI signing set-up.
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { AuditRunView, ImageAuditView } from '../../../../shared/ipc/audit-contract';
import { comparePolicies, pinRootInPolicy, runAudit } from './queries';
import { PolicyControls } from './PolicyControls';
import { AuditResult } from './AuditResult';
import { CiSigning } from './CiSigning';
import './audit.css';

const SAMPLE_POLICY = `{
  "content-trust": {
    "trust-pinning": { "root-keys": {}, "official-images": true },
    "mode": "enforced"
  }
}
`;

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
    mutationFn: (p: string) => runAudit({ sources: sources(), ...(p.trim() ? { policy: p } : {}) }),
    onSuccess: (_r, p) => setAudited(p),
  });
  const pin = useMutation({
    mutationFn: (row: ImageAuditView) =>
      pinRootInPolicy({ sources: sources(), policy, gun: row.gun!, keyIds: row.rootKeys!.map((k) => k.canonicalId) }),
    onSuccess: (r, row) => setPreview({ title: `Pin the root of ${row.gun}`, policyText: r.policyText, changes: r.changes }),
  });
  const compare = useMutation({
    mutationFn: (after: string) => comparePolicies({ sources: sources(), before: audited ?? '', after }),
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
      <p className="muted">
        Would these images pull with content trust on? Paste image references, a Compose file or Kubernetes manifests, and the engine's daemon.json.
      </p>
      <form className="audit-inputs" onSubmit={run}>
        <div className="card">
          <label htmlFor="audit-sources">Images, Compose file or Kubernetes manifests</label>
          <textarea
            id="audit-sources"
            className="mono"
            rows={10}
            value={sourcesText}
            onChange={(e) => setSourcesText(e.target.value)}
            placeholder={'services:\n  web:\n    image: registry.example.com/team/web:1.4\n\nor one reference per line'}
          />
          <label className="file-open">
            Open files… <input type="file" multiple accept=".yml,.yaml,.txt,.list,text/plain" onChange={(e) => void readFiles(e).then(setOpened)} />
          </label>
          {opened.length > 0 && <p className="small muted">Opened: {opened.map((o) => o.name).join(', ')}</p>}
        </div>
        <div className="card">
          <label htmlFor="audit-policy">Policy editor: daemon.json (empty: DOCKER_CONTENT_TRUST=1, enforced, trust on first use)</label>
          <textarea
            id="audit-policy"
            className="mono"
            rows={10}
            value={policy}
            onChange={(e) => setPolicy(e.target.value)}
            placeholder={SAMPLE_POLICY}
          />
          <label className="file-open">
            Open daemon.json…{' '}
            <input type="file" accept=".json,application/json" onChange={(e) => void readFiles(e).then((f) => f[0] && setPolicy(f[0].text))} />
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
