// The reversible point id → field name rule.
import { describe, expect, it } from 'vitest';
import { decodePointId, encodePointId, isSafeFieldName } from '../../src/sync/point-ids.js';

describe('encodePointId', () => {
  it('keeps safe ids as they are, leading zeros included', () => {
    for (const id of ['00042', 'AHU-1:temp', 'a%b', 'x$', 'wave_counter2']) expect(encodePointId(id)).toBe(id);
  });

  it('encodes unsafe ids with a "~" prefix', () => {
    expect(encodePointId('a.b')).toBe('~a%2Eb');
    expect(encodePointId('$x')).toBe('~%24x');
    expect(encodePointId('_id')).toBe('~_id');
    expect(encodePointId('wave_counter')).toBe('~wave_counter');
    expect(encodePointId('ts')).toBe('~ts');
    expect(encodePointId('~a%b')).toBe('~~a%25b');
    expect(encodePointId('')).toBe('~');
  });

  it('round-trips every id and never produces an unsafe field name', () => {
    const ids = ['a.b.c', '$', '_', '~', '~~', '%2E', 'a\0b', 'ts', '_id', '.', '..', '0.5', 'é.ü', 'x%25.y'];
    for (const id of ids) {
      const field = encodePointId(id);
      expect(decodePointId(field)).toBe(id);
      expect(field.includes('.') || field.startsWith('$') || field.startsWith('_') || field.includes('\0')).toBe(false);
      expect(['wave_counter', 'ts', '_id']).not.toContain(field);
    }
  });

  it('never maps two ids to one field', () => {
    const ids = ['a.b', 'a%2Eb', '~a.b', '~a%2Eb', 'ts', '~ts', '_x', '~_x'];
    expect(new Set(ids.map(encodePointId)).size).toBe(ids.length);
  });

  it('knows which names are safe', () => {
    expect(isSafeFieldName('T1')).toBe(true);
    expect(isSafeFieldName('_T1')).toBe(false);
  });
});
