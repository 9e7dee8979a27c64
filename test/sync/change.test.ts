// Pure bookkeeping of the change cursor: marks, the settled range, and the waves it touched.
import { describe, expect, it } from 'vitest';
import { MAX_MARKS, advance, compareChange, observe, settledRange, touchedWaves } from '../../src/sync/change.js';
import { emptyState } from '../../src/sync/checkpoint.js';
import type { ChangeState } from '../../src/sync/types.js';

const fresh = (): ChangeState => ({ cursor: null, marks: [] });

describe('compareChange', () => {
  it('orders ids, ids beyond 2^53 as digit strings, and time strings', () => {
    expect(compareChange(9, 10)).toBeLessThan(0);
    expect(compareChange('99999999999999999', '100000000000000000')).toBeLessThan(0);
    expect(compareChange('2026-12-01 10:00:00', '2026-12-01 09:59:59.5')).toBeGreaterThan(0);
    expect(compareChange(7, 7)).toBe(0);
  });
});

describe('the change cursor', () => {
  it('starts at the first maximum seen (the backfill reads those waves whole), then marks growth only', () => {
    const state = fresh();
    expect(observe(state, 100, null)).toBe(false);
    expect(observe(state, 100, 50)).toBe(true);
    expect(state).toEqual({ cursor: 50, marks: [] });
    expect(observe(state, 105, 50)).toBe(false);
    expect(observe(state, 110, 70)).toBe(true);
    expect(observe(state, 115, 70)).toBe(false);
    expect(observe(state, 120, 90)).toBe(true);
    expect(state.marks).toEqual([
      { at: 110, max: 70 },
      { at: 120, max: 90 },
    ]);
  });

  it('settles a mark only once it is the look-back old, and passes only the marks it settled', () => {
    const state: ChangeState = { cursor: 50, marks: [] };
    observe(state, 110, 70);
    observe(state, 120, 90);
    expect(settledRange(state, 169, 60)).toBeUndefined();
    expect(settledRange(state, 170, 60)).toEqual({ after: 50, upTo: 70 });
    expect(settledRange(state, 185, 60)).toEqual({ after: 50, upTo: 90 });
    advance(state, 70);
    expect(state).toEqual({ cursor: 70, marks: [{ at: 120, max: 90 }] });
  });

  it('bounds its marks by settling later, never earlier', () => {
    const state: ChangeState = { cursor: 0, marks: [] };
    for (let k = 1; k <= MAX_MARKS + 10; k++) observe(state, k, k);
    expect(state.marks).toHaveLength(MAX_MARKS);
    for (const mark of state.marks) expect(mark.at).toBe(mark.max);
    expect(state.marks[state.marks.length - 1]).toEqual({ at: MAX_MARKS + 10, max: MAX_MARKS + 10 });
  });
});

describe('touchedWaves', () => {
  const state = emptyState({ collection: 'c', monitory: 'm', interval: 300 });
  state.digests = { '1000': '5:123', '2000': '5:456' };

  it('names waves whose settled rows differ from their documents, and skips those written from exactly them', () => {
    const digests = new Map([
      [1000, '5:123'], // a new wave, read whole: nothing to do
      [2000, '1:99'], // a late row for an old wave
      [3000, '5:1'], // rows of a wave without document (yet)
      [10, '1:1'], // below the lower bound: retention's
    ]);
    expect(touchedWaves(digests, [state], 500)).toEqual([
      [2000, 2000],
      [3000, 3000],
    ]);
  });
});
