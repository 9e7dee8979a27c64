// Pure schedule of digest checks by a wave's age: young waves every cycle, older ones when their
// age crosses a threshold. Thresholds grow geometrically (×(1 + fraction)) until their spacing
// reaches the reconcile interval, then step by it, so a change to a wave of age A is seen within
// about max(one cycle, A × fraction), and every wave at least once per reconcile interval. With a
// change column (inserts found by its cursor), only the reconcile interval's steps remain.

export interface ScheduleSettings {
  /** The request's sleep_time. */
  sleepSeconds: number;
  /** sync.check_age_fraction: a change to a wave of age A is found within A × this. */
  ageFraction: number;
  /** sync.reconcile_interval_seconds. */
  reconcileSeconds: number;
  /** A change column finds inserts: checks only at ages that are multiples of the reconcile interval. */
  sweepOnly?: boolean;
}

/** Inclusive range of wave counters. */
export type WaveRange = [from: number, to: number];

export const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/** Waves younger than this are checked every cycle. */
export function youngAge(s: ScheduleSettings): number {
  if (s.sweepOnly === true) return 0;
  return Math.min(s.sleepSeconds / s.ageFraction, s.reconcileSeconds);
}

/** The ascending ages at which a wave is checked, up to `maxAge` (past the young ones). */
export function checkAges(s: ScheduleSettings, maxAge: number): number[] {
  const ages: number[] = [];
  let age = s.sweepOnly === true ? s.reconcileSeconds : youngAge(s);
  while (age <= maxAge) {
    ages.push(age);
    age += s.sweepOnly === true ? s.reconcileSeconds : Math.min(age * s.ageFraction, s.reconcileSeconds);
  }
  return ages;
}

/**
 * The waves due for a check in a cycle at `now`, the previous check pass having run at `previous`:
 * every wave younger than the young age, and those whose age crossed a threshold in
 * (previous, now]. Clipped to `lower`, merged, ascending. `previous` null: every wave from `lower`.
 */
export function dueRanges(s: ScheduleSettings, previous: number | null, now: number, lower: number): WaveRange[] {
  if (previous === null || now - previous >= s.reconcileSeconds) return [[lower, NO_UPPER_BOUND]];
  // Without young checks (sweepOnly) the first range is empty: waves are not from the future.
  const ranges: WaveRange[] =
    s.sweepOnly === true ? [] : [[Math.max(lower, Math.ceil(now - youngAge(s))), NO_UPPER_BOUND]];
  for (const age of checkAges(s, now - lower)) {
    // Age crossed `age` in (previous, now]: previous − wave < age ≤ now − wave.
    const from = Math.max(lower, Math.floor(previous - age) + 1);
    const to = Math.floor(now - age);
    if (from <= to) ranges.push([from, to]);
  }
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: readonly WaveRange[]): WaveRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: WaveRange[] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** True when `wave` lies in one of the ascending, disjoint `ranges`. */
export function inRanges(ranges: readonly WaveRange[], wave: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid] as WaveRange;
    if (wave < range[0]) high = mid - 1;
    else if (wave > range[1]) low = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Digest checks one wave gets over its life in retention, cycles `cycleSeconds` apart (the
 * sleep_time plus the cycle's own time): each reads the wave's rows once on the server. The
 * benchmark prints it beside the measured rows read per row inserted.
 */
export function expectedChecksPerWave(
  s: ScheduleSettings,
  retentionSeconds: number,
  cycleSeconds = s.sleepSeconds,
): number {
  return youngAge(s) / cycleSeconds + checkAges(s, retentionSeconds).length;
}

/** Longest time a change to a wave of age `age` waits for a check, cycles `cycleSeconds` apart. */
export function detectionBound(s: ScheduleSettings, age: number, cycleSeconds = s.sleepSeconds): number {
  if (s.sweepOnly === true) return s.reconcileSeconds + cycleSeconds;
  return Math.max(2 * cycleSeconds, Math.min(age * s.ageFraction, s.reconcileSeconds) + cycleSeconds);
}
