import { describe, it, expect } from 'vitest';
import { levelOf } from './Expiry';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

describe('expiry levels', () => {
  it('expired, soon within the warning days, ok after', () => {
    expect(levelOf(new Date(NOW - 1).toISOString(), 30, NOW)).toBe('expired');
    expect(levelOf(new Date(NOW + 10 * DAY).toISOString(), 30, NOW)).toBe('soon');
    expect(levelOf(new Date(NOW + 10 * DAY).toISOString(), 2, NOW)).toBe('ok');
  });
});
