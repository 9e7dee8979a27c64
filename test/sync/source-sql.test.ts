// The padding of range lists to a few statement sizes, so each size is prepared once per connection.
import { describe, expect, it } from 'vitest';
import { RANGES_PER_QUERY, pad, rangeParams, rangeSlots } from '../../src/sync/source-sql.js';

describe('rangeSlots', () => {
  it('picks the smallest statement size that holds the ranges', () => {
    expect([1, 4, 5, 16, 17, 128].map(rangeSlots)).toEqual([4, 4, 16, 16, 128, 128]);
    expect(rangeSlots(RANGES_PER_QUERY)).toBe(RANGES_PER_QUERY);
  });
});

describe('rangeParams', () => {
  it('pads with the last range, which an OR list ignores', () => {
    expect(
      rangeParams(
        [
          [1, 2],
          [5, 9],
        ],
        4,
      ),
    ).toEqual([1, 2, 5, 9, 5, 9, 5, 9]);
    expect(pad([3], 3)).toEqual([3, 3, 3]);
  });
});
