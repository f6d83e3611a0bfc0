import { useState, type FormEvent } from 'react';
import { errorValue } from '../../api';
import { useAddRepository, useRemoveRepository, useRepositoryList, useRepositorySummaries } from './queries';
import { ErrorPanel } from '../../components/ErrorPanel';
import { EmptyState } from '../../components/EmptyState';
import { ExpiryText, levelOf } from '../../components/Expiry';
import { errorText } from '../../error-text';
import type { RepositorySummary } from '../../../../shared/view-model';
import { OfflineInspector } from '../offline/OfflineInspector';

function HealthLine({ s }: { s: RepositorySummary }) {
  if (!s.hasTrustData) return <span className="muted">No trust data for this repository · {s.tagCount} tags, all unsigned</span>;
  const c = s.counts;
  return (
    <span className="health">
      <span className="count count-signed">{c.signed} signed</span>
      <span className="count count-unsigned">{c.unsigned} unsigned</span>
      <span className={`count count-digest-mismatch${c['digest-mismatch'] ? ' alert' : ''}`}>{c['digest-mismatch']} mismatched</span>
      {c['signed-not-in-registry'] > 0 && <span className="count">{c['signed-not-in-registry']} not in registry</span>}
      {s.nearestExpiry && (
        <span>
          · next expiry: {s.nearestExpiry.role}{' '}
          <ExpiryText iso={s.nearestExpiry.expires} level={levelOf(s.nearestExpiry.expires, s.nearestExpiry.role === 'timestamp' ? 2 : 30)} />
        </span>
      )}
      {s.renewSoon && (
        <span className="warn renew-flag" title="A role expires within 90 days: renew it from the repository's Expiry timeline (or trustdesk renew)">
          {' '}
          · renew soon: {s.renewSoon.role} <ExpiryText iso={s.renewSoon.expires} level={levelOf(s.renewSoon.expires, 90)} />
        </span>
      )}
      {s.registryError && <span className="warn"> · registry not read</span>}
    </span>
  );
}

export function RepositoriesPage({ onOpen }: { onOpen: (name: string) => void }) {
  const list = useRepositoryList();
  const add = useAddRepository();
  const remove = useRemoveRepository();
  const [name, setName] = useState('');
  const recent = list.data?.recent ?? [];
  const cached = (list.data?.cached ?? []).filter((c) => !recent.includes(c));
  const all = [...recent, ...cached];
  const summaries = useRepositorySummaries(all);
  const done = summaries.filter((q) => !q.isPending).length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    add.mutate(name.trim(), {
      onSuccess: (r) => {
        setName('');
        onOpen(r.name);
      },
    });
  };

  return (
    <section aria-labelledby="repos-title">
      <h1 id="repos-title">Repositories</h1>
      <form className="add-form" onSubmit={submit}>
        <label htmlFor="repo-name">Add a repository</label>
        <input
          id="repo-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="registry/namespace/repo"
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={add.isPending}>
          Open
        </button>
      </form>
      {add.error && <ErrorPanel error={errorValue(add.error)} />}
      {list.error && <ErrorPanel error={errorValue(list.error)} onRetry={() => void list.refetch()} />}
      {all.length > 0 && done < all.length && (
        <div className="progress" role="status" aria-live="polite">
          <progress max={all.length} value={done} aria-label="Repositories loaded" /> Checking {all.length} repositories: {done} done
        </div>
      )}
      {list.isSuccess && all.length === 0 && (
        <EmptyState title="No repositories yet">
          Add one by name above, e.g. <code>registry.example.com/team/app</code>. Repositories in this machine’s trust cache appear here too.
        </EmptyState>
      )}
      {all.length > 0 && (
        <ul className="repo-list" aria-label="Repositories">
          {all.map((n, i) => {
            const q = summaries[i]!;
            return (
              <li key={n} className="repo-row">
                <div className="repo-main">
                  <button type="button" className="link repo-name" onClick={() => onOpen(n)}>
                    {n}
                  </button>
                  <span className="tag-origin">{recent.includes(n) ? 'recent' : 'in local trust cache'}</span>
                </div>
                <div className="repo-health">
                  {q.isPending && <span className="muted">Checking…</span>}
                  {q.error && (
                    <span className="warn">
                      {errorText(errorValue(q.error).code).title} ({errorValue(q.error).code})
                    </span>
                  )}
                  {q.data && <HealthLine s={q.data} />}
                </div>
                {recent.includes(n) && (
                  <button type="button" className="quiet" aria-label={`Remove ${n} from recent`} onClick={() => remove.mutate(n)}>
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <OfflineInspector />
    </section>
  );
}
