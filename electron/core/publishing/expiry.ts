/** Notary's default lifetimes (365-day years) and its "near expiry" rule for re-signing root. */
const DAY_MS = 24 * 3600 * 1000;

export const LIFETIME_DAYS = { root: 3650, targets: 1095, snapshot: 1095, delegation: 1095 } as const;
/** Notary re-signs root on publish when it expires within six months. */
export const NEAR_EXPIRY_DAYS = 180;

/**
 * An expiry in Go's RFC 3339 form (time.RFC3339Nano: trailing zeros of the fraction dropped,
 * no fraction when it is zero). notary-server re-marshals parsed metadata canonically when it
 * records hashes, so `.630Z` (JS) would hash differently from `.63Z` (Go) and the file would
 * not be found by its checksum.
 */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

export function expiresIn(now: Date, days: number): string {
  return goTime(new Date(now.getTime() + days * DAY_MS));
}

export function nearExpiry(expires: Date, now: Date): boolean {
  return expires.getTime() - now.getTime() < NEAR_EXPIRY_DAYS * DAY_MS;
}
