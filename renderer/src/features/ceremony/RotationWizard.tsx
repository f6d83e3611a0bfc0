/**
 * Root rotation, two ways:
 *  - to a new root key file, the old root key signing on the offline machine: pre-flight and the
 *    request bundle; the signed bundle simulated, published and re-verified (`root rotate`, `bundle import`);
 *  - to a new root key made on a hardware token, the old root key (file or token) signing here and
 *    now (`key rotate REPO root --to-token`). Each token's PIN is asked in the PIN dialog.
 */
import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PassphraseField } from '../../components/PassphraseField';
import { KeyId } from '../../components/KeyId';
import { PathField } from '../../components/PathField';
import { useAction } from '../../components/useAction';
import type { Response } from '../../../../shared/ipc/contract';
import { useTokenDoctor } from '../hardware/queries';
import { NewKeys } from '../publish/NewKeys';
import { generateRootKeyFile, importSignedBundle, rotateRootOntoDevice, writeRotationRequest } from './queries';
import { Step, Field, Checks } from './parts';

type Device = { module: string; label: string; serial: string };
const deviceKey = (d: Device) => `${d.module}|${d.label}|${d.serial}`;

/** The new root on a hardware token: pick the token from the Hardware keys list; published at once. */
function OntoDevice() {
  const id = useId();
  const doctor = useTokenDoctor();
  const devices: Device[] = (doctor.data?.modules ?? []).flatMap((m) => m.devices.map((d) => ({ module: m.path, label: d.label, serial: d.serial })));
  const [repo, setRepo] = useState('');
  const [device, setDevice] = useState('');
  const [pass, setPass] = useState('');
  const act = useAction<Response<'publish:rotate-root'>>();
  const chosen = devices.find((d) => deviceKey(d) === device) ?? devices[0];
  return (
    <Step n={1} title="Rotate onto a new root key made on a hardware token" done={!!act.result?.published}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!chosen) return;
          const p = pass;
          setPass('');
          void act.run(() =>
            rotateRootOntoDevice({
              name: repo.trim(),
              toDevice: { label: chosen.label, module: chosen.module, ...(chosen.serial ? { serial: chosen.serial } : {}) },
              ...(p ? { passphrases: { unlock: p } } : {}),
            }),
          );
        }}
      >
        <Field label="Repository" value={repo} onChange={setRepo} />
        <label className="cer-field" htmlFor={`${id}-device`}>
          New root key on the token
        </label>
        <select id={`${id}-device`} value={chosen ? deviceKey(chosen) : ''} onChange={(e) => setDevice(e.target.value)}>
          {devices.length === 0 && <option value="">{doctor.isPending ? 'Looking for tokens…' : 'No token found (see Hardware keys)'}</option>}
          {devices.map((d) => (
            <option key={deviceKey(d)} value={deviceKey(d)}>
              {d.label}
              {d.serial ? ` · serial ${d.serial}` : ''}
            </option>
          ))}
        </select>
        <PassphraseField label="Old root key passphrase (if it is a key file)" value={pass} onChange={setPass} />
        <p className="cer-note">
          The root key recorded on the token becomes the new root (a new key is made there if it holds none); the new root is signed by the old root
          key of this machine and by the token, then published, so clients that trust the old root accept it. Each token asks for its PIN in the PIN
          dialog.
        </p>
        <button type="submit" disabled={act.pending || !repo.trim() || !chosen}>
          {act.pending ? 'Rotating…' : 'Rotate the root onto the token'}
        </button>
      </form>
      {act.error && <ErrorPanel error={act.error} />}
      {act.result && (
        <p className={act.result.published ? 'cer-good' : 'cer-warn'} role="status">
          {act.result.published ? `Published: the root of ${act.result.gun} is now on ${chosen?.label ?? 'the token'}.` : 'Nothing was published.'}
          <NewKeys keys={act.result.newKeys} />
        </p>
      )}
    </Step>
  );
}

/** A new root key file for the rotation, made here with the passphrase typed in the step. */
function GenerateKeyFile({ onKey }: { onKey: (keyId: string) => void }) {
  const [pass, setPass] = useState('');
  const gen = useAction<Response<'ceremony:generate'>>();
  return (
    <div className="cer-sub" role="group" aria-label="New root key file">
      <PassphraseField label="Passphrase for a new root key file" value={pass} onChange={setPass} meter />
      <button
        type="button"
        disabled={gen.pending || !pass}
        onClick={() => {
          const p = pass;
          setPass('');
          void gen.run(() => generateRootKeyFile({ passphrases: { new: p } })).then((r) => r && onKey(r.keyId));
        }}
      >
        {gen.pending ? 'Generating…' : 'Generate a new root key file'}
      </button>
      {gen.error && <ErrorPanel error={gen.error} />}
      {gen.result && (
        <p role="status">
          New root key <KeyId id={gen.result.keyId} /> (encrypted, in this trust dir). Back it up and run the drill before the rotation.
        </p>
      )}
    </div>
  );
}

export function RotationWizard() {
  const [toDevice, setToDevice] = useState(false);
  return (
    <div className="cer-wizard">
      <fieldset className="cer-choice">
        <legend>The new root key</legend>
        <label className="cer-inline">
          <input type="radio" name="rotation-kind" checked={!toDevice} onChange={() => setToDevice(false)} /> A root key file; the old root key signs
          on the offline machine (signing request)
        </label>
        <label className="cer-inline">
          <input type="radio" name="rotation-kind" checked={toDevice} onChange={() => setToDevice(true)} /> A new root key on a hardware token; the
          old root key signs on this machine now
        </label>
      </fieldset>
      {toDevice ? <OntoDevice /> : <ByBundle />}
    </div>
  );
}

function ByBundle() {
  const [repo, setRepo] = useState('');
  const [newKey, setNewKey] = useState('');
  const [out, setOut] = useState('');
  const [signed, setSigned] = useState('');
  const [newPass, setNewPass] = useState('');
  const [noBackup, setNoBackup] = useState(false);
  const req = useAction<Response<'ceremony:rotate-request'>>();
  const sim = useAction<Response<'ceremony:bundle-import'>>();
  const pub = useAction<Response<'ceremony:bundle-import'>>();
  return (
    <>
      <Step n={1} title="Pre-flight and the signing request" done={!!req.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p = newPass;
            setNewPass('');
            void req.run(() =>
              writeRotationRequest({
                repository: repo.trim(),
                newKeyId: newKey.trim(),
                outFile: out.trim(),
                ...(noBackup ? { allowNoBackup: true } : {}),
                ...(p ? { passphrases: { unlock: p } } : {}),
              }),
            );
          }}
        >
          <Field label="Repository" value={repo} onChange={setRepo} />
          <Field label="New root key ID (backed up, drill passed)" value={newKey} onChange={setNewKey} />
          <GenerateKeyFile onKey={setNewKey} />
          <PathField
            className="cer-field"
            label="Write the request bundle to"
            value={out}
            onChange={setOut}
            dialog={{ kind: 'save', defaultName: 'request.json', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/request.json"
          />
          <PassphraseField label="New root key passphrase" value={newPass} onChange={setNewPass} />
          <label className="cer-inline">
            <input type="checkbox" checked={noBackup} onChange={(e) => setNoBackup(e.target.checked)} /> The new key has no drill-passed backup yet:
            write the request anyway (the checks and the ceremony log say so)
          </label>
          <button type="submit" disabled={req.pending || !repo || !newKey || !out}>
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
              Request <code>{req.result.bundleId.slice(0, 12)}</code> written to <code>{req.result.outFile}</code>: take it to the offline machine and
              compare the hash of root.json there: sha256 <code className="cer-hash">{req.result.sha256}</code>
            </p>
          </div>
        )}
      </Step>
      <Step n={2} title="Simulate the signed root as a fresh client and as old clients" done={!!sim.result}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void sim.run(() => importSignedBundle({ file: signed.trim(), publish: false }));
          }}
        >
          <PathField
            className="cer-field"
            label="Signed bundle"
            value={signed}
            onChange={setSigned}
            dialog={{ kind: 'file', filters: [{ name: 'Signing bundle', extensions: ['json'] }] }}
            placeholder="/media/usb/signed.json"
          />
          <button type="submit" disabled={sim.pending || !signed}>
            Verify and simulate
          </button>
        </form>
        {sim.error && <ErrorPanel error={sim.error} />}
        {sim.result && <Checks items={sim.result.simulations.map((s) => ({ ok: s.ok, label: s.client, detail: s.detail }))} />}
      </Step>
      <Step n={3} title="Publish, re-verify, write the rollback plan" done={!!pub.result?.published}>
        <button
          type="button"
          disabled={pub.pending || !sim.result}
          onClick={() => void pub.run(() => importSignedBundle({ file: signed.trim(), publish: true }))}
        >
          Publish root version {sim.result?.toVersion ?? ''}
        </button>
        {pub.error && <ErrorPanel error={pub.error} />}
        {pub.result?.published && (
          <p className="cer-good">
            Published and verified from the server: root version {pub.result.toVersion}, new root key{' '}
            {pub.result.newRootKeyIds[0] ? <KeyId id={pub.result.newRootKeyIds[0]} /> : null}. Rollback plan: <code>{pub.result.rollbackPlan}</code>
          </p>
        )}
      </Step>
      <p className="cer-note">
        Old root key lost or stolen? <code>trustdesk root rotate REPO --compromised --new-key ID</code> says plainly what every client will see
        (clients that cached the old root refuse the new one) and simulates it; see docs/ceremony.md.
      </p>
    </>
  );
}
