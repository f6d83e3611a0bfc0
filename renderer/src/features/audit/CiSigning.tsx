/** The CI signing set-up: a delegation key for a CI system, added as a signer, with ready CI snippets. */
import { PathField } from '../../components/PathField';
import { useState, type FormEvent } from 'react';
import { errorValue } from '../../api';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyId } from '../../components/KeyId';
import type { CiSetupResultView } from '../../../../shared/ipc/audit-contract';
import { useCiSetup } from './queries';

export function CiSigning() {
  const [signer, setSigner] = useState('ci');
  const [repos, setRepos] = useState('');
  const [paths, setPaths] = useState('');
  const [outDir, setOutDir] = useState('');
  const [unlock, setUnlock] = useState('');
  const [fresh, setFresh] = useState('');
  const setup = useCiSetup(
    () => ({
      signer: signer.trim(),
      repositories: repos.split(/[\s,]+/).filter(Boolean),
      ...(paths.trim() ? { paths: paths.split(/[\s,]+/).filter(Boolean) } : {}),
      outDir: outDir.trim(),
      passphrases: { ...(unlock ? { unlock } : {}), ...(fresh ? { new: fresh } : {}) },
    }),
    () => {
      setUnlock('');
      setFresh('');
    },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setup.mutate();
  };
  const r: CiSetupResultView | undefined = setup.data;
  return (
    <section aria-labelledby="ci-title" className="card ci-setup">
      <h2 id="ci-title">CI signing set-up</h2>
      <p className="muted small">
        Makes a delegation key for a CI system, adds it as a signer of the repositories, and writes the encrypted key and ready CI snippets to a
        directory you choose. The root key is never part of it.
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
        <PathField label="Write the bundle to (directory)" value={outDir} onChange={setOutDir} dialog={{ kind: 'folder' }} />
        <label>
          Passphrase of your repository key (if the environment does not provide it){' '}
          <input type="password" value={unlock} onChange={(e) => setUnlock(e.target.value)} />
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
            CI signer <strong>{r.name}</strong> (key <KeyId id={r.keyId} />) added to{' '}
            {r.repositories
              .filter((x) => x.added)
              .map((x) => x.repository)
              .join(', ') || 'no repository'}
            .
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
