/**
 * Publishing from the app (issue 6 §3–4): sign and revoke tags (the confirmation shows the exact
 * digest), manage signers (removal shows first which tags lose their only signer), rotate non-root
 * keys, the delegate onboarding wizard, and the pending-changes panel with the exact metadata diff
 * before one publish.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { call, errorValue } from '../api';
import { keys } from '../queries';
import { ErrorPanel } from '../components/ErrorPanel';
import { clearChanges, stageChanges, unstageChange, usePendingChanges, type PendingChange } from '../pending-changes';
import type { RepositoryOverview, TagRow, ErrorValueView } from '../../../shared/view-model';
import type { DelegateStatusView, PublishPreviewView, SignerImpactView } from '../../../shared/ipc/publishing-contract';
import '../publish.css';

const short = (id: string) => id.slice(0, 12);

function useAsync<T>() {
  const [state, setState] = useState<{ pending: boolean; error?: ErrorValueView; value?: T }>({ pending: false });
  const run = async (fn: () => Promise<T>) => {
    setState({ pending: true });
    try {
      const value = await fn();
      setState({ pending: false, value });
      return value;
    } catch (err) {
      setState({ pending: false, error: errorValue(err) });
      return undefined;
    }
  };
  return { ...state, run, reset: () => setState({ pending: false }) };
}

// --- pending changes + diff ---

function PreviewDiff({ preview }: { preview: PublishPreviewView }) {
  return (
    <div className="publish-diff" aria-label="Exact metadata change">
      <p>
        {preview.initialise ? 'Initialises' : 'Updates'} <span className="mono">{preview.gun}</span>:
      </p>
      <table>
        <caption className="visually-hidden">Roles this publish changes</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Version</th>
            <th scope="col">Signed by</th>
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {preview.roles.map((r) => (
            <tr key={r.role}>
              <td className="mono">{r.role}</td>
              <td>{r.fromVersion === undefined ? `new (v${r.toVersion})` : `v${r.fromVersion} → v${r.toVersion}`}</td>
              <td>{r.signedBy === 'server' ? 'trust server' : r.signingKeyIds.map(short).join(', ') || 'this machine'}</td>
              <td>
                <ul className="plain">
                  {r.roleKeys.map((k) => (
                    <li key={k.role}>
                      {k.role} key: {k.added.map((a) => `+${short(a)}`).join(' ')} {k.removed.map((a) => `−${short(a)}`).join(' ')}
                    </li>
                  ))}
                  {r.targetsAdded.map((t) => (
                    <li key={`a${t.name}`}>
                      + <strong>{t.name}</strong> <span className="mono">{t.digest}</span> ({t.size} bytes)
                    </li>
                  ))}
                  {r.targetsChanged.map((t) => (
                    <li key={`c${t.name}`}>
                      ~ <strong>{t.name}</strong> <span className="mono">{t.fromDigest}</span> → <span className="mono">{t.digest}</span>
                    </li>
                  ))}
                  {r.targetsRemoved.map((t) => (
                    <li key={`r${t.name}`}>
                      − <strong>{t.name}</strong> <span className="mono">{t.digest}</span>
                    </li>
                  ))}
                  {[...r.delegationsAdded.map((d) => ['+', d] as const), ...r.delegationsChanged.map((d) => ['~', d] as const)].map(([sign, d]) => (
                    <li key={`d${d.role}`}>
                      {sign} delegation <span className="mono">{d.role}</span>: keys {d.keyIds.map(short).join(', ') || 'none'}, paths {JSON.stringify(d.paths)}, threshold {d.threshold}
                    </li>
                  ))}
                  {r.delegationsRemoved.map((d) => (
                    <li key={`x${d.role}`}>
                      − delegation <span className="mono">{d.role}</span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.warnings.map((w) => (
        <p key={w} className="banner banner-warn" role="note">
          {w}
        </p>
      ))}
    </div>
  );
}

function PendingPanel({ name }: { name: string }) {
  const pending = usePendingChanges(name);
  const qc = useQueryClient();
  const [passphrase, setPassphrase] = useState('');
  const preview = useAsync<PublishPreviewView>();
  const publish = useAsync<{ attempts: number; newKeys: { keyId: string; role: string }[] }>();
  const changes = pending.map((p) => p.change);
  const passphrases = passphrase ? { unlock: passphrase, new: passphrase } : undefined;
  return (
    <section aria-labelledby="pending-title" className="publish-section">
      <h2 id="pending-title">Pending changes ({pending.length})</h2>
      {pending.length === 0 && !publish.value && <p className="muted">Nothing staged. Sign or revoke tags, change signers or rotate keys below; they collect here until you publish.</p>}
      {publish.value && pending.length === 0 && (
        <p role="status" className="banner banner-ok">
          Published{publish.value.attempts > 1 ? ` (re-applied on top of a concurrent change, ${publish.value.attempts} attempts)` : ''}.
          {publish.value.newKeys.map((k) => ` New ${k.role} key ${short(k.keyId)}.`).join('')}
        </p>
      )}
      {pending.length > 0 && (
        <>
          <ol className="pending-list">
            {pending.map((p, i) => (
              <li key={`${i}-${p.label}`}>
                {p.label}{' '}
                <button type="button" className="link" onClick={() => (preview.reset(), unstageChange(name, i))} aria-label={`Drop: ${p.label}`}>
                  Drop
                </button>
              </li>
            ))}
          </ol>
          <label className="field">
            Key passphrase (if the environment does not provide it)
            <input type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <div className="actions">
            <button type="button" disabled={preview.pending} onClick={() => void preview.run(() => call('publish:preview', { name, changes, passphrases }))}>
              {preview.pending ? 'Building…' : 'Preview the exact change'}
            </button>
            <button
              type="button"
              className="primary"
              disabled={publish.pending || !preview.value}
              title={preview.value ? undefined : 'Preview first'}
              onClick={async () => {
                const r = await publish.run(() => call('publish:apply', { name, changes, passphrases }));
                if (r) {
                  clearChanges(name);
                  setPassphrase('');
                  preview.reset();
                  void qc.invalidateQueries({ queryKey: keys.overview(name) });
                  void qc.invalidateQueries({ queryKey: keys.summary(name) });
                }
              }}
            >
              {publish.pending ? 'Publishing…' : 'Publish'}
            </button>
            <button type="button" onClick={() => (clearChanges(name), preview.reset())}>
              Discard all
            </button>
          </div>
          {preview.error && <ErrorPanel error={preview.error} />}
          {publish.error && <ErrorPanel error={publish.error} />}
          {preview.value && <PreviewDiff preview={preview.value} />}
        </>
      )}
    </section>
  );
}

// --- sign / revoke ---

function TagActions({ name, tags }: { name: string; tags: TagRow[] }) {
  const [confirm, setConfirm] = useState<{ row: TagRow; action: 'sign' | 'revoke' } | undefined>();
  const [filter, setFilter] = useState('');
  const shown = tags.filter((t) => t.tag.includes(filter)).slice(0, 200);
  return (
    <section aria-labelledby="sign-title" className="publish-section">
      <h2 id="sign-title">Sign and revoke tags</h2>
      <label className="field">
        Filter tags
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {confirm && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-digest">
          <p id="confirm-title">
            {confirm.action === 'sign' ? 'Sign' : 'Revoke the signature of'} <strong>{confirm.row.tag}</strong>?
          </p>
          <p id="confirm-digest">
            Digest <span className="mono">{confirm.action === 'sign' ? confirm.row.registryDigest : confirm.row.signedDigest}</span>
            {confirm.action === 'sign' && confirm.row.size !== undefined ? ` (${confirm.row.size} bytes, as the registry serves it)` : ''}
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => {
                const r = confirm.row;
                if (confirm.action === 'sign') {
                  stageChanges(name, [{ change: { kind: 'add-target', name: r.tag, target: { sha256Hex: r.registryDigest!.slice(7), length: r.size! } }, label: `Sign ${r.tag} (${r.registryDigest})` }]);
                } else {
                  stageChanges(name, [{ change: { kind: 'remove-target', name: r.tag }, label: `Revoke ${r.tag} (${r.signedDigest})` }]);
                }
                setConfirm(undefined);
              }}
            >
              Stage it
            </button>
            <button type="button" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <table className="publish-tags">
        <caption className="visually-hidden">Tags with their registry and signed digests</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Registry digest</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.tag}>
              <td className="mono">{t.tag}</td>
              <td className="mono">{t.registryDigest ? short(t.registryDigest.slice(7)) : '—'}</td>
              <td>{t.verdict}</td>
              <td>
                {t.registryDigest && t.size !== undefined && t.registryDigest !== t.signedDigest && (
                  <button type="button" onClick={() => setConfirm({ row: t, action: 'sign' })} aria-label={`Sign ${t.tag}`}>
                    Sign…
                  </button>
                )}{' '}
                {t.signedDigest && (
                  <button type="button" onClick={() => setConfirm({ row: t, action: 'revoke' })} aria-label={`Revoke ${t.tag}`}>
                    Revoke…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tags.length > shown.length && <p className="muted">Showing {shown.length} of {tags.length} tags; filter to find others.</p>}
    </section>
  );
}

// --- signers ---

function parsePaths(text: string): string[] | undefined {
  const list = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  return list.length ? list : undefined;
}

function SignerManagement({ name, overview, initialKey }: { name: string; overview: RepositoryOverview; initialKey?: { signer: string; pem: string } }) {
  const [signer, setSigner] = useState(initialKey?.signer ?? '');
  const [pem, setPem] = useState(initialKey?.pem ?? '');
  const [paths, setPaths] = useState('');
  const add = useAsync<unknown>();
  const impact = useAsync<SignerImpactView>();
  const [editing, setEditing] = useState<string | undefined>();
  const signers = overview.signers.filter((s) => s.parent === 'targets' && s.role !== 'targets/releases');
  return (
    <section aria-labelledby="signers-title" className="publish-section">
      <h2 id="signers-title">Signers</h2>
      <ul className="plain">
        {signers.map((s) => (
          <li key={s.role}>
            <strong>{s.name}</strong> — keys {s.keyIds.map(short).join(', ')}, paths {JSON.stringify(s.paths ?? [])}, {s.signedTags.length} tag(s){' '}
            <button type="button" onClick={() => void impact.run(() => call('signers:impact', { name, signer: s.name }))} aria-label={`Remove signer ${s.name}…`}>
              Remove…
            </button>{' '}
            <button type="button" onClick={() => setEditing(editing === s.role ? undefined : s.role)} aria-expanded={editing === s.role} aria-label={`Change paths or threshold of ${s.name}`}>
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
                  stageChanges(name, [{ change: { kind: 'set-delegation', role: s.role, paths: p ?? [''], threshold: t }, label: `Set ${s.name}: paths ${(p ?? ['']).map((x) => JSON.stringify(x)).join(', ')}, threshold ${t} of ${s.keyIds.length}` }]);
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
      {impact.value && (
        <div className="confirm" role="alertdialog" aria-labelledby="impact-title">
          <p id="impact-title">
            Remove <strong>{impact.value.signer}</strong> (keys {impact.value.keyIds.map(short).join(', ')})?
          </p>
          <p>Tags that lose their only signer: {impact.value.tagsLosingOnlySigner.join(', ') || 'none'}.</p>
          {impact.value.lastSignerOfReleases && (
            <p className="banner banner-bad" role="note">
              This signer signed the last released version: targets/releases can no longer meet its threshold, and {impact.value.tagsBecomingUnpullable.join(', ') || 'its tags'} become unpullable until someone signs again.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => {
                const v = impact.value!;
                const inReleases = overview.signers.find((s) => s.role === 'targets/releases');
                const shared = new Set(signers.filter((s) => s.name !== v.signer).flatMap((s) => s.keyIds));
                const releaseKeys = v.keyIds.filter((k) => !shared.has(k) && inReleases?.keyIds.includes(k));
                stageChanges(name, [
                  ...(releaseKeys.length ? [{ change: { kind: 'remove-delegation-keys', role: 'targets/releases', keyIds: releaseKeys }, label: `Remove ${v.signer}'s keys from targets/releases` } as PendingChange] : []),
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
          const read = await add.run(() => call('onboarding:read-key', { pem }));
          if (!read) return;
          const r = read as { keyId: string; keyType: string; publicValue: string };
          const key = { keytype: r.keyType, keyval: { public: r.publicValue } };
          const p = parsePaths(paths);
          stageChanges(name, [
            { change: { kind: 'add-delegation', role: `targets/${signer}`, keys: [key], ...(p ? { paths: p } : {}) }, label: `Add signer ${signer} (key ${short(r.keyId)}${p ? `, paths ${p.join(', ')}` : ''})` },
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

// --- rotation ---

function Rotation({ name }: { name: string }) {
  const stage = (role: 'targets' | 'snapshot' | 'timestamp', serverManaged: boolean, label: string) => stageChanges(name, [{ change: { kind: 'rotate-key', role, ...(serverManaged ? { serverManaged: true } : {}) }, label }]);
  return (
    <section aria-labelledby="rotate-title" className="publish-section">
      <h2 id="rotate-title">Rotate keys</h2>
      <p className="muted">A new key replaces the old one in root (root version goes up). Root keys are rotated with the CLI: trustdesk key rotate REPO root.</p>
      <div className="actions">
        <button type="button" onClick={() => stage('targets', false, 'Rotate the targets (repository) key')}>
          Targets key
        </button>
        <button type="button" onClick={() => stage('snapshot', false, 'Rotate the snapshot key (kept on this machine)')}>
          Snapshot key (local)
        </button>
        <button type="button" onClick={() => stage('snapshot', true, 'Rotate the snapshot key (held by the trust server)')}>
          Snapshot key (server-managed)
        </button>
        <button type="button" onClick={() => stage('timestamp', true, 'Rotate the timestamp key (held by the trust server)')}>
          Timestamp key
        </button>
      </div>
    </section>
  );
}

// --- onboarding wizard ---

function qrDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function OnboardingWizard({ name, onKey }: { name: string; onKey: (k: { signer: string; pem: string }) => void }) {
  const [step, setStep] = useState<1 | 2 | 3>(1);
  const [signer, setSigner] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [pem, setPem] = useState('');
  const created = useAsync<{ keyId: string; publicKeyPath: string; publicKey: string; qrSvg: string }>();
  const status = useAsync<DelegateStatusView[]>();
  return (
    <section aria-labelledby="wizard-title" className="publish-section">
      <h2 id="wizard-title">Onboard a delegate</h2>
      <ol className="wizard-steps">
        <li aria-current={step === 1 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(1)}>
            1. On the delegate&apos;s machine: make a key
          </button>
        </li>
        <li aria-current={step === 2 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(2)}>
            2. On the admin&apos;s machine: add it
          </button>
        </li>
        <li aria-current={step === 3 ? 'step' : undefined}>
          <button type="button" className="link" onClick={() => setStep(3)}>
            3. Both: check the test signature
          </button>
        </li>
      </ol>
      <label className="field">
        Delegate name
        <input value={signer} onChange={(e) => setSigner(e.target.value)} pattern="[a-z0-9][a-z0-9_\-]*" />
      </label>
      {step === 1 && (
        <div>
          <label className="field">
            Passphrase for the new key (at least 8 characters)
            <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <button type="button" disabled={!signer || created.pending} onClick={() => void created.run(() => call('onboarding:create-key', { signer, ...(passphrase ? { passphrase } : {}) })).then(() => setPassphrase(''))}>
            Make the key
          </button>
          {created.error && <ErrorPanel error={created.error} />}
          {created.value && (
            <div className="wizard-key">
              <p>
                Key <span className="mono">{short(created.value.keyId)}</span> is in this machine&apos;s trust directory. Send only the public key below (also saved as <span className="mono">{created.value.publicKeyPath}</span>) to the admin.
              </p>
              <textarea readOnly value={created.value.publicKey} rows={6} className="mono" aria-label="Public key to send" />
              <img className="qr" src={qrDataUrl(created.value.qrSvg)} alt={`QR code of ${signer}'s public key`} width={220} height={220} />
            </div>
          )}
        </div>
      )}
      {step === 2 && (
        <div>
          <label className="field">
            The delegate&apos;s public key
            <textarea value={pem} onChange={(e) => setPem(e.target.value)} rows={5} className="mono" />
          </label>
          <button type="button" disabled={!signer || !pem} onClick={() => onKey({ signer, pem })}>
            Continue in Signers (choose paths, stage, publish)
          </button>
        </div>
      )}
      {step === 3 && (
        <div>
          <p className="muted">The delegate signs a test tag (Sign and revoke, on their machine); then both sides check here.</p>
          <button type="button" disabled={!signer || status.pending} onClick={() => void status.run(() => call('onboarding:status', { signer, repositories: [name], ...(pem || created.value ? { publicKey: pem || created.value!.publicKey } : {}) }))}>
            Check
          </button>
          {status.error && <ErrorPanel error={status.error} />}
          {status.value?.map((s) => (
            <div key={s.repository} role="status" className={`banner ${s.signer && s.hasKey !== false ? 'banner-ok' : 'banner-warn'}`}>
              {s.error
                ? `${s.repository}: ${s.error.message}`
                : !s.signer
                  ? `${signer} is not a signer of ${s.repository} yet.`
                  : `${signer} signs ${s.repository} (keys ${s.keyIds.map(short).join(', ')}${s.hasKey === false ? ', but not this key' : ''}; paths ${JSON.stringify(s.paths)}): ${s.signedTags.length ? s.signedTags.map((t) => `${t.tag} ${t.digest}`).join('; ') : 'no tags signed yet'}.`}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function InitPanel({ name }: { name: string }) {
  const qc = useQueryClient();
  const [serverSnapshot, setServerSnapshot] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const init = useAsync<{ newKeys: { keyId: string; role: string }[] }>();
  return (
    <section aria-labelledby="init-title" className="publish-section">
      <h2 id="init-title">Initialise trust data</h2>
      <p>This repository has no trust data yet. Initialising publishes root (with this machine&apos;s root key, or a new one), an empty targets role and the server&apos;s timestamp key.</p>
      <label>
        <input type="checkbox" checked={serverSnapshot} onChange={(e) => setServerSnapshot(e.target.checked)} /> The trust server signs snapshots (as docker does; needed for delegates to publish)
      </label>
      <label className="field">
        Passphrase for the root key and the new targets key
        <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={init.pending}
        onClick={async () => {
          const r = await init.run(() => call('publish:init', { name, snapshotServerManaged: serverSnapshot, ...(passphrase ? { passphrases: { unlock: passphrase, new: passphrase } } : {}) }));
          if (r) {
            setPassphrase('');
            void qc.invalidateQueries({ queryKey: keys.overview(name) });
            void qc.invalidateQueries({ queryKey: keys.summary(name) });
          }
        }}
      >
        {init.pending ? 'Initialising…' : 'Initialise'}
      </button>
      {init.error && <ErrorPanel error={init.error} />}
      {init.value && (
        <p role="status" className="banner banner-ok">
          Initialised.{init.value.newKeys.map((k) => ` New ${k.role} key ${short(k.keyId)}.`).join('')}
        </p>
      )}
    </section>
  );
}

export function PublishView({ overview }: { overview: RepositoryOverview }) {
  const name = overview.gun;
  const [sentKey, setSentKey] = useState<{ signer: string; pem: string } | undefined>();
  return (
    <div className="publish">
      <PendingPanel name={name} />
      {!overview.hasTrustData && <InitPanel name={name} />}
      <TagActions name={name} tags={overview.tags} />
      <SignerManagement key={sentKey ? `${sentKey.signer}-${sentKey.pem.length}` : 'signers'} name={name} overview={overview} {...(sentKey ? { initialKey: sentKey } : {})} />
      <Rotation name={name} />
      <OnboardingWizard name={name} onKey={setSentKey} />
    </div>
  );
}
