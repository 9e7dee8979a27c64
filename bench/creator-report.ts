// The figures of the creator benchmark (bench/creator.ts), the targets they are held against and
// their rendering. The targets are what the operator is promised; the floors are what systemd
// itself takes for the same workers, measured in the same container.
import type { Target } from './report.ts';

export interface CreatorFigures {
  submit: { samples_ms: number[]; median_ms: number; floor_samples_ms: number[]; floor_median_ms: number };
  after_refusal: { runs: { kind: string; ms: number }[]; floor_samples_ms: number[]; floor_median_ms: number };
  load: { projects: number; all_active_ms: number; floor_ms: number; creator_vmhwm_mb: number };
  load_average_at_end: number;
}

export const CREATOR_TARGETS = {
  submitMedianMs: 3_000,
  afterRefusalMs: 5_000,
  loadAllActiveMs: 60_000,
  creatorVmHwmMb: 200,
} as const;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function creatorTargets(f: CreatorFigures): Target[] {
  const slowestAfterRefusal = Math.max(...f.after_refusal.runs.map((r) => r.ms));
  const target = (name: string, value: number, unit: string, limit: number): Target => ({
    name,
    value,
    unit,
    limit,
    pass: value <= limit,
  });
  return [
    target('submit → active, median', f.submit.median_ms, 'ms', CREATOR_TARGETS.submitMedianMs),
    target('valid submit after a refused one, slowest', slowestAfterRefusal, 'ms', CREATOR_TARGETS.afterRefusalMs),
    target(
      `${f.load.projects} requests at once → all active`,
      f.load.all_active_ms,
      'ms',
      CREATOR_TARGETS.loadAllActiveMs,
    ),
    target('creator peak memory (VmHWM)', f.load.creator_vmhwm_mb, 'MB', CREATOR_TARGETS.creatorVmHwmMb),
  ];
}

const ratio = (value: number, floor: number): string => (floor > 0 ? `${(value / floor).toFixed(2)}×` : '–');

export function renderCreatorReport(f: CreatorFigures, targets: Target[]): string {
  const lines = [
    `creator under a real systemd (1-minute load average ${f.load_average_at_end.toFixed(1)} at the end of the run)`,
    '',
    `submit → active       ${f.submit.samples_ms.join(', ')} ms; median ${f.submit.median_ms} ms`,
    `  floor: systemctl start → READY  ${f.submit.floor_samples_ms.join(', ')} ms; median ${f.submit.floor_median_ms} ms; ` +
      `ratio ${ratio(f.submit.median_ms, f.submit.floor_median_ms)}`,
    ...f.after_refusal.runs.map((r) => `after a refused ${r.kind}: valid submit (a restart) accepted in ${r.ms} ms`),
    `  floor: systemctl restart → READY  ${f.after_refusal.floor_samples_ms.join(', ')} ms; median ` +
      `${f.after_refusal.floor_median_ms} ms`,
    `${f.load.projects} at once → all active  ${f.load.all_active_ms} ms; floor (one systemctl start of all) ` +
      `${f.load.floor_ms} ms; ratio ${ratio(f.load.all_active_ms, f.load.floor_ms)}`,
    `creator VmHWM          ${f.load.creator_vmhwm_mb} MB`,
    '',
    'targets:',
    ...targets.map((t) => `  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.value} ${t.unit} (≤ ${t.limit} ${t.unit})`),
    '',
  ];
  return lines.join('\n');
}
