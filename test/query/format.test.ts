// The streamed formats: the same text as the in-memory formatter, the passes each format needs,
// and a point that appears between the passes.
import { describe, expect, it } from 'vitest';
import { formatPivotRows, formatPivotStream, type PivotFormat } from '../../src/query/format.js';
import { collectRows, type PivotRow } from '../../src/query/pivot-rows.js';

const rows: PivotRow[] = [
  { wave_counter: 100, ts: new Date(100_000), values: { '007': 1.5, $cost: null, 'AHU-1': 3 } },
  { wave_counter: 400, ts: new Date(400_000), values: { '007': 2, 'a,b': -12.25 } },
  { wave_counter: 700, ts: new Date(700_000), values: {} },
];

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

/** Rows as a cursor would give them: one at a time, asynchronously. */
async function* fromArray(source: readonly PivotRow[]): AsyncGenerator<PivotRow> {
  for (const row of source) yield await Promise.resolve(row);
}

function counted(source: PivotRow[]): { pass: () => AsyncGenerator<PivotRow>; passes: () => number } {
  let passes = 0;
  return {
    pass: () => {
      passes += 1;
      return fromArray(source);
    },
    passes: () => passes,
  };
}

describe('formatPivotStream', () => {
  for (const [format, passes] of [
    ['table', 2],
    ['csv', 2],
    ['json', 1],
  ] as [PivotFormat, number][]) {
    it(`${format}: the in-memory text, in ${passes} pass(es)`, async () => {
      const source = counted(rows);
      const streamed = await text(formatPivotStream(source.pass, format));
      expect(streamed).toBe(formatPivotRows(collectRows('c', rows), format));
      expect(source.passes()).toBe(passes);
    });
  }

  it('csv with the points given reads the rows once; the table still twice', async () => {
    const csv = counted(rows);
    expect(await text(formatPivotStream(csv.pass, 'csv', { points: ['AHU-1', '007'] }))).toBe(
      'wave_counter,ts,AHU-1,007\n100,1970-01-01T00:01:40.000Z,3,1.5\n400,1970-01-01T00:06:40.000Z,,2\n700,1970-01-01T00:11:40.000Z,,\n',
    );
    expect(csv.passes()).toBe(1);
    const table = counted(rows);
    await text(formatPivotStream(table.pass, 'table', { points: ['007'] }));
    expect(table.passes()).toBe(2);
  });

  it('no rows: a header, or an empty json array', async () => {
    const none = () => fromArray([]);
    expect(await text(formatPivotStream(none, 'json'))).toBe('[]\n');
    expect(await text(formatPivotStream(none, 'csv'))).toBe('wave_counter,ts\n');
    expect(await text(formatPivotStream(none, 'table'))).toBe('wave_counter  ts\n');
  });

  it('says so when a point appears between the two passes, once', async () => {
    let passes = 0;
    const late: PivotRow[] = [
      { wave_counter: 800, ts: new Date(800_000), values: { late: 1 } },
      { wave_counter: 900, ts: new Date(900_000), values: { late: 2 } },
    ];
    const pass = () => {
      passes += 1;
      return fromArray(passes === 2 ? [...rows, ...late] : rows);
    };
    const notices: string[] = [];
    const out = await text(formatPivotStream(pass, 'csv', { onNotice: (m) => notices.push(m) }));
    expect(notices).toEqual([
      'point late appeared in wave 800 while the rows were read; it has no column: run the query again',
    ]);
    expect(out.split('\n')[0]).toBe('wave_counter,ts,$cost,007,AHU-1,"a,b"');
  });

  it('hands the text on in bounded chunks', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      wave_counter: i,
      ts: new Date(i * 1000),
      values: { a: i / 3, b: i * 7 },
    }));
    let longest = 0;
    for await (const chunk of formatPivotStream(() => fromArray(many), 'json'))
      longest = Math.max(longest, chunk.length);
    expect(longest).toBeLessThan(80 * 1024);
  });
});
