// Capped exponential backoff.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/sync/backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, and starts over after reset', () => {
    const backoff = new Backoff(1, 10, () => 0.5);
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([1, 2, 4, 8, 10]);
    expect(backoff.failures).toBe(5);
    backoff.reset();
    expect(backoff.next()).toBe(1);
  });
  it('keeps jitter within ±20 % and under the cap', () => {
    expect(new Backoff(10, 100, () => 0).next()).toBeCloseTo(8);
    expect(new Backoff(10, 100, () => 1).next()).toBeCloseTo(12);
    expect(new Backoff(10, 10, () => 1).next()).toBe(10);
  });
});
