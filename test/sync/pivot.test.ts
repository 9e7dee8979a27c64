// Pure pivot of measure rows into one document and one digest per wave.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pivotRows } from '../../src/sync/pivot.js';
import { encodePointId } from '../../src/sync/point-ids.js';
import type { MeasureRow } from '../../src/sync/types.js';

describe('pivotRows', () => {
  const rows: MeasureRow[] = [
    [100, '001', 1.5, 11],
    [200, '001', 2, 7],
    [100, 'a.b', null, 22],
    [100, '002', 0, 33],
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

  it('records the digest MySQL computes for the same rows: their count and the sum of their CRCs', () => {
    const result = pivotRows(rows, encodePointId);
    expect(result.get(100)?.digest).toBe('3:66');
    expect(result.get(200)?.digest).toBe('1:7');
    expect(pivotRows([...rows].reverse(), encodePointId).get(100)?.digest).toBe('3:66');
  });

  it('sums CRCs exactly beyond 32 bits', () => {
    const big = crc32('x') + crc32('y');
    const result = pivotRows(
      [
        [1, 'x', 1, crc32('x')],
        [1, 'y', 2, crc32('y')],
      ],
      encodePointId,
    );
    expect(result.get(1)?.digest).toBe(`2:${big}`);
  });
});
