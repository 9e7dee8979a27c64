// The loop's pause: new waves are read sleep_time apart, whatever the checks and retention after
// them took.
import { describe, expect, it } from 'vitest';
import { pauseAfter } from '../../src/sync/loop.js';

describe('the pause after a cycle', () => {
  it('is sleep_time less what the cycle spent after its new waves', () => {
    expect(pauseAfter(5, { afterNewWavesMs: 0 })).toBe(5);
    expect(pauseAfter(5, { afterNewWavesMs: 2_000 })).toBe(3);
    expect(pauseAfter(0.5, { afterNewWavesMs: 125 })).toBe(0.375);
  });

  it('is none when the housekeeping took longer than sleep_time', () => {
    expect(pauseAfter(5, { afterNewWavesMs: 7_000 })).toBe(0);
  });
});
