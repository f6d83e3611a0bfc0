/** The signers of a repository: remove one (first showing which tags lose their only signer), change paths and threshold, add one. */
import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyIds } from '../../components/KeyId';
import { useAction } from '../../components/useAction';
import { shortKeyId } from '../../format';
import type { RepositoryOverview } from '../../../../shared/view-model';
import type { Response } from '../../../../shared/ipc/contract';
import { stageChanges, type PendingChange } from './pending-changes';
import { readPublicKey, signerImpact } from './queries';

function parsePaths(text: string): string[] | undefined {
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return list.length ? list : undefined;
}

export function SignerManagement({
  name,
  overview,
  initialKey,
}: {
  name: string;
  overview: RepositoryOverview;
  initialKey?: { signer: string; pem: string };
}) {
  const [signer, setSigner] = useState(initialKey?.signer ?? '');
  const [pem, setPem] = useState(initialKey?.pem ?? '');
  const [paths, setPaths] = useState('');
  const add = useAction<Response<'onboarding:read-key'>>();
  const impact = useAction<Response<'signers:impact'>>();
  const [editing, setEditing] = useState<string | undefined>();
  const signers = overview.signers.filter((s) => s.parent === 'targets' && s.role !== 'targets/releases');
  return (
    <section aria-labelledby="signers-title" className="publish-section">
      <h2 id="signers-title">Signers</h2>
      <ul className="plain">
        {signers.map((s) => (
          <li key={s.role}>
            <strong>{s.name}</strong> — keys <KeyIds ids={s.keyIds} />, paths {JSON.stringify(s.paths ?? [])}, {s.signedTags.length} tag(s){' '}
            <button
              type="button"
              onClick={() => void impact.run(() => signerImpact({ name, signer: s.name }))}
              aria-label={`Remove signer ${s.name}…`}
            >
              Remove…
            </button>{' '}
            <button
              type="button"
              onClick={() => setEditing(editing === s.role ? undefined : s.role)}
              aria-expanded={editing === s.role}
              aria-label={`Change paths or threshold of ${s.name}`}
            >
              Paths and threshold…
            </button>
            {editing === s.role && (
              <form
                className="publish-form"
                aria-label={`Paths and threshold of ${s.name}`}
                onSubmit={(e) => {
                  e.preventDefault();
                  const data = new FormData(e.currentTarget);
                  const p = parsePaths(String(data.get('paths') ?? ''));
                  const t = Number(data.get('threshold'));
                  stageChanges(name, [
                    {
                      change: { kind: 'set-delegation', role: s.role, paths: p ?? [''], threshold: t },
                      label: `Set ${s.name}: paths ${(p ?? ['']).map((x) => JSON.stringify(x)).join(', ')}, threshold ${t} of ${s.keyIds.length}`,
                    },
                  ]);
                  setEditing(undefined);
                }}
              >
                <label className="field">
                  Paths (comma-separated prefixes; empty: every tag)
                  <input name="paths" defaultValue={(s.paths ?? []).filter((x) => x !== '').join(', ')} />
                </label>
                <label className="field">
                  Threshold (signatures needed, of {s.keyIds.length} key{s.keyIds.length === 1 ? '' : 's'})
                  <input name="threshold" type="number" min={1} max={s.keyIds.length} defaultValue={s.threshold} required />
                </label>
                <button type="submit">Stage the change</button>
              </form>
            )}
          </li>
        ))}
        {signers.length === 0 && <li className="muted">No signers yet.</li>}
      </ul>
      {impact.error && <ErrorPanel error={impact.error} />}
      {impact.result && (
        <div className="confirm" role="alertdialog" aria-labelledby="impact-title">
          <p id="impact-title">
            Remove <strong>{impact.result.signer}</strong> (keys <KeyIds ids={impact.result.keyIds} />
            )?
          </p>
          <p>Tags that lose their only signer: {impact.result.tagsLosingOnlySigner.join(', ') || 'none'}.</p>
          {impact.result.lastSignerOfReleases && (
            <p className="banner banner-bad" role="note">
              This signer signed the last released version: targets/releases can no longer meet its threshold, and{' '}
              {impact.result.tagsBecomingUnpullable.join(', ') || 'its tags'} become unpullable until someone signs again.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => {
                const v = impact.result!;
                const inReleases = overview.signers.find((s) => s.role === 'targets/releases');
                const shared = new Set(signers.filter((s) => s.name !== v.signer).flatMap((s) => s.keyIds));
                const releaseKeys = v.keyIds.filter((k) => !shared.has(k) && inReleases?.keyIds.includes(k));
                stageChanges(name, [
                  ...(releaseKeys.length
                    ? [
                        {
                          change: { kind: 'remove-delegation-keys', role: 'targets/releases', keyIds: releaseKeys },
                          label: `Remove ${v.signer}'s keys from targets/releases`,
                        } as PendingChange,
                      ]
                    : []),
                  { change: { kind: 'remove-delegation', role: `targets/${v.signer}` }, label: `Remove signer ${v.signer}` },
                ]);
                impact.reset();
              }}
            >
              Stage the removal
            </button>
            <button type="button" onClick={() => impact.reset()}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <form
        className="publish-form"
        aria-labelledby="add-signer-title"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await add.run(() => readPublicKey({ pem }));
          if (!r) return;
          const key = { keytype: r.keyType, keyval: { public: r.publicValue } };
          const p = parsePaths(paths);
          stageChanges(name, [
            {
              change: { kind: 'add-delegation', role: `targets/${signer}`, keys: [key], ...(p ? { paths: p } : {}) },
              label: `Add signer ${signer} (key ${shortKeyId(r.keyId)}${p ? `, paths ${p.join(', ')}` : ''})`,
            },
            { change: { kind: 'add-delegation', role: 'targets/releases', keys: [key] }, label: `Add ${signer}'s key to targets/releases` },
          ]);
          setPem('');
          add.reset();
        }}
      >
        <h3 id="add-signer-title">Add a signer</h3>
        <label className="field">
          Signer name
          <input value={signer} onChange={(e) => setSigner(e.target.value)} pattern="[a-z0-9][a-z0-9_\-]*" required />
        </label>
        <label className="field">
          Public key (the signer&apos;s .pub file)
          <textarea value={pem} onChange={(e) => setPem(e.target.value)} rows={5} required className="mono" />
        </label>
        <label className="field">
          Paths (comma-separated prefixes; empty: every tag)
          <input value={paths} onChange={(e) => setPaths(e.target.value)} />
        </label>
        <button type="submit" disabled={add.pending}>
          Stage the signer
        </button>
        {add.error && <ErrorPanel error={add.error} />}
      </form>
    </section>
  );
}
