import { describe, it, expect } from 'vitest';
import { limitConcurrency } from './concurrency.js';

describe('limitConcurrency', () => {
  it('never runs more than max tasks at once, and runs them all', async () => {
    const limit = limitConcurrency(3);
    let now = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          now++;
          peak = Math.max(peak, now);
          await new Promise((r) => setTimeout(r, 2));
          now--;
          if (i === 5) throw new Error('five');
          return i;
        }).catch((e: Error) => e.message),
      ),
    );
    expect(peak).toBe(3);
    expect(results[5]).toBe('five');
    expect(results[19]).toBe(19);
  });
});
