// SettleTracker: a file is read only after two looks, far enough apart, saw the same version of
// it, and its mtime is old enough.
import { describe, expect, it } from 'vitest';
import { SettleTracker } from '../../src/intake/settle.js';

const v = (size: number, mtimeMs: number, ino = 1) => ({ size, mtimeMs, ino });

describe('SettleTracker', () => {
  it('needs two looks at least the interval apart that saw the same version', () => {
    const tracker = new SettleTracker(500);
    expect(tracker.observe('a', v(10, 1000), 1000)).toBe(false);
    expect(tracker.observe('a', v(10, 1000), 1400)).toBe(false);
    expect(tracker.observe('a', v(10, 1000), 1500)).toBe(true);
  });

  it('starts over when size, mtime or inode changed between looks', () => {
    const tracker = new SettleTracker(500);
    tracker.observe('a', v(10, 1000), 1000);
    expect(tracker.observe('a', v(20, 1000), 1600)).toBe(false);
    expect(tracker.observe('a', v(20, 1700), 2200)).toBe(false);
    expect(tracker.observe('a', v(20, 1700, 2), 2800)).toBe(false);
    expect(tracker.observe('a', v(20, 1700, 2), 3300)).toBe(true);
  });

  it('an mtime in the future (a skewed clock, touch -d) does not hold a file back for ever', () => {
    const tracker = new SettleTracker(500);
    tracker.observe('a', v(10, 1e15), 1000);
    expect(tracker.observe('a', v(10, 1e15), 1400)).toBe(false);
    expect(tracker.observe('a', v(10, 1e15), 1500)).toBe(true);
  });

  it('counts how long a version stayed unchanged, and forgets names that are gone', () => {
    const tracker = new SettleTracker(500);
    tracker.observe('a', v(10, 0), 1000);
    tracker.observe('a', v(10, 0), 5000);
    expect(tracker.unchangedFor('a', 6000)).toBe(5000);
    tracker.retain(new Set(['b']));
    expect(tracker.unchangedFor('a', 6000)).toBe(0);
    expect(tracker.isCurrent('a', v(10, 0))).toBe(false);
  });
});
