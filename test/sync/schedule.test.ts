// Pure schedule of digest checks by age: which waves a cycle checks, and what it costs.
import { describe, expect, it } from 'vitest';
import {
  NO_UPPER_BOUND,
  checkAges,
  detectionBound,
  dueRanges,
  expectedChecksPerWave,
  inRanges,
  mergeRanges,
  type ScheduleSettings,
} from '../../src/sync/schedule.js';

const s: ScheduleSettings = { sleepSeconds: 5, ageFraction: 0.1, reconcileSeconds: 21_600 };
const DAY = 86_400;

/** Simulates a loop with cycles `step` seconds apart and returns the times wave `wave` was checked. */
function checksOf(wave: number, start: number, end: number, step: number): number[] {
  const times: number[] = [];
  let previous: number | null = start;
  for (let now = start + step; now <= end; now += step) {
    if (inRanges(dueRanges(s, previous, now, now - 7 * DAY), wave)) times.push(now);
    previous = now;
  }
  return times;
}

describe('checkAges', () => {
  it('grows by the fraction until the spacing reaches the reconcile interval, then steps by it', () => {
    const ages = checkAges(s, 7 * DAY);
    expect(ages[0]).toBe(50);
    for (let i = 1; i < ages.length; i++) {
      const gap = (ages[i] as number) - (ages[i - 1] as number);
      expect(gap).toBeLessThanOrEqual(Math.min((ages[i - 1] as number) * 0.1, 21_600) + 1e-6);
      expect(gap).toBeGreaterThan(0);
    }
    expect((ages.at(-1) as number) - (ages.at(-2) as number)).toBeCloseTo(21_600);
  });
});

describe('dueRanges', () => {
  it('checks every wave from the lower bound when there was no pass, or the last is a reconcile interval old', () => {
    expect(dueRanges(s, null, 1e9, 1e9 - DAY)).toEqual([[1e9 - DAY, NO_UPPER_BOUND]]);
    expect(dueRanges(s, 1e9 - 21_600, 1e9, 1e9 - DAY)).toEqual([[1e9 - DAY, NO_UPPER_BOUND]]);
  });

  it('always includes the young waves, and waves newer than now (a clock ahead)', () => {
    const now = 1e9;
    const ranges = dueRanges(s, now - 5, now, now - 7 * DAY);
    expect(inRanges(ranges, now - 49)).toBe(true);
    expect(inRanges(ranges, now + 1000)).toBe(true);
    expect(ranges.length).toBeGreaterThan(50);
    expect(ranges.every(([from, to]) => from <= to && from >= now - 7 * DAY)).toBe(true);
  });

  it('finds a change to a wave of any age within max(2 cycles, age / 10), and checks every wave each reconcile interval', () => {
    const start = 1e9;
    for (const age of [60, 600, 3600, 2 * DAY, 6 * DAY]) {
      const wave = start - age;
      const checks = checksOf(wave, start, start + Math.min(age, DAY), 7);
      expect(checks.length, `age ${age}`).toBeGreaterThan(0);
      // The change is made at `start`: the first check after it is within the bound.
      expect((checks[0] as number) - start, `age ${age}`).toBeLessThanOrEqual(detectionBound(s, age, 7));
      for (let i = 1; i < checks.length; i++) {
        const ageThen = (checks[i - 1] as number) - wave;
        expect((checks[i] as number) - (checks[i - 1] as number)).toBeLessThanOrEqual(detectionBound(s, ageThen, 7));
      }
    }
  });

  it('checks an old wave rarely: the cost of the schedule follows about 10 × ln(retention ÷ sleep_time)', () => {
    const expected = expectedChecksPerWave(s, 7 * DAY);
    expect(expected).toBeLessThan(120);
    expect(expected).toBeGreaterThan(60);
    // The simulation agrees with the formula over a wave's first day (cycles 5 s apart).
    const wave = 1e9;
    const simulated = checksOf(wave, wave - 1, wave + DAY, 5).length;
    expect(Math.abs(simulated - (expectedChecksPerWave(s, DAY) - 0))).toBeLessThanOrEqual(2);
  });
});

describe('mergeRanges / inRanges', () => {
  it('merges overlapping and adjacent ranges', () => {
    expect(
      mergeRanges([
        [10, 20],
        [1, 5],
        [6, 8],
        [15, 30],
      ]),
    ).toEqual([
      [1, 8],
      [10, 30],
    ]);
    expect(
      inRanges(
        [
          [1, 8],
          [10, 30],
        ],
        9,
      ),
    ).toBe(false);
    expect(
      inRanges(
        [
          [1, 8],
          [10, 30],
        ],
        10,
      ),
    ).toBe(true);
  });
});

describe('with a change column (sweepOnly)', () => {
  const sweep: ScheduleSettings = { ...s, sweepOnly: true };

  it('checks a wave only when its age crosses a multiple of the reconcile interval', () => {
    expect(checkAges(sweep, 7 * DAY)).toEqual(Array.from({ length: 28 }, (_, k) => (k + 1) * 21_600));
    const now = 1_700_000_000;
    // No young waves: a cycle checks only the waves whose age crossed a multiple of 6 h since the last.
    const ranges = dueRanges(sweep, now - 5, now, now - 7 * DAY);
    expect(ranges).toHaveLength(28);
    expect(ranges[ranges.length - 1]).toEqual([now - 21_600 - 4, now - 21_600]);
    expect(ranges.some(([, to]) => to === NO_UPPER_BOUND)).toBe(false);
  });

  it('costs one check per reconcile interval of retention, and finds a change within one interval', () => {
    expect(expectedChecksPerWave(sweep, 7 * DAY)).toBe(28);
    expect(detectionBound(sweep, 60, 5)).toBe(21_605);
    expect(detectionBound(sweep, 3 * DAY, 5)).toBe(21_605);
  });
});
