/** Notary's default lifetimes (365-day years) and its "near expiry" rule for re-signing root. */
const DAY_MS = 24 * 3600 * 1000;

export const LIFETIME_DAYS = { root: 3650, targets: 1095, snapshot: 1095, delegation: 1095 } as const;
/** Notary re-signs root on publish when it expires within six months. */
export const NEAR_EXPIRY_DAYS = 180;

export function expiresIn(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS).toISOString();
}

export function nearExpiry(expires: Date, now: Date): boolean {
  return expires.getTime() - now.getTime() < NEAR_EXPIRY_DAYS * DAY_MS;
}
