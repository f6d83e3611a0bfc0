import { describe, it, expect } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('reads s, m, h and d', () => {
    expect(parseDuration('75s')).toBe(75_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(formatDuration(90 * 86_400_000)).toBe('90d');
    expect(formatDuration(75_000)).toBe('75s');
  });

  it('refuses anything else', () => {
    for (const bad of ['', '90', '1.5d', '-1d', '0s', '3w', 'd']) expect(() => parseDuration(bad, '--within')).toThrow(/--within|zero/);
  });
});
