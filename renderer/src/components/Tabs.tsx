/**
 * A tab list and its one panel (WAI-ARIA tabs): arrow keys, Home and End move between tabs, only the
 * selected tab is in the tab order; the panel is labelled by its tab.
 */
import type { KeyboardEvent, ReactNode } from 'react';

export function Tabs<T extends string>({
  tabs,
  labels,
  selected,
  onSelect,
  label,
  className = 'tabs',
  panelClassName,
  children,
}: {
  tabs: readonly T[];
  labels: Record<T, string>;
  selected: T;
  onSelect: (t: T) => void;
  label: string;
  className?: string;
  panelClassName?: string;
  children: ReactNode;
}) {
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.indexOf(selected);
    const n = tabs.length;
    const next =
      e.key === 'ArrowRight'
        ? tabs[(i + 1) % n]
        : e.key === 'ArrowLeft'
          ? tabs[(i + n - 1) % n]
          : e.key === 'Home'
            ? tabs[0]
            : e.key === 'End'
              ? tabs[n - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    onSelect(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  };
  return (
    <>
      <div role="tablist" aria-label={label} className={className} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={t === selected}
            aria-controls={`panel-${t}`}
            tabIndex={t === selected ? 0 : -1}
            onClick={() => onSelect(t)}
          >
            {labels[t]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`} className={panelClassName}>
        {children}
      </div>
    </>
  );
}
