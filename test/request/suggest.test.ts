// closestKey: the "did you mean" suggestion for unknown request keys.
import { describe, it, expect } from 'vitest';
import { closestKey } from '../../src/request/suggest.js';
import { REQUEST_KEYS } from '../../src/request/schema.js';

describe('closestKey', () => {
  it.each([
    ['sleeptime', 'sleep_time'],
    ['sleep-time', 'sleep_time'],
    ['Sleep_Time', 'sleep_time'],
    ['databse', 'database'],
    ['measure', 'measures'],
    ['servers', 'server'],
    ['monitory_names_kept', 'monitory_name_kept'],
    ['wave_counter_treshold', 'wave_counter_threshold'],
    ['delete_old_values', 'delete_old_value'],
  ])('suggests %j for %j', (key, expected) => {
    expect(closestKey(key, REQUEST_KEYS)).toBe(expected);
  });

  it('suggests nothing for a key unlike any known one', () => {
    expect(closestKey('colour', REQUEST_KEYS)).toBeUndefined();
    expect(closestKey('x', REQUEST_KEYS)).toBeUndefined();
  });

  it('suggests nothing when no keys are known', () => {
    expect(closestKey('server', [])).toBeUndefined();
  });

  it('allows more typos in longer keys', () => {
    // 3 edits: too many for "server" (6 letters, at most 2), fine for "wave_counter_threshold" (22 letters, at most 7).
    expect(closestKey('srvr_x', ['server'])).toBeUndefined();
    expect(closestKey('wave_cuonter_threshld', ['wave_counter_threshold'])).toBe('wave_counter_threshold');
    expect(closestKey('wave', ['wave_counter_threshold'])).toBeUndefined();
  });
});
