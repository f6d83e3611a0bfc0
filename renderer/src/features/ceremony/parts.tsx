/** The building blocks of the ceremony wizards: a numbered step, a text field, a list of checks. */
import type { ReactNode } from 'react';

export function Step({ n, title, done, children }: { n: number; title: string; done?: boolean; children: ReactNode }) {
  return (
    <section className={`cer-step${done ? ' cer-done' : ''}`} aria-label={`Step ${n}: ${title}`}>
      <h3>
        <span className="cer-n">{done ? '✓' : n}</span> {title}
      </h3>
      {children}
    </section>
  );
}

export function Field({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
}) {
  return (
    <label className="cer-field">
      {label}
      <input value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
    </label>
  );
}

export function Checks({ items }: { items: { ok: boolean; label: string; detail?: string }[] }) {
  return (
    <ul className="cer-checks">
      {items.map((c, i) => (
        <li key={i} className={c.ok ? 'cer-ok' : 'cer-fail'}>
          <strong>{c.ok ? 'OK' : 'FAIL'}</strong> {c.label}
          {c.detail && <span className="cer-detail"> — {c.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
