// The steady benchmark's figures: per hour and per row inserted for each side, the ratios between
// candidate and baseline, the targets with PASS/MISS, and the printed table.
import { BUILDING } from './building.ts';
import type { Expectation } from './expected.ts';
import { percentile } from './latency.ts';
import { round, type Target } from './report.ts';
import type { CycleWork } from './steady-side.ts';
import type { Counters } from './userstat.ts';

export interface SideMeasurement {
  name: 'candidate' | 'baseline';
  product: string;
  windowS: number;
  backfillS: number;
  rowsInserted: number;
  /** The building's insertion rate: the denominator of every "per row inserted". */
  rowsPerHour: number;
  wavesPerHour: number;
  counters: Counters;
  /** Cycles the sync logged during the window. */
  cycles: number;
  /** The cycle lines' counters summed over the window (the baseline logs no checks). */
  work: CycleWork;
  workerCpuS: number;
  rssEndKb: number;
  rssPeakWindowKb: number;
  hwmKb: number;
  latenciesMs: number[];
  sigtermExit: number | null;
}

export interface SideFigures {
  product: string;
  backfill_s: number;
  window_s: number;
  rows_inserted_in_window: number;
  building_rows_per_hour: number;
  per_hour: Record<
    'rows_read' | 'rows_sent' | 'bytes_sent' | 'selects' | 'busy_time_s' | 'cpu_time_s' | 'measures_rows_read',
    number
  >;
  per_row_inserted: Record<'rows_read' | 'rows_sent' | 'measures_rows_read', number>;
  cycles_per_hour: number | null;
  /** Per hour, from the sync's own cycle lines: waves read (new and re-read), measure rows read, checks. */
  work_per_hour: Record<keyof CycleWork, number>;
  selects_per_cycle: number | null;
  worker: { cpu_s: number; cpu_s_per_hour: number; rss_mb_end: number; rss_mb_peak_window: number; vmhwm_mb: number };
  latency: { waves: number; median_ms: number; p95_ms: number; max_ms: number; samples_ms: number[] };
  sigterm_exit_code: number | null;
}

export interface SteadyFigures {
  setup: {
    mongo: string;
    building: string;
    time_factor: number;
    window_minutes: number;
    change_column: boolean;
    /** What --defaults merged into the candidate's defaults.json. */
    candidate_defaults: Record<string, unknown>;
    baseline_rev: string;
    expected_reads_per_row: number;
    expected_from: string;
  };
  candidate: SideFigures;
  baseline: SideFigures;
  ratios: { rows_read: number; rows_sent: number; selects: number; bytes_sent: number; busy_time: number };
  targets: Target[];
  all_pass: boolean;
}

const mb = (kb: number): number => round(kb / 1024, 1);

function sideFigures(m: SideMeasurement): SideFigures {
  const perHour = (value: number): number => (value * 3600) / m.windowS;
  const c = m.counters;
  const cyclesPerHour = m.cycles > 0 ? perHour(m.cycles) : null;
  const sorted = [...m.latenciesMs].sort((a, b) => a - b);
  return {
    product: m.product,
    backfill_s: round(m.backfillS, 1),
    window_s: round(m.windowS, 1),
    rows_inserted_in_window: m.rowsInserted,
    building_rows_per_hour: round(m.rowsPerHour, 0),
    per_hour: {
      rows_read: round(perHour(c.rowsRead), 0),
      rows_sent: round(perHour(c.rowsSent), 0),
      bytes_sent: round(perHour(c.bytesSent), 0),
      selects: round(perHour(c.selects), 0),
      busy_time_s: round(perHour(c.busyTimeS), 2),
      cpu_time_s: round(perHour(c.cpuTimeS), 2),
      measures_rows_read: round(perHour(c.measuresRowsRead), 0),
    },
    per_row_inserted: {
      rows_read: round(perHour(c.rowsRead) / m.rowsPerHour, 2),
      rows_sent: round(perHour(c.rowsSent) / m.rowsPerHour, 2),
      measures_rows_read: round(perHour(c.measuresRowsRead) / m.rowsPerHour, 2),
    },
    cycles_per_hour: cyclesPerHour === null ? null : round(cyclesPerHour, 0),
    work_per_hour: {
      waves: round(perHour(m.work.waves), 0),
      rows: round(perHour(m.work.rows), 0),
      checked: round(perHour(m.work.checked), 0),
      differed: round(perHour(m.work.differed), 0),
      touched: round(perHour(m.work.touched), 0),
    },
    selects_per_cycle: cyclesPerHour === null ? null : round(perHour(c.selects) / cyclesPerHour, 2),
    worker: {
      cpu_s: round(m.workerCpuS, 2),
      cpu_s_per_hour: round(perHour(m.workerCpuS), 1),
      rss_mb_end: mb(m.rssEndKb),
      rss_mb_peak_window: mb(m.rssPeakWindowKb),
      vmhwm_mb: mb(m.hwmKb),
    },
    latency: {
      waves: sorted.length,
      median_ms: round(percentile(sorted, 50), 0),
      p95_ms: round(percentile(sorted, 95), 0),
      max_ms: round(sorted.at(-1) ?? NaN, 0),
      samples_ms: m.latenciesMs.map((x) => round(x, 0)),
    },
    sigterm_exit_code: m.sigtermExit,
  };
}

export function figuresOf(
  measured: SideMeasurement[],
  setup: {
    mongo: string;
    timeFactor: number;
    intervals: number[];
    changeColumn: boolean;
    candidateDefaults: Record<string, unknown>;
    baselineRev: string;
    minutes: number;
  },
  expectation: Expectation,
): SteadyFigures {
  const cm = measured.find((m) => m.name === 'candidate')!;
  const candidate = sideFigures(cm);
  const baseline = sideFigures(measured.find((m) => m.name === 'baseline')!);
  // The cycle period the candidate actually ran at (sleep_time plus the cycle's own time).
  const cycleSeconds = candidate.cycles_per_hour ? 3600 / candidate.cycles_per_hour : BUILDING.sleepTime;
  const checks = expectation.checksPerWave(BUILDING.retentionDays * 86_400, BUILDING.sleepTime, cycleSeconds);
  const ratio = (key: keyof SideFigures['per_hour']): number =>
    round(baseline.per_hour[key] / Math.max(candidate.per_hour[key], Number.EPSILON), 1);
  // Rows sent: the rows inserted (with 20% slack) plus one digest row per wave check.
  const sentLimit = 1.2 + (cm.wavesPerHour * checks) / cm.rowsPerHour;
  const readLimit = setup.changeColumn ? 3 : 120;
  const p95Limit = (BUILDING.sleepTime + 1) * 1000;
  const busy = ratio('busy_time_s');
  const targets: Target[] = [
    {
      name: 'rows sent per row inserted (1.2 + digest rows)',
      value: candidate.per_row_inserted.rows_sent,
      unit: '',
      limit: round(sentLimit, 2),
      pass: candidate.per_row_inserted.rows_sent <= sentLimit,
    },
    {
      name: `rows read per row inserted${setup.changeColumn ? ' (change column)' : ''}`,
      value: candidate.per_row_inserted.rows_read,
      unit: '',
      limit: readLimit,
      pass: candidate.per_row_inserted.rows_read <= readLimit,
    },
    { name: 'BUSY_TIME per hour, baseline ÷ candidate', value: busy, unit: '×', limit: 10, pass: busy >= 10 },
    {
      name: 'latency new wave → document, p95',
      value: candidate.latency.p95_ms,
      unit: 'ms',
      limit: p95Limit,
      pass: candidate.latency.p95_ms <= p95Limit,
    },
    {
      name: 'candidate exit code after SIGTERM',
      value: candidate.sigterm_exit_code ?? -1,
      unit: '',
      limit: 0,
      pass: candidate.sigterm_exit_code === 0,
    },
  ];
  return {
    setup: {
      mongo: setup.mongo,
      building:
        `${BUILDING.packages.length} packages every ${setup.intervals.join(' s and ')} s, ${BUILDING.points} points, ` +
        `${BUILDING.retentionDays} days retained, sleep_time ${BUILDING.sleepTime} s, default settings`,
      time_factor: setup.timeFactor,
      window_minutes: setup.minutes,
      change_column: setup.changeColumn,
      candidate_defaults: setup.candidateDefaults,
      baseline_rev: setup.baselineRev,
      expected_reads_per_row: round(checks, 1),
      expected_from: expectation.source,
    },
    candidate,
    baseline,
    ratios: {
      rows_read: ratio('rows_read'),
      rows_sent: ratio('rows_sent'),
      selects: ratio('selects'),
      bytes_sent: ratio('bytes_sent'),
      busy_time: busy,
    },
    targets,
    all_pass: targets.every((t) => t.pass),
  };
}
