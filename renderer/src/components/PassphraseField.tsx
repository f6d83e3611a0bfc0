/** A passphrase input; for new passphrases, a strength meter (computed here, nothing sent while typing). */
import { useId } from 'react';
import { passphraseStrength, MIN_PASSPHRASE_LENGTH } from '../../../shared/passphrase';
import './components.css';

const WORDS = ['too short', 'weak', 'fair', 'good', 'strong'] as const;

export function PassphraseField({
  label,
  value,
  onChange,
  meter = false,
  autoFocus = false,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  meter?: boolean;
  autoFocus?: boolean;
}) {
  const id = useId();
  const s = passphraseStrength(value);
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={meter ? 'new-password' : 'current-password'}
        autoFocus={autoFocus}
      />
      {meter && (
        <div className="strength" aria-live="polite">
          <meter min={0} max={4} low={2} high={3} optimum={4} value={s.score} aria-label={`Strength of ${label.toLowerCase()}`} />
          <span>
            {value ? WORDS[s.score] : `at least ${MIN_PASSPHRASE_LENGTH} characters`}
            {value && s.hint !== 'good' ? ` · ${s.hint}` : ''}
          </span>
        </div>
      )}
    </div>
  );
}

export { passphraseStrength, MIN_PASSPHRASE_LENGTH };
