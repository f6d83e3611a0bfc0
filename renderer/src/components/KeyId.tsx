/**
 * A key ID in its short form (first 12 hex characters, then … when there is more), the full ID in its
 * title and shown while it has focus, and a button that copies the full ID.
 */
import { useState } from 'react';
import { shortKeyId } from '../format';
import './components.css';

export function KeyId({ id }: { id: string }) {
  const [focused, setFocused] = useState(false);
  const [copied, setCopied] = useState(false);
  const short = shortKeyId(id);
  const copy = () => {
    void navigator.clipboard?.writeText(id).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <span className="key-id-short">
      <code className="mono" title={id} tabIndex={0} onFocus={() => setFocused(true)} onBlur={() => (setFocused(false), setCopied(false))}>
        {focused || short === id ? id : `${short}…`}
      </code>
      <button type="button" className="copy-key-id" aria-label="Copy key ID" title={copied ? 'Copied' : `Copy ${id}`} onClick={copy} />
    </span>
  );
}

/** Several key IDs: "a…, b…", or with a sign each ("+a… +b…"). */
export function KeyIds({ ids, sign }: { ids: readonly string[]; sign?: string }) {
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && (sign ? ' ' : ', ')}
          {sign}
          <KeyId id={id} />
        </span>
      ))}
    </>
  );
}
