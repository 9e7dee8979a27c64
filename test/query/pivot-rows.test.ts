// Choosing a project's collection and turning pivot documents back into rows (pure parts of query).
import { describe, expect, it } from 'vitest';
import { formatPivotRows } from '../../src/query/format.js';
import { chooseCollection, toPivotRows } from '../../src/query/pivot-rows.js';

const names = [
  'TOR;TL_measures;Extraction_1;300',
  'TOR;TL_measures;Extraction_2;900',
  'TOR;TL_measures;Extraction_2;60',
  'OTHER;TL_measures;Extraction_1;300',
  'db_proxy_checkpoints',
];

describe('chooseCollection', () => {
  it('finds the only collection of a monitory name', () => {
    expect(chooseCollection(names, { database: 'TOR', monitory: 'Extraction_1' })).toBe(
      'TOR;TL_measures;Extraction_1;300',
    );
  });

  it('asks for the interval when there are several', () => {
    expect(() => chooseCollection(names, { database: 'TOR', monitory: 'Extraction_2' })).toThrow(
      'several collections match, choose one: --monitory Extraction_2 --interval 900 --measures TL_measures; --monitory Extraction_2 --interval 60 --measures TL_measures',
    );
    expect(chooseCollection(names, { database: 'TOR', monitory: 'Extraction_2', interval: 60 })).toBe(
      'TOR;TL_measures;Extraction_2;60',
    );
  });

  it('lists what exists when nothing matches', () => {
    expect(() => chooseCollection(names, { database: 'TOR', monitory: 'Nope' })).toThrow(
      /no collection of TOR matches; there are: --monitory Extraction_1/,
    );
    expect(() => chooseCollection(names, { database: 'NONE', monitory: 'x' })).toThrow(
      /^no pivot collections for the project NONE$/,
    );
    expect(() => chooseCollection(names, { database: 'OTHR', monitory: 'x' })).toThrow(
      /^no pivot collections for the project OTHR \(did you mean OTHER\?\)$/,
    );
  });
});

describe('toPivotRows and formatPivotRows', () => {
  const result = toPivotRows('TOR;TL_measures;Extraction_1;300', [
    { _id: 100, wave_counter: 100, ts: new Date(100_000), '007': 1.5, '~%24cost': null, 'AHU-1': 3 },
    { _id: 400, wave_counter: 400, ts: new Date(400_000), '007': 2 },
  ]);

  it('decodes point ids and keeps NULL apart from a missing point', () => {
    expect(result.points).toEqual(['$cost', '007', 'AHU-1']);
    expect(result.rows[0]!.values).toEqual({ '007': 1.5, $cost: null, 'AHU-1': 3 });
    expect(result.rows[1]!.values).toEqual({ '007': 2 });
  });

  it('formats as csv, json and a table', () => {
    expect(formatPivotRows(result, 'csv')).toBe(
      'wave_counter,ts,$cost,007,AHU-1\n100,1970-01-01T00:01:40.000Z,null,1.5,3\n400,1970-01-01T00:06:40.000Z,,2,\n',
    );
    expect(JSON.parse(formatPivotRows(result, 'json'))).toEqual([
      { wave_counter: 100, ts: '1970-01-01T00:01:40.000Z', '007': 1.5, $cost: null, 'AHU-1': 3 },
      { wave_counter: 400, ts: '1970-01-01T00:06:40.000Z', '007': 2 },
    ]);
    expect(formatPivotRows(result, 'table').split('\n')[0]).toMatch(/^wave_counter +ts +\$cost +007 +AHU-1$/);
  });
});
