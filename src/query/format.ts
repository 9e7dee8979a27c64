// Pivot rows as text: a table, csv (RFC 4180 quoting) or json. formatPivotStream writes any number
// of rows in bounded memory: the table and csv take a first pass for the columns (and the widths).
import type { PivotRow, PivotRows } from './pivot-rows.js';

export type PivotFormat = 'table' | 'csv' | 'json';
export const PIVOT_FORMATS: readonly PivotFormat[] = ['table', 'csv', 'json'];

/** Output is handed on in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

const headerOf = (points: readonly string[]): string[] => ['wave_counter', 'ts', ...points];

function cellsOf(row: PivotRow, points: readonly string[]): string[] {
  return [
    String(row.wave_counter),
    row.ts.toISOString(),
    ...points.map((p) => (p in row.values ? (row.values[p] === null ? 'null' : String(row.values[p])) : '')),
  ];
}

const quote = (cell: string): string => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvLine = (cells: readonly string[]): string => `${cells.map(quote).join(',')}\n`;

const tableLine = (cells: readonly string[], widths: readonly number[]): string =>
  `${cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd()}\n`;

/** One element of the json array, indented as JSON.stringify(rows, null, 2) indents it. */
const jsonElement = (row: PivotRow): string =>
  JSON.stringify({ wave_counter: row.wave_counter, ts: row.ts.toISOString(), ...row.values }, null, 2).replace(
    /^/gm,
    '  ',
  );

/** Rows already in memory, as one string. */
export function formatPivotRows(result: PivotRows, format: PivotFormat): string {
  if (format === 'json') {
    return result.rows.length === 0 ? '[]\n' : `[\n${result.rows.map(jsonElement).join(',\n')}\n]\n`;
  }
  const lines = [headerOf(result.points), ...result.rows.map((row) => cellsOf(row, result.points))];
  if (format === 'csv') return lines.map(csvLine).join('');
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return lines.map((line) => tableLine(line, widths)).join('');
}

export interface StreamFormatOptions {
  /** Only these points, in this order; default the sorted union of the rows' points (a first pass). */
  points?: readonly string[];
  /** Told about a point that appeared between the passes (not in the header, so not printed). */
  onNotice?(message: string): void;
}

/**
 * The rows as text chunks. `pass()` must give the same rows each time it is called (a fixed
 * range): the table reads them twice (columns and widths, then the lines), csv twice unless the
 * points are given, json once.
 */
export async function* formatPivotStream(
  pass: () => AsyncIterable<PivotRow>,
  format: PivotFormat,
  options: StreamFormatOptions = {},
): AsyncGenerator<string> {
  if (format === 'json') {
    let first = true;
    let out = '';
    for await (const row of pass()) {
      out += `${first ? '[\n' : ',\n'}${jsonElement(row)}`;
      first = false;
      if (out.length >= CHUNK_CHARS) {
        yield out;
        out = '';
      }
    }
    yield `${out}${first ? '[]' : '\n]'}\n`;
    return;
  }
  let points = options.points;
  let widths: number[] | undefined;
  if (points === undefined || format === 'table') {
    const seen = new Set<string>(points);
    const measured = new Map<string, number>();
    let waveWidth = 'wave_counter'.length;
    for await (const row of pass()) {
      waveWidth = Math.max(waveWidth, String(row.wave_counter).length);
      for (const [point, value] of Object.entries(row.values)) {
        if (options.points === undefined) seen.add(point);
        const width = value === null ? 4 : String(value).length;
        if (width > (measured.get(point) ?? 0)) measured.set(point, width);
      }
    }
    points ??= [...seen].sort();
    // An ISO timestamp is 24 characters for years 0-9999.
    if (format === 'table') widths = [waveWidth, 24, ...points.map((p) => Math.max(p.length, measured.get(p) ?? 0))];
  }
  const columns = new Set(points);
  const noticed = new Set<string>();
  const line = (cells: readonly string[]): string => (widths ? tableLine(cells, widths) : csvLine(cells));
  let out = line(headerOf(points));
  for await (const row of pass()) {
    for (const point of Object.keys(row.values)) {
      if (columns.has(point) || noticed.has(point)) continue;
      noticed.add(point);
      options.onNotice?.(
        `point ${point} appeared in wave ${row.wave_counter} while the rows were read; it has no column: run the query again`,
      );
    }
    out += line(cellsOf(row, points));
    if (out.length >= CHUNK_CHARS) {
      yield out;
      out = '';
    }
  }
  yield out;
}
