// The steady benchmark's printed table: one line per figure, candidate beside baseline and their
// ratio, then the targets with PASS/MISS.
import type { SideFigures, SteadyFigures } from './steady-report.ts';

const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const fixed = (digits: number) => (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

type Row = [string, (side: SideFigures) => number | null, (value: number) => string, boolean];

const ROWS: Row[] = [
  ['backfill until both packages are in MongoDB (s)', (s) => s.backfill_s, fixed(1), false],
  ['rows inserted in the window', (s) => s.rows_inserted_in_window, int, false],
  ['rows inserted by the building per hour', (s) => s.building_rows_per_hour, int, false],
  ['MySQL rows read per hour (USER_STATISTICS)', (s) => s.per_hour.rows_read, int, true],
  ['  of them TL_measures (TABLE_STATISTICS)', (s) => s.per_hour.measures_rows_read, int, true],
  ['MySQL rows sent per hour', (s) => s.per_hour.rows_sent, int, true],
  ['rows read per row inserted', (s) => s.per_row_inserted.rows_read, fixed(1), true],
  ['rows sent per row inserted', (s) => s.per_row_inserted.rows_sent, fixed(1), true],
  ['bytes sent per hour (MB)', (s) => s.per_hour.bytes_sent / 1e6, fixed(1), true],
  ['SELECT statements per hour', (s) => s.per_hour.selects, int, true],
  ['sync cycles per hour (its log)', (s) => s.cycles_per_hour, int, false],
  ['SELECTs per cycle', (s) => s.selects_per_cycle, fixed(2), true],
  ['waves read per hour, new and re-read (its log)', (s) => s.work_per_hour.waves, int, false],
  ['measure rows read per hour (its log)', (s) => s.work_per_hour.rows, int, false],
  ['waves digest-checked per hour (its log)', (s) => s.work_per_hour.checked, int, false],
  ['  of them differed: re-read or removed', (s) => s.work_per_hour.differed, int, false],
  ['MySQL BUSY_TIME per hour (s)', (s) => s.per_hour.busy_time_s, fixed(2), true],
  ['MySQL CPU_TIME per hour (s)', (s) => s.per_hour.cpu_time_s, fixed(2), true],
  // What a row read costs the server: a digest's row (index lookup, double to text, CRC32) against
  // a row the baseline reads and sends. The BUSY_TIME ratio is the rows-read ratio times this one's.
  [
    'MySQL BUSY_TIME per row read (µs)',
    (s) => (s.per_hour.rows_read > 0 ? (s.per_hour.busy_time_s * 1e6) / s.per_hour.rows_read : null),
    fixed(2),
    true,
  ],
  ['worker CPU in the window (s)', (s) => s.worker.cpu_s, fixed(2), true],
  ['worker CPU per hour (s)', (s) => s.worker.cpu_s_per_hour, fixed(1), true],
  ['worker RSS at the end (MB)', (s) => s.worker.rss_mb_end, fixed(1), false],
  ['worker RSS peak in the window (MB)', (s) => s.worker.rss_mb_peak_window, fixed(1), false],
  ['worker VmHWM since start, backfill included (MB)', (s) => s.worker.vmhwm_mb, fixed(1), false],
  ['latency new wave → document, median (ms)', (s) => s.latency.median_ms, int, false],
  ['latency new wave → document, p95 (ms)', (s) => s.latency.p95_ms, int, false],
  ['exit code after SIGTERM', (s) => s.sigterm_exit_code, String, false],
];

export function renderSteady(f: SteadyFigures): string {
  const s = f.setup;
  const lines: string[] = [
    `db-proxy steady benchmark: ${s.building}`,
    `time factor ${s.time_factor}${s.time_factor === 1 ? ' (real time)' : ` (waves ${s.time_factor}× as often as the realistic building, over the whole retention)`}; window ${s.window_minutes} min; MongoDB: ${s.mongo}`,
    `candidate: ${f.candidate.product}${s.change_column ? ' with source.measure_change_column = id' : ''}` +
      `${Object.keys(s.candidate_defaults).length > 0 ? `, defaults.json ${JSON.stringify(s.candidate_defaults)}` : ''}; baseline: ${f.baseline.product}`,
    `${f.candidate.latency.waves} live waves per side; per hour = window figure × 3600 ÷ ${f.candidate.window_s} s; per row inserted = per hour ÷ the building's rows per hour`,
    '',
  ];
  const table: string[][] = [['figure', 'candidate', 'baseline', 'baseline ÷ candidate']];
  for (const [name, get, show, compare] of ROWS) {
    const c = get(f.candidate);
    const b = get(f.baseline);
    const cell = (v: number | null): string => (v === null || Number.isNaN(v) ? '–' : show(v));
    const ratio = compare && c !== null && b !== null && c > 0 ? `${fixed(1)(b / c)}×` : '';
    table.push([name, cell(c), cell(b), ratio]);
  }
  lines.push(...align(table, [false, true, true, true]));
  lines.push(
    '',
    `expected rows read per row inserted by the age schedule: ${s.expected_reads_per_row} (${s.expected_from}); ` +
      `measured for the candidate: ${f.candidate.per_row_inserted.rows_read}`,
    `latency samples (ms): candidate ${f.candidate.latency.samples_ms.join(', ')}; baseline ${f.baseline.latency.samples_ms.join(', ')}`,
    '',
  );
  const targets = f.targets.map((t) => [
    t.name,
    `${t.value}${t.unit && t.unit !== '×' ? ` ${t.unit}` : t.unit}`,
    t.name.includes('÷')
      ? `≥ ${t.limit}×`
      : t.name.includes('exit code')
        ? `= ${t.limit}`
        : `≤ ${t.limit}${t.unit && t.unit !== '×' ? ` ${t.unit}` : ''}`,
    t.pass ? 'PASS' : 'MISS',
  ]);
  lines.push(...align([['target (candidate)', 'value', 'goal', ''], ...targets], [false, true, false, false]));
  lines.push(
    '',
    f.all_pass
      ? 'all targets PASS'
      : `MISS: ${f.targets
          .filter((t) => !t.pass)
          .map((t) => t.name)
          .join('; ')}`,
  );
  return lines.join('\n');
}

function align(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
