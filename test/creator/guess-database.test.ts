// guessDatabase: which project a request that failed validation was meant for, if it says safely.
import { describe, expect, it } from 'vitest';
import { guessDatabase } from '../../src/creator/apply.js';

describe('guessDatabase', () => {
  it('names the database of a request that is JSON, also after a byte-order mark', () => {
    expect(guessDatabase('{"database": "TOR-BGO-150KingW", "sleep_time": "x"}')).toBe('TOR-BGO-150KingW');
    expect(guessDatabase('\uFEFF{"database": "TOR-BGO-150KingW"}')).toBe('TOR-BGO-150KingW');
  });

  it('names none for text that is not JSON, a missing database, or one that is not a safe name', () => {
    expect(guessDatabase('{"database": "x",')).toBeNull();
    expect(guessDatabase('{"sleep_time": 5}')).toBeNull();
    expect(guessDatabase('{"database": "../etc"}')).toBeNull();
    expect(guessDatabase('[]')).toBeNull();
  });
});
