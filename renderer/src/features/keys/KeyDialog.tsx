/**
 * The dialog of each change on the Keys view: it says exactly what will happen (paths, key IDs, who
 * loses the ability to sign), asks for the passphrases it needs, and on a wrong or too short
 * passphrase asks again (clearing what was wrong).
 */
import { PathField } from '../../components/PathField';
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorValue } from '../../api';
import { PassphraseField, passphraseStrength } from '../../components/PassphraseField';
import { errorText } from '../../error-text';
import { shortKeyId } from '../../format';
import { changePassphrase, exportKey, generateKey, importKeys, loadKey, removeKey, restoreKey, useKeyChange } from './queries';
import type { KeyInfoView, KeyListView, RemovedKeyView } from '../../../../shared/ipc/keys-contract';
import type { ErrorValueView } from '../../../../shared/view-model';
import '../../components/components.css';

export type KeyAction =
  | { kind: 'generate' }
  | { kind: 'load' }
  | { kind: 'import' }
  | { kind: 'export'; key: KeyInfoView }
  | { kind: 'passwd'; key: KeyInfoView }
  | { kind: 'remove'; key: KeyInfoView }
  | { kind: 'restore'; removed: RemovedKeyView };

const PASSPHRASE_CODES = new Set(['PASSPHRASE_WRONG', 'PASSPHRASE_TOO_SHORT', 'PASSPHRASE_REQUIRED']);

const roleText = (k: { role?: string; gun?: string }) => k.role ?? 'unknown role';
const usedByText = (k: KeyInfoView) => (k.usedBy.length ? k.usedBy.map((u) => `${u.gun} (${u.role})`).join(', ') : '');
const parentOf = (dir: string) => dir.replace(/[/\\][^/\\]+[/\\]?$/, '');
const keyName = (k: KeyInfoView) => `${shortKeyId(k.keyId)} (${roleText(k)}${k.gun ? `, ${k.gun}` : ''})`;

export function KeyDialog({
  action,
  list,
  onClose,
  onDone,
}: {
  action: KeyAction;
  list: KeyListView;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [name, setName] = useState('');
  const [file, setFile] = useState('');
  const [dir, setDir] = useState('');
  const [role, setRole] = useState('');
  const [gun, setGun] = useState('');
  const [unlock, setUnlock] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [publicOnly, setPublicOnly] = useState(false);
  const [forGood, setForGood] = useState(false);
  const [problem, setProblem] = useState<ErrorValueView | undefined>();
  const trust = list.trustDir;
  const pubDir = dir.trim() || `${parentOf(trust)}/trustdesk-public-keys`;

  const needsNew = action.kind === 'generate' || action.kind === 'passwd';
  const mismatch = needsNew && repeat !== next;
  const tooShort = needsNew && passphraseStrength(next).tooShort;

  const run = useKeyChange({
    run: async (): Promise<string> => {
      const passphrases = { ...(unlock ? { unlock } : {}), ...(next ? { new: next } : {}) };
      switch (action.kind) {
        case 'generate': {
          const r = await generateKey({ name: name.trim(), ...(dir.trim() ? { dir: dir.trim() } : {}), passphrases });
          return `Key ${shortKeyId(r.keyId)} (${r.role}) generated in ${r.path}; public key written to ${r.publicKeyPath}.`;
        }
        case 'load': {
          const r = await loadKey({ file: file.trim(), ...(name.trim() ? { name: name.trim() } : {}), passphrases });
          return `Key ${shortKeyId(r.keyId)} loaded as ${r.role} into ${r.path}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`;
        }
        case 'import': {
          const r = await importKeys({
            file: file.trim(),
            ...(role.trim() ? { role: role.trim() } : {}),
            ...(gun.trim() ? { gun: gun.trim() } : {}),
            passphrases,
          });
          return `Imported ${r.length} key${r.length === 1 ? '' : 's'}: ${r.map((k) => `${shortKeyId(k.keyId)} (${k.role})`).join(', ')}.`;
        }
        case 'export': {
          const r = await exportKey({ keyId: action.key.keyId, outFile: file.trim(), public: publicOnly, passphrases });
          return `${publicOnly ? 'Public key' : 'Key (still encrypted)'} ${shortKeyId(r.keyId)} written to ${r.path}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`;
        }
        case 'passwd': {
          const r = await changePassphrase({ keyId: action.key.keyId, passphrases });
          return `The passphrase of key ${shortKeyId(r.keyId)} (${r.role}) was changed.`;
        }
        case 'remove': {
          const r = await removeKey({ keyId: action.key.keyId, confirm: forGood });
          return r.state === 'moved'
            ? `Key ${shortKeyId(r.keyId)} moved to ${r.movedTo}. Restore it from Removed keys below.`
            : `Key ${shortKeyId(r.keyId)} deleted for good (${r.deleted.length} file${r.deleted.length === 1 ? '' : 's'}).`;
        }
        case 'restore': {
          const r = await restoreKey({ keyId: action.removed.keyId });
          return `Key ${shortKeyId(r.keyId)} restored to ${r.path}.`;
        }
      }
    },
    onDone,
    onError: (err) => {
      const e = errorValue(err);
      setProblem(e);
      // the dialog asks again: clear what was wrong
      if (e.code === 'PASSPHRASE_WRONG') setUnlock('');
      if (e.code === 'PASSPHRASE_TOO_SHORT') {
        setNext('');
        setRepeat('');
      }
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || tooShort) return;
    setProblem(undefined);
    run.mutate();
  };

  let title: string;
  let what: ReactNode;
  let fields: ReactNode = null;
  let confirmLabel: string;
  let danger = false;
  switch (action.kind) {
    case 'generate':
      title = 'Generate a signer key';
      confirmLabel = 'Generate the key';
      what = (
        <p>
          Creates a new ECDSA P-256 key named <strong>{name.trim() || 'NAME'}</strong> in <code>{trust}/private/</code>, encrypted with the passphrase
          below, and writes its public key to{' '}
          <code>
            {pubDir}/{name.trim() || 'NAME'}.pub
          </code>{' '}
          (as <code>docker trust key generate</code> does). Nothing is published: send the public key to a repository admin to become a signer.
        </p>
      );
      fields = (
        <>
          <label htmlFor="key-name">Key name</label>
          <input id="key-name" type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="alice" spellCheck={false} autoFocus />
          <PathField
            id="key-dir"
            label="Folder for the public key (optional)"
            value={dir}
            onChange={setDir}
            dialog={{ kind: 'folder' }}
            placeholder={pubDir}
          />
        </>
      );
      break;
    case 'load':
      title = 'Load a signer key (docker trust key load)';
      confirmLabel = 'Load the key';
      what = (
        <p>
          Reads the private key in <code>{file.trim() || 'FILE'}</code>, opens it with its passphrase (if it is encrypted) and stores it as signer key{' '}
          <strong>{name.trim() || 'signer'}</strong> in <code>{trust}/private/</code>, in notary’s encrypted format (an unencrypted key is encrypted
          with the new passphrase). The file itself is left as it is.
        </p>
      );
      fields = (
        <>
          <KeyFileField file={file} setFile={setFile} placeholder="/path/to/key.pem" />
          <label htmlFor="key-name">Signer name</label>
          <input id="key-name" type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="signer" spellCheck={false} />
        </>
      );
      break;
    case 'import':
      title = 'Import keys (notary key import)';
      confirmLabel = 'Import';
      what = (
        <p>
          Imports every private key in <code>{file.trim() || 'FILE'}</code> into <code>{trust}/private/</code>, all or none, with the role{' '}
          {role.trim() ? <strong>{role.trim()}</strong> : 'of each key’s role: header'}
          {gun.trim() ? (
            <>
              {' '}
              for <strong>{gun.trim()}</strong>
            </>
          ) : null}
          . A key already there is refused. The file itself is left as it is.
        </p>
      );
      fields = (
        <>
          <KeyFileField file={file} setFile={setFile} placeholder="/path/to/keys.pem" />
          <label htmlFor="key-role">Role (optional: root, targets, snapshot, targets/NAME)</label>
          <input id="key-role" type="text" value={role} onChange={(e) => setRole(e.target.value)} spellCheck={false} />
          <label htmlFor="key-gun">Repository, for targets and snapshot keys</label>
          <input id="key-gun" type="text" value={gun} onChange={(e) => setGun(e.target.value)} spellCheck={false} />
        </>
      );
      break;
    case 'export':
      title = `Export key ${shortKeyId(action.key.keyId)}`;
      confirmLabel = 'Write the file';
      what = publicOnly ? (
        <p>
          Opens key <code>{keyName(action.key)}</code> with its passphrase and writes its <strong>public</strong> key to the new file{' '}
          <code>{file.trim() || 'FILE'}</code>.
        </p>
      ) : (
        <p>
          Writes key <code>{keyName(action.key)}</code>, <strong>still encrypted with its passphrase</strong>, to the new file{' '}
          <code>{file.trim() || 'FILE'}</code> (mode 0600; an existing file is never overwritten), in the form <code>notary key import</code> and{' '}
          <code>docker trust key load</code> read. Whoever has that file and the passphrase can sign as {roleText(action.key)}.
        </p>
      );
      fields = (
        <>
          <PathField
            id="key-out"
            label="Write to (a new file)"
            value={file}
            onChange={setFile}
            dialog={{ kind: 'save', defaultName: `${shortKeyId(action.key.keyId)}${publicOnly ? '.pub' : '.key'}` }}
            placeholder={`/path/to/${shortKeyId(action.key.keyId)}.key`}
            autoFocus
          />
          <label>
            <input type="checkbox" checked={publicOnly} onChange={(e) => setPublicOnly(e.target.checked)} /> Only the public key
          </label>
        </>
      );
      break;
    case 'passwd':
      title = `Change the passphrase of key ${shortKeyId(action.key.keyId)}`;
      confirmLabel = 'Change the passphrase';
      what = (
        <p>
          Opens key <code>{keyName(action.key)}</code> with its current passphrase and re-encrypts it in place (<code>{action.key.path}</code>) with
          the new one. From then on docker and notary need the new passphrase for it; copies exported earlier keep the old one.
        </p>
      );
      break;
    case 'remove':
      title = `Remove key ${shortKeyId(action.key.keyId)}`;
      confirmLabel = forGood ? 'Delete it for good' : 'Remove the key';
      danger = true;
      what = forGood ? (
        <p>
          Deletes <code>{action.key.path}</code> and every removed copy of key {shortKeyId(action.key.keyId)} <strong>for good</strong>. This cannot
          be undone.
          {usedByText(action.key) && <> Signing as {usedByText(action.key)} from this machine will no longer be possible with it.</>}
        </p>
      ) : (
        <p>
          Moves <code>{action.key.path}</code> to <code>{trust}/removed-keys/</code>. docker and notary no longer see it
          {usedByText(action.key) ? <>: signing as {usedByText(action.key)} from this machine fails until you restore it</> : null}. You can restore
          it from “Removed keys” below.
        </p>
      );
      fields = (
        <label>
          <input type="checkbox" checked={forGood} onChange={(e) => setForGood(e.target.checked)} /> Delete it for good instead (cannot be undone)
        </label>
      );
      break;
    case 'restore':
      title = `Restore key ${shortKeyId(action.removed.keyId)}`;
      confirmLabel = 'Restore the key';
      what = (
        <p>
          Moves <code>{action.removed.path}</code> back to <code>{action.removed.originalPath}</code> (never over a key that is there again). docker
          and notary see it again.
        </p>
      );
      break;
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="key-dialog-title"
        aria-describedby="key-dialog-what"
        onSubmit={submit}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2 id="key-dialog-title">{title}</h2>
        <div id="key-dialog-what" className={`what${danger ? ' danger' : ''}`}>
          {what}
        </div>
        {fields}
        {(action.kind === 'load' || action.kind === 'import' || action.kind === 'passwd' || (action.kind === 'export' && publicOnly)) && (
          <PassphraseField label={action.kind === 'passwd' ? 'Current passphrase' : 'Passphrase of the key'} value={unlock} onChange={setUnlock} />
        )}
        {(needsNew || action.kind === 'load' || action.kind === 'import') && (
          <PassphraseField
            label={needsNew ? 'New passphrase' : 'New passphrase (only for a key file that is not encrypted)'}
            value={next}
            onChange={setNext}
            meter
          />
        )}
        {needsNew && <PassphraseField label="Repeat the new passphrase" value={repeat} onChange={setRepeat} />}
        {needsNew && next && repeat && mismatch && <p className="warn">The two new passphrases differ.</p>}
        {problem && (
          <div className="error-panel" role="alert">
            <strong>{errorText(problem.code).title}.</strong> {PASSPHRASE_CODES.has(problem.code) ? 'Type it again.' : errorText(problem.code).next}
            <div className="muted">{problem.message}</div>
          </div>
        )}
        <div className="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'danger' : undefined} disabled={run.isPending || (needsNew && (mismatch || tooShort))}>
            {run.isPending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The key file field of the load and import dialogs (a path typed or pasted; the file is only read). */
function KeyFileField({ file, setFile, placeholder }: { file: string; setFile: (v: string) => void; placeholder: string }) {
  return (
    <PathField
      id="key-file"
      label="Key file"
      value={file}
      onChange={setFile}
      dialog={{ kind: 'file', filters: [{ name: 'Keys (PEM)', extensions: ['pem', 'key'] }] }}
      placeholder={placeholder}
      autoFocus
    />
  );
}
