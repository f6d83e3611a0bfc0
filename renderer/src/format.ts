/** Display formatting: dates, times, relative times, sizes, short digests and key IDs. */
const DAY = 86_400_000;

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

export function relativeTime(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  if (Math.abs(ms) < 3_600_000) return ms >= 0 ? 'within the hour' : 'just now';
  if (Math.abs(ms) < DAY) {
    const h = Math.round(Math.abs(ms) / 3_600_000);
    return ms >= 0 ? `in ${h} h` : `${h} h ago`;
  }
  const days = Math.round(Math.abs(ms) / DAY);
  const span =
    days >= 730
      ? `${Math.round(days / 365)} years`
      : days >= 60
        ? `${Math.round(days / 30)} months`
        : days === 1
          ? '1 day'
          : days === 0
            ? 'less than a day'
            : `${days} days`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/**
 * A whole number with thousands separators, as toLocaleString('en') prints it, without ICU: the first
 * toLocaleString in a page loads its number formats (~90 ms here), on the 10,000-tag view's first paint.
 */
export function formatCount(n: number): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function shortDigest(digest: string | undefined): string {
  if (!digest) return '—';
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** A time to the minute, in UTC: what "as of" means in the offline inspector. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The first 12 hex characters of a key ID: the short form docker and notary print. */
export function shortKeyId(id: string): string {
  return id.slice(0, 12);
}
