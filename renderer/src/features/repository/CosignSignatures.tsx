/**
 * The cosign side of the tags table: a public key file to check with (remembered on this machine),
 * its status line, and the per-tag badge DCT / cosign / both / neither (with which key).
 */
import { PathField } from '../../components/PathField';
import { useState } from 'react';
import { errorValue } from '../../api';
import { shortKeyId } from '../../format';
import type { useCosignTags } from './queries';
import type { CosignTagsView } from '../../../../shared/ipc/cosign-contract';

const STORAGE = 'trustdesk.cosignKeyFile';

export function useCosignKeyFile(): [string, (v: string) => void] {
  const [v, set] = useState(() => {
    try {
      return window.localStorage.getItem(STORAGE) ?? '';
    } catch {
      return '';
    }
  });
  return [
    v,
    (next) => {
      set(next);
      try {
        window.localStorage.setItem(STORAGE, next);
      } catch {
        /* storage unavailable: kept for this view only */
      }
    },
  ];
}

export function CosignKeyControl({ value, onChange, status }: { value: string; onChange: (v: string) => void; status: string }) {
  const [draft, setDraft] = useState(value);
  return (
    <form
      className="cosign-key"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft.trim());
      }}
    >
      <PathField
        id="cosign-key-file"
        className="cosign-key-path"
        label="cosign public key"
        value={draft}
        onChange={setDraft}
        dialog={{ kind: 'file', filters: [{ name: 'cosign public key', extensions: ['pub', 'pem'] }] }}
        placeholder="/path/to/cosign.pub"
      />
      <button type="submit">Check</button>
      <span className="muted" role="status" aria-live="polite">
        {status}
      </span>
    </form>
  );
}

export function cosignStatus(q: ReturnType<typeof useCosignTags>, keyFile: string): string {
  if (!keyFile) return 'no cosign key chosen';
  if (q.isFetching) return 'reading cosign signatures…';
  if (q.isError) {
    const e = errorValue(q.error);
    return `${e.code}: ${e.message}`;
  }
  if (q.data) return `key ${shortKeyId(q.data.keyId)}, ${q.data.tags.filter((t) => t.state === 'valid').length} tag(s) signed`;
  return '';
}

/** Tags cosign writes next to images (signatures, referrers fallback index, attestations, SBOMs). */
const COSIGN_TAG = /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/;

export function SignaturesBadge({ tag, dct, cosign, keyId }: { tag: string; dct: boolean; cosign?: CosignTagsView['tags'][number]; keyId?: string }) {
  if (COSIGN_TAG.test(tag))
    return (
      <span className="sig-badge sig-none" title="a tag cosign writes next to the image it signs, not an image">
        cosign data
      </span>
    );
  const c = cosign?.state === 'valid';
  const key = keyId ? ` · ${keyId.slice(0, 6)}` : '';
  const title = cosign ? `cosign: ${cosign.detail}${keyId ? ` with key ${shortKeyId(keyId)}` : ''}` : 'cosign: not checked (choose a public key)';
  if (dct && c)
    return (
      <span className="sig-badge sig-both" title={title}>
        DCT + cosign{key}
      </span>
    );
  if (c)
    return (
      <span className="sig-badge sig-cosign" title={title}>
        cosign{key}
      </span>
    );
  if (cosign?.state === 'invalid')
    return (
      <span className="sig-badge sig-invalid" title={title}>
        {dct ? 'DCT; cosign invalid' : 'cosign invalid'}
      </span>
    );
  if (dct)
    return (
      <span className="sig-badge sig-dct" title={title}>
        DCT
      </span>
    );
  return (
    <span className="sig-badge sig-none" title={title}>
      neither
    </span>
  );
}
