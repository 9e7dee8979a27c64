// Pure pivot of measure rows into one document and one fingerprint per wave.
import { describe, expect, it } from 'vitest';
import { pivotRows } from '../../src/sync/pivot.js';
import { encodePointId } from '../../src/sync/point-ids.js';
import type { MeasureRow } from '../../src/sync/types.js';

describe('pivotRows', () => {
  const rows: MeasureRow[] = [
    [100, '001', 1.5],
    [200, '001', 2],
    [100, 'a.b', null],
    [100, '002', 0],
  ];

  it('makes one document per wave with _id, wave_counter, ts and encoded point fields', () => {
    const result = pivotRows(rows, encodePointId);
    expect([...result.keys()].sort()).toEqual([100, 200]);
    expect(result.get(100)?.doc).toEqual({
      _id: 100,
      wave_counter: 100,
      ts: new Date(100_000),
      '001': 1.5,
      '~a%2Eb': null,
      '002': 0,
    });
    expect(result.get(200)?.doc).toEqual({ _id: 200, wave_counter: 200, ts: new Date(200_000), '001': 2 });
  });

  it('gives the same fingerprint whatever the row order, and another one when a value changes', () => {
    const a = pivotRows(rows, encodePointId).get(100)?.fingerprint;
    const b = pivotRows([...rows].reverse(), encodePointId).get(100)?.fingerprint;
    const c = pivotRows(
      [
        [100, '001', 1.5],
        [100, 'a.b', null],
        [100, '002', 0.1],
      ],
      encodePointId,
    ).get(100)?.fingerprint;
    const d = pivotRows(
      [
        [100, '001', 1.5],
        [100, 'a.b', 0],
        [100, '002', 0],
      ],
      encodePointId,
    ).get(100)?.fingerprint;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });
});
