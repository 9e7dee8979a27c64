// Pure bookkeeping of the change cursor: marks of the change column's maximum as time goes on, the
// range of values that has settled (every row in it committed), and which waves it touched.
import type { WaveRange } from './schedule.js';
import type { ChangeState, ChangeValue, CollectionState } from './types.js';

/** Marks kept while they settle; past this the newest replaces the last (a later settle, never an early one). */
export const MAX_MARKS = 64;

/** Orders ids (numbers, or digit strings beyond 2^53) and time strings ('YYYY-MM-DD hh:mm:ss…'). */
export function compareChange(a: ChangeValue, b: ChangeValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  const digits = /^\d+$/;
  if (digits.test(x) && digits.test(y) && x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Records the maximum seen at `at`. The first one ever becomes the cursor at once: the waves
 * up to it are read whole by the backfill. Returns whether the state changed.
 */
export function observe(state: ChangeState, at: number, max: ChangeValue | null): boolean {
  if (max === null) return false;
  if (state.cursor === null && state.marks.length === 0) {
    state.cursor = max;
    return true;
  }
  const last = state.marks[state.marks.length - 1]?.max ?? state.cursor;
  if (last !== null && compareChange(max, last) <= 0) return false;
  if (state.marks.length >= MAX_MARKS) state.marks.pop();
  state.marks.push({ at, max });
  return true;
}

/**
 * The range (cursor, max] of the newest mark at least `lookback` seconds old: a transaction
 * shorter than that has committed every row it holds in it. Undefined when none has settled.
 */
export function settledRange(
  state: ChangeState,
  now: number,
  lookback: number,
): { after: ChangeValue; upTo: ChangeValue } | undefined {
  let upTo: ChangeValue | undefined;
  for (const mark of state.marks) if (mark.at <= now - lookback) upTo = mark.max;
  if (upTo === undefined || state.cursor === null) return undefined;
  return { after: state.cursor, upTo };
}

/** Moves the cursor to `upTo` (once the waves it touched are checked) and drops the marks it passed. */
export function advance(state: ChangeState, upTo: ChangeValue): void {
  state.cursor = upTo;
  state.marks = state.marks.filter((mark) => compareChange(mark.max, upTo) > 0);
}

/**
 * The waves to check after the rows of a settled range: every wave from `lower` on whose rows in
 * the range do not add up to the digest its document was written from (a late insert, or a
 * change since). A wave written from exactly those rows (a new wave, read whole) costs nothing.
 */
export function touchedWaves(
  rangeDigests: ReadonlyMap<number, string>,
  states: Iterable<CollectionState>,
  lower: number,
): WaveRange[] {
  const recorded = new Map<number, Set<string>>();
  const all = [...states];
  for (const wave of rangeDigests.keys()) {
    if (wave < lower) continue;
    const digests = new Set<string>();
    for (const state of all) {
      const digest = state.digests[String(wave)];
      if (digest !== undefined) digests.add(digest);
    }
    recorded.set(wave, digests);
  }
  const ranges: WaveRange[] = [];
  for (const [wave, digests] of [...recorded].sort(([a], [b]) => a - b)) {
    const digest = rangeDigests.get(wave);
    if (digests.size === 1 && digest !== undefined && digests.has(digest)) continue;
    ranges.push([wave, wave]);
  }
  return ranges;
}
