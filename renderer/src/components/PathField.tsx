/**
 * A file or folder path: the path in a text field (editable: type or paste one) and a "Choose…"
 * button that asks the system's open, save or folder dialog through `dialog:open` / `dialog:save`.
 * The button's accessible name is "Choose <label>". A cancelled dialog leaves the field as it was.
 * With `multiple`, the field is a text area with one path per line. With `folderToo`, a second button
 * ("Folder…", named "Choose <label>: Folder") asks for a folder where either a file or a folder fits.
 */
import { useId, useState } from 'react';
import { call, errorValue } from '../api';
import type { DialogFilter } from '../../../shared/ipc/dialog-contract';
import './components.css';

export type PathDialog =
  /** Open existing file(s): `multiple` lets the user pick several (then the field holds one per line). */
  | { kind: 'file'; filters?: DialogFilter[] }
  /** Choose an existing folder (or make one in the dialog). */
  | { kind: 'folder' }
  /** Where to write a new file. */
  | { kind: 'save'; defaultName?: string; filters?: DialogFilter[] };

export function PathField({
  label,
  value,
  onChange,
  dialog,
  title,
  multiple = false,
  placeholder,
  id: givenId,
  className = 'path-field',
  disabled = false,
  folderToo = false,
  autoFocus = false,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  dialog: PathDialog;
  /** The dialog's title; default: the label. */
  title?: string;
  multiple?: boolean;
  placeholder?: string;
  id?: string;
  /** The wrapper's class (a view's own field class, e.g. `cer-field`); `path-field` is always added. */
  className?: string;
  disabled?: boolean;
  /** Also offer a folder dialog (a path that may be a file or a folder, e.g. a trust dir or an archive). */
  folderToo?: boolean;
  autoFocus?: boolean;
}) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string>();

  const choose = async (asked: PathDialog = dialog) => {
    setAsking(true);
    setProblem(undefined);
    try {
      const t = title ?? label;
      if (asked.kind === 'save') {
        const r = await call('dialog:save', {
          title: t,
          ...(asked.defaultName ? { defaultName: asked.defaultName } : {}),
          ...(asked.filters ? { filters: asked.filters } : {}),
        });
        if (r.path) onChange(r.path);
      } else {
        const r = await call('dialog:open', {
          title: t,
          kind: asked.kind,
          ...(multiple && asked.kind === 'file' ? { multiple: true } : {}),
          ...(asked.kind === 'file' && asked.filters ? { filters: asked.filters } : {}),
        });
        if (r.paths.length > 0) onChange(multiple ? r.paths.join('\n') : r.paths[0]!);
      }
    } catch (err) {
      setProblem(errorValue(err).message);
    } finally {
      setAsking(false);
    }
  };

  const common = {
    id,
    value,
    placeholder,
    disabled,
    autoFocus,
    spellCheck: false,
    autoComplete: 'off',
    className: 'path-input',
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  return (
    <div className={className === 'path-field' ? className : `path-field ${className}`}>
      <label htmlFor={id}>{label}</label>
      <div className="path-row">
        {multiple ? <textarea rows={3} {...common} /> : <input type="text" {...common} />}
        <button type="button" className="path-choose" onClick={() => void choose()} disabled={disabled || asking}>
          Choose<span className="visually-hidden"> {label}</span>
          <span aria-hidden="true">…</span>
        </button>
        {folderToo && (
          <button type="button" className="path-choose" onClick={() => void choose({ kind: 'folder' })} disabled={disabled || asking}>
            <span className="visually-hidden">Choose {label}: </span>Folder
            <span aria-hidden="true">…</span>
          </button>
        )}
      </div>
      {problem && (
        <span className="path-problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
