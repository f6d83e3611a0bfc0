import { describe, it, expect } from 'vitest';
import { formatCount, formatSize, formatTime, relativeTime, shortDigest, shortKeyId } from './format';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

describe('renderer formatting', () => {
  it('relative times read naturally', () => {
    expect(relativeTime(new Date(NOW + 14 * DAY).toISOString(), NOW)).toBe('in 14 days');
    expect(relativeTime(new Date(NOW - 3 * DAY).toISOString(), NOW)).toBe('3 days ago');
    expect(relativeTime(new Date(NOW + 3650 * DAY).toISOString(), NOW)).toBe('in 10 years');
    expect(relativeTime(new Date(NOW - 1000).toISOString(), NOW)).toBe('just now');
    expect(relativeTime(new Date(NOW + 5 * 3_600_000).toISOString(), NOW)).toBe('in 5 h');
  });

  it('counts read as toLocaleString("en") prints them', () => {
    for (const n of [0, 7, 999, 1000, 9999, 10_000, 104, 123_456, 1_000_000, 98_765_432_1, -1234])
      expect(formatCount(n)).toBe(n.toLocaleString('en'));
  });

  it('sizes and digests', () => {
    expect(formatSize(undefined)).toBe('—');
    expect(formatSize(423)).toBe('423 B');
    expect(formatSize(2048)).toBe('2.0 KiB');
    expect(shortDigest('sha256:0123456789abcdef')).toBe('0123456789ab');
  });

  it('short key IDs and times to the minute', () => {
    expect(shortKeyId('0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortKeyId('abc')).toBe('abc');
    expect(formatTime('2026-12-01T10:20:30Z')).toBe('2026-12-01 10:20 UTC');
    expect(formatTime('not a time')).toBe('not a time');
  });
});
