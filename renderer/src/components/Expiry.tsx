import { formatDate, relativeTime } from '../format';

export type ExpiryLevel = 'ok' | 'soon' | 'expired';

export function levelOf(iso: string, warnDays = 30, now = Date.now()): ExpiryLevel {
  const left = new Date(iso).getTime() - now;
  if (left <= 0) return 'expired';
  return left <= warnDays * 86_400_000 ? 'soon' : 'ok';
}

const LEVEL_LABEL: Record<ExpiryLevel, string> = { ok: 'valid', soon: 'expires soon', expired: 'expired' };

export function ExpiryText({ iso, level }: { iso: string; level: ExpiryLevel }) {
  return (
    <span className={`expiry expiry-${level}`} title={iso}>
      {formatDate(iso)} ({relativeTime(iso)}){level !== 'ok' && <strong> — {LEVEL_LABEL[level]}</strong>}
    </span>
  );
}
