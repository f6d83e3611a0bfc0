/** Durations as the CLI and the app write them: a whole number with `s`, `m`, `h` or `d` (`75s`, `90m`, `12h`, `90d`). */
import { TrustDeskError } from './errors.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration such as `90d`; INVALID_ARGUMENT for anything else. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!m) throw new TrustDeskError('INVALID_ARGUMENT', `${what} "${text}" is not a duration: a whole number with s, m, h or d (75s, 90m, 12h, 90d)`);
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw new TrustDeskError('INVALID_ARGUMENT', `${what} "${text}" must be more than zero`);
  return ms;
}

/** A duration in the largest unit that divides it (`7776000000` → `90d`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
