/**
 * The PIN dialog (issue 15): main asks for a token PIN or SO PIN when a token operation needs one
 * (window.trustdesk.onSecretRequest); this modal says which token (label, serial), which key and why,
 * what the token says about the tries left, and answers through `secret:answer` once. The PIN lives
 * in this component's state only until it is sent, then is cleared; nothing shows it back.
 * A native <dialog> opened with showModal(): the rest of the window is inert, focus stays inside,
 * Escape cancels.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { SecretRequestView } from '../../../../shared/ipc/secrets-contract';
import { KeyId } from '../../components/KeyId';
import './secrets.css';

/** The token's PIN state in plain words. */
function stateText(r: SecretRequestView): { text: string; level: 'info' | 'warning' | 'danger' } | undefined {
  const what = r.kind === 'so-pin' ? (r.managementKey ? 'management key' : 'SO PIN') : 'PIN';
  switch (r.state) {
    case 'count-low':
      return { level: 'warning', text: `A wrong ${what} was entered before: the token allows only a few more tries.` };
    case 'final-try':
      return { level: 'danger', text: `Final try: one more wrong ${what} locks this token.` };
    case 'locked':
      return {
        level: 'danger',
        text: `This token's ${what} is locked after too many wrong tries. Nothing will be signed. ${r.kind === 'so-pin' ? 'Reset the token with its vendor tool.' : 'Unlock the PIN with the SO PIN (or the vendor tool, e.g. ykman piv access unblock-pin), then try again.'}`,
      };
    default:
      return undefined;
  }
}

function Question({ request, onAnswer }: { request: SecretRequestView; onAnswer: (pin: string | undefined) => void }) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  const [pin, setPin] = useState('');
  const locked = request.state === 'locked';
  const what = request.kind === 'so-pin' ? (request.managementKey ? 'Management key' : 'SO PIN') : 'PIN';
  const state = stateText(request);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // showModal focuses the first focusable element (a key ID); the PIN field (or Close when locked) is where to start
    first.current?.focus();
    return () => d?.close();
  }, []);

  const answer = (value: string | undefined) => {
    setPin('');
    onAnswer(value);
  };

  return (
    <dialog
      ref={ref}
      className="dialog pin-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      onCancel={(e) => {
        e.preventDefault();
        answer(undefined);
      }}
      onKeyDown={(e) => {
        // Tab cycles within the dialog (the browser would otherwise move focus out to its own UI)
        if (e.key !== 'Tab' || !ref.current) return;
        const items = [...ref.current.querySelectorAll<HTMLElement>('input, button, select, [tabindex="0"]')].filter(
          (el) => !(el as HTMLButtonElement).disabled,
        );
        const first = items[0];
        const last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last?.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first?.focus();
        }
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!locked && pin) answer(pin);
        }}
      >
        <h2 id={`${id}-title`}>
          {what} for token “{request.device.label}”
        </h2>
        <div id={`${id}-what`} className="what">
          <p>
            TrustDesk needs the {request.managementKey ? 'management key' : what} to {request.reason}.
          </p>
          <dl className="pin-facts">
            <dt>Token</dt>
            <dd>
              {request.device.label}
              {request.device.serial ? ` · serial ${request.device.serial}` : ''}
            </dd>
            {request.keyId && (
              <>
                <dt>Key</dt>
                <dd>
                  <KeyId id={request.keyId} />
                </dd>
              </>
            )}
            {request.device.module && (
              <>
                <dt>Module</dt>
                <dd>
                  <code>{request.device.module}</code>
                </dd>
              </>
            )}
          </dl>
        </div>
        {state && (
          <p className={`pin-state pin-${state.level}`} role={state.level === 'info' ? undefined : 'alert'}>
            {state.text}
          </p>
        )}
        {!locked && (
          <>
            <label htmlFor={`${id}-pin`}>{what}</label>
            <input
              ref={first}
              id={`${id}-pin`}
              type="password"
              value={pin}
              onChange={(e) => setPin(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              {...(request.maxLength ? { maxLength: request.maxLength } : {})}
              aria-describedby={`${id}-hint`}
            />
            <p id={`${id}-hint`} className="pin-hint">
              {request.managementKey
                ? 'The YubiKey PIV management key: 48 hexadecimal digits (ykman piv access change-management-key sets it).'
                : `Typed on this computer and sent once to the token; TrustDesk does not keep it.${request.minLength ? ` At least ${request.minLength} characters.` : ''}`}
            </p>
          </>
        )}
        <div className="buttons">
          <button type="button" className="quiet" onClick={() => answer(undefined)} {...(locked ? { ref: first } : {})}>
            {locked ? 'Close' : 'Cancel'}
          </button>
          {!locked && (
            <button type="submit" disabled={!pin}>
              Unlock the token
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}

/** Listens for main's PIN questions and shows them one at a time. Mounted once, at the app's root. */
export function PinDialogHost() {
  const [queue, setQueue] = useState<SecretRequestView[]>([]);
  useEffect(() => window.trustdesk?.onSecretRequest((r) => setQueue((q) => [...q, r])), []);
  const current = queue[0];
  if (!current) return null;
  const onAnswer = (pin: string | undefined) => {
    setQueue((q) => q.slice(1));
    void window.trustdesk?.invoke('secret:answer', pin ? { id: current.id, pin } : { id: current.id });
  };
  return <Question key={current.id} request={current} onAnswer={onAnswer} />;
}
