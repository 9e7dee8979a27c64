// The figures of one benchmark run, the targets they are held against, and their two renderings.

export interface Target {
  name: string;
  value: number;
  unit: string;
  limit: number;
  pass: boolean;
}

export interface Figures {
  setup: {
    monitories: number;
    waves_per_monitory: number;
    points: number;
    rows: number;
    documents: number;
    interval_s: number;
    mongo: string;
    mariadb: string;
    node: string;
    dataset_load_s: number;
    defaults: Record<string, unknown>;
    node_args: string[];
  };
  backfill: {
    wall_s: number;
    cycle_s: number | null;
    rows_per_s: number;
    documents_per_s: number;
    peak_rss_mb: number;
  };
  read_limit: { wall_s: number; rows_per_s: number; sql: string };
  write_limit: {
    wall_s: number;
    documents_per_s: number;
    batch_docs: number;
    /** The concurrency of the best run, the one the ratio uses. */
    in_flight: number;
    runs: { in_flight: number; wall_s: number; documents_per_s: number }[];
    generation: string;
    generation_s: number;
  };
  ratio: number;
  latency: null | {
    sleep_time_s: number;
    waves: number;
    median_ms: number;
    p95_ms: number;
    max_ms: number;
    samples_ms: number[];
    /** How arrival was observed: the document by _id, or the collection's checkpoint (see latency.ts). */
    probe: string;
    numeric_id_lookup_ms: number;
    incomplete_documents: number;
    sigterm_exit_code: number | null;
    sigterm_signal: string | null;
    stop_s: number;
    loop_peak_rss_mb: number | null;
  };
  /** The looping sync after its own backfill of the data set, then idle (see idle-memory.ts). */
  idle: null | {
    idle_s: number;
    idle_rss_mb: number;
    peak_rss_mb: number;
    self_report: string;
    /** A new process on the synced database (a restarted worker), after the same idle time. */
    fresh_idle_rss_mb: number;
    fresh_self_report: string;
  };
  doubled: null | {
    waves_per_monitory: number;
    rows: number;
    dataset_load_s: number;
    backfill_wall_s: number;
    backfill_cycle_s: number | null;
    peak_rss_mb: number;
    rss_growth_pct: number;
  };
  targets: Target[];
  all_pass: boolean;
}

const r = (value: number, digits = 2): number => Number(value.toFixed(digits));
export const round = r;

export function targetsOf(figures: Omit<Figures, 'targets' | 'all_pass'>): Target[] {
  const targets: Target[] = [
    {
      name: 'backfill / max(read limit, write limit)',
      value: r(figures.ratio),
      unit: '',
      limit: 1.3,
      pass: figures.ratio <= 1.3,
    },
    {
      name: 'peak RSS of the backfill',
      value: figures.backfill.peak_rss_mb,
      unit: 'MB',
      limit: 200,
      pass: figures.backfill.peak_rss_mb <= 200,
    },
  ];
  if (figures.idle) {
    targets.push({
      name: 'idle RSS after a backfill (sync loop)',
      value: figures.idle.idle_rss_mb,
      unit: 'MB',
      limit: 100,
      pass: figures.idle.idle_rss_mb <= 100,
    });
    targets.push({
      name: 'idle RSS of a restarted sync loop (nothing to backfill)',
      value: figures.idle.fresh_idle_rss_mb,
      unit: 'MB',
      limit: 100,
      pass: figures.idle.fresh_idle_rss_mb <= 100,
    });
    targets.push({
      name: 'peak RSS of that loop',
      value: figures.idle.peak_rss_mb,
      unit: 'MB',
      limit: 200,
      pass: figures.idle.peak_rss_mb <= 200,
    });
  }
  if (figures.doubled) {
    const growth = figures.doubled.rss_growth_pct;
    targets.push({
      name: 'peak RSS growth, data set doubled',
      value: growth,
      unit: '%',
      limit: 10,
      pass: growth <= 10,
    });
  }
  if (figures.latency) {
    const limit = (figures.latency.sleep_time_s + 1) * 1000;
    targets.push({
      name: 'incremental latency p95',
      value: r(figures.latency.p95_ms, 0),
      unit: 'ms',
      limit,
      pass: figures.latency.p95_ms <= limit,
    });
    const code = figures.latency.sigterm_exit_code;
    targets.push({
      name: 'sync loop exit code after SIGTERM',
      value: code ?? -1,
      unit: '',
      limit: 0,
      pass: code === 0,
    });
  }
  return targets;
}

const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const secs = (value: number): string => `${value.toFixed(2)} s`;

export function renderTable(f: Figures): string {
  const s = f.setup;
  const lines: string[] = [];
  lines.push(
    `db-proxy benchmark: ${s.monitories} monitories × ${int(s.waves_per_monitory)} waves × ${s.points} points = ` +
      `${int(s.rows)} rows, ${int(s.documents)} documents (interval ${s.interval_s} s)`,
  );
  lines.push(`MongoDB: ${s.mongo} · MariaDB ${s.mariadb} · Node ${s.node}`);
  if (Object.keys(s.defaults).length > 0) lines.push(`extra defaults.json: ${JSON.stringify(s.defaults)}`);
  if (s.node_args.length > 0) lines.push(`backfill node flags: ${s.node_args.join(' ')}`);
  lines.push(`data set generated and loaded in ${secs(s.dataset_load_s)}`);
  lines.push('');
  const b = f.backfill;
  const rl = f.read_limit;
  const wl = f.write_limit;
  const rows: [string, string, string][] = [
    [
      'backfill (sync --once)',
      secs(b.wall_s),
      `${int(b.rows_per_s)} rows/s, ${int(b.documents_per_s)} docs/s, peak RSS ${b.peak_rss_mb.toFixed(1)} MB` +
        (b.cycle_s === null ? '' : `, cycle itself ${secs(b.cycle_s)}`),
    ],
    ['read limit (mariadb --quick)', secs(rl.wall_s), `${int(rl.rows_per_s)} rows/s`],
    ...wl.runs.map((w): [string, string, string] => [
      `write, ${w.in_flight} insertMany in flight`,
      secs(w.wall_s),
      `${int(w.documents_per_s)} docs/s`,
    ]),
    [
      'write limit (the best of them)',
      secs(wl.wall_s),
      `${int(wl.documents_per_s)} docs/s, ${wl.batch_docs} docs/batch unordered, ${wl.in_flight} in flight, ` +
        `${wl.generation} (${secs(wl.generation_s)} of it)`,
    ],
    ['backfill / max(read, write)', f.ratio.toFixed(2), ''],
  ];
  if (f.latency) {
    const l = f.latency;
    rows.push([
      `latency (sleep_time ${l.sleep_time_s} s)`,
      `p95 ${Math.round(l.p95_ms)} ms`,
      `median ${Math.round(l.median_ms)} ms, max ${Math.round(l.max_ms)} ms over ${l.waves} waves` +
        (l.incomplete_documents > 0 ? `, ${l.incomplete_documents} INCOMPLETE documents` : '') +
        `; observed by ${l.probe}` +
        `; SIGTERM → ${l.sigterm_signal ?? `exit ${String(l.sigterm_exit_code)}`} in ${secs(l.stop_s)}` +
        (l.loop_peak_rss_mb === null ? '' : `; loop peak RSS ${l.loop_peak_rss_mb.toFixed(1)} MB`),
    ]);
  }
  if (f.idle) {
    const i = f.idle;
    rows.push([
      `idle after a backfill (${i.idle_s} s)`,
      `${i.idle_rss_mb.toFixed(1)} MB`,
      `VmRSS of the sync loop; peak ${i.peak_rss_mb.toFixed(1)} MB; its own figures: ${i.self_report}`,
    ]);
    rows.push([
      `idle, restarted (${i.idle_s} s)`,
      `${i.fresh_idle_rss_mb.toFixed(1)} MB`,
      `VmRSS of a new sync loop on the synced database; its own figures: ${i.fresh_self_report}`,
    ]);
  }
  if (f.doubled) {
    const d = f.doubled;
    rows.push([
      `doubled (${int(d.waves_per_monitory)} waves each)`,
      secs(d.backfill_wall_s),
      `${int(d.rows)} rows, peak RSS ${d.peak_rss_mb.toFixed(1)} MB (${d.rss_growth_pct >= 0 ? '+' : ''}${d.rss_growth_pct.toFixed(1)} %)`,
    ]);
  }
  const w0 = Math.max(...rows.map((row) => row[0].length));
  const w1 = Math.max(...rows.map((row) => row[1].length));
  for (const [a, b2, c] of rows) lines.push(`${a.padEnd(w0)}  ${b2.padStart(w1)}  ${c}`.trimEnd());
  lines.push('');
  const t = f.targets.map((target) => [
    target.name,
    `${target.value}${target.unit ? ` ${target.unit}` : ''}`,
    target.name.startsWith('sync loop exit')
      ? `= ${target.limit}`
      : `≤ ${target.limit}${target.unit ? ` ${target.unit}` : ''}`,
    target.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['target', 'value', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...t.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...t])
    lines.push(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  lines.push('');
  lines.push(
    f.all_pass
      ? 'all targets PASS'
      : `MISS: ${f.targets
          .filter((x) => !x.pass)
          .map((x) => x.name)
          .join('; ')}`,
  );
  return lines.join('\n');
}
