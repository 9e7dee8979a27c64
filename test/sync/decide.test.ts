// Pure decision of inserts, replaces and removals, and the checkpoint update after acknowledgement.
import { describe, expect, it } from 'vitest';
import { applyAcked, dropDigestsBelow, emptyState } from '../../src/sync/checkpoint.js';
import { decideWrites, needsRows } from '../../src/sync/decide.js';
import { pivotRows } from '../../src/sync/pivot.js';
import type { WaveTarget } from '../../src/sync/plan.js';
import { encodePointId } from '../../src/sync/point-ids.js';
import type { CollectionState } from '../../src/sync/types.js';

const target = (action: WaveTarget['action'], previous?: string): WaveTarget => ({
  collection: 'C',
  monitory: 'A',
  interval: 60,
  action,
  previous,
});

describe('decideWrites', () => {
  const pivot = pivotRows(
    [
      [1, 'p', 1, 10],
      [2, 'p', 2, 20],
      [3, 'p', 3, 30],
      [5, 'p', 5, 50],
    ],
    encodePointId,
  );

  it('inserts new waves, skips re-reads found equal, replaces changed ones, removes emptied and vanished ones', () => {
    const plan = new Map<number, WaveTarget[]>([
      [1, [target('new')]],
      [2, [target('reread', '1:20')]],
      [3, [target('reread', 'old')]],
      [4, [target('reread', 'gone')]],
      [5, [target('remove', '1:50')]],
    ]);
    const decision = decideWrites([1, 2, 3, 4, 5], plan, pivot);
    const writes = decision.writes.get('C');
    expect(writes?.insert.map((d) => d._id)).toEqual([1]);
    expect(writes?.replace.map((d) => d._id)).toEqual([3]);
    expect(writes?.remove).toEqual([4, 5]);
    expect(decision.documents).toBe(2);
    expect(decision.acked.map((a) => [a.wave, a.digest])).toEqual([
      [1, '1:10'],
      [2, '1:20'],
      [3, '1:30'],
      [4, undefined],
      [5, undefined],
    ]);
  });

  it('inserts a re-read wave that had no document (measures or cycle row arrived late)', () => {
    const decision = decideWrites([1], new Map([[1, [target('reread')]]]), pivot);
    expect(decision.writes.get('C')?.insert.map((d) => d._id)).toEqual([1]);
  });

  it('needs no rows for a chunk of removals only', () => {
    expect(needsRows([5], new Map([[5, [target('remove', 'x')]]]))).toBe(false);
    expect(
      needsRows(
        [5, 1],
        new Map([
          [5, [target('remove', 'x')]],
          [1, [target('new')]],
        ]),
      ),
    ).toBe(true);
  });
});

describe('applyAcked', () => {
  it('advances the checkpoint over new waves only and records their digests', () => {
    const states = new Map<string, CollectionState>();
    const acked = [100, 150].map((wave) => ({ target: target('new'), wave, digest: `d${wave}` }));
    expect([...applyAcked(states, acked)]).toEqual(['C']);
    expect(states.get('C')?.checkpoint).toBe(150);
    expect(applyAcked(states, [{ target: target('reread', 'd100'), wave: 100, digest: 'e100' }]).size).toBe(1);
    expect(states.get('C')?.digests).toEqual({ '100': 'e100', '150': 'd150' });
    // A re-read beyond the checkpoint (it cannot be, but if) never moves it: only new waves do.
    applyAcked(states, [{ target: target('reread'), wave: 999, digest: 'x' }]);
    expect(states.get('C')?.checkpoint).toBe(150);
  });

  it('forgets the digest of a wave that lost its document, reports nothing for an unchanged one', () => {
    const state: CollectionState = {
      ...emptyState(target('new')),
      checkpoint: 300,
      digests: { '250': 'x' },
      minWave: 240,
    };
    const states = new Map([['C', state]]);
    expect(applyAcked(states, [{ target: target('reread', 'x'), wave: 250, digest: 'x' }]).size).toBe(0);
    applyAcked(states, [
      { target: target('remove', 'x'), wave: 250, digest: undefined },
      { target: target('reread'), wave: 230, digest: 'y' },
    ]);
    expect(state.digests).toEqual({ '230': 'y' });
    expect(state.minWave).toBe(230);
  });

  it('drops digests below the lower bound', () => {
    const state = { ...emptyState(target('new')), digests: { '10': 'a', '20': 'b' } };
    expect(dropDigestsBelow(state, 15)).toBe(true);
    expect(state.digests).toEqual({ '20': 'b' });
    expect(dropDigestsBelow(state, 15)).toBe(false);
  });
});
