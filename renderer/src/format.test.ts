import { describe, it, expect } from 'vitest';
import { formatSize, relativeTime, shortDigest } from './format';
import { levelOf } from './components/Expiry';
import { ERROR_TEXT, errorText } from './error-text';
import { ERROR_CODES } from '../../shared/errors';

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

  it('sizes, digests and expiry levels', () => {
    expect(formatSize(undefined)).toBe('—');
    expect(formatSize(423)).toBe('423 B');
    expect(formatSize(2048)).toBe('2.0 KiB');
    expect(shortDigest('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(levelOf(new Date(NOW - 1).toISOString(), 30, NOW)).toBe('expired');
    expect(levelOf(new Date(NOW + 10 * DAY).toISOString(), 30, NOW)).toBe('soon');
    expect(levelOf(new Date(NOW + 10 * DAY).toISOString(), 2, NOW)).toBe('ok');
  });

  it('every core error code has plain words and a next step', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_TEXT[code]?.title, code).toBeTruthy();
      expect(ERROR_TEXT[code]?.next, code).toBeTruthy();
    }
    expect(errorText('SOMETHING_NEW').title).toBe(ERROR_TEXT.INTERNAL.title);
  });
});
