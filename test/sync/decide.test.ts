// Pure decision of inserts, replaces and removals, and the checkpoint update after acknowledgement.
import { describe, expect, it } from 'vitest';
import { applyAcked } from '../../src/sync/checkpoint.js';
import { PRESENT, decideWrites } from '../../src/sync/decide.js';
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
      [1, 'p', 1],
      [2, 'p', 2],
      [3, 'p', 3],
    ],
    encodePointId,
  );
  const unchanged = pivot.get(2)?.fingerprint;

  it('inserts new waves, skips unchanged re-scans, replaces changed ones, removes emptied ones', () => {
    const plan = new Map<number, WaveTarget[]>([
      [1, [target('new')]],
      [2, [target('rescan', unchanged)]],
      [3, [target('rescan', 'old')]],
      [4, [target('rescan', 'gone')]],
      [5, [target('new')]],
    ]);
    const decision = decideWrites([1, 2, 3, 4, 5], plan, pivot);
    const writes = decision.writes.get('C');
    expect(writes?.insert.map((d) => d._id)).toEqual([1]);
    expect(writes?.replace.map((d) => d._id)).toEqual([3]);
    expect(writes?.remove).toEqual([4]);
    expect(decision.documents).toBe(2);
    expect(decision.acked.map((a) => [a.wave, a.fingerprint === undefined])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [5, true],
    ]);
  });

  it('inserts new waves whose fingerprint was not computed (outside the window)', () => {
    const unprinted = pivotRows([[7, 'p', 1]], encodePointId, () => false);
    const decision = decideWrites([7], new Map([[7, [target('new')]]]), unprinted);
    expect(decision.writes.get('C')?.insert.map((d) => d._id)).toEqual([7]);
    expect(decision.acked[0]?.fingerprint).toBe(PRESENT);
  });

  it('inserts a re-scanned wave that had no document yet', () => {
    const decision = decideWrites([1], new Map([[1, [target('rescan')]]]), pivot);
    expect(decision.writes.get('C')?.insert.map((d) => d._id)).toEqual([1]);
  });
});

describe('applyAcked', () => {
  it('advances the checkpoint, records fingerprints within the window and drops older ones', () => {
    const states = new Map<string, CollectionState>();
    const acked = [100, 150, 200, 260].map((wave) => ({ target: target('new'), wave, fingerprint: `f${wave}` }));
    const changed = applyAcked(states, acked, 100);
    expect([...changed]).toEqual(['C']);
    const state = states.get('C');
    expect(state?.checkpoint).toBe(260);
    expect(state?.fingerprints).toEqual({ '200': 'f200', '260': 'f260' });
    expect(state?.minWave).toBeNull();
  });

  it('forgets the fingerprint of a wave that lost its document and tracks the oldest wave once known', () => {
    const states = new Map<string, CollectionState>([
      [
        'C',
        { collection: 'C', monitory: 'A', interval: 60, checkpoint: 300, fingerprints: { '250': 'x' }, minWave: 240 },
      ],
    ]);
    applyAcked(
      states,
      [
        { target: target('rescan', 'x'), wave: 250, fingerprint: undefined },
        { target: target('new'), wave: 230, fingerprint: 'y' },
      ],
      100,
    );
    expect(states.get('C')?.fingerprints).toEqual({ '230': 'y' });
    expect(states.get('C')?.checkpoint).toBe(300);
    expect(states.get('C')?.minWave).toBe(230);
  });

  it('reports no change for a re-scan that found the same fingerprints, so nothing is written back', () => {
    const state = (): CollectionState => ({
      collection: 'C',
      monitory: 'A',
      interval: 60,
      checkpoint: 300,
      fingerprints: { '250': 'x', '300': 'z' },
      minWave: 240,
    });
    const rescan = [
      { target: target('rescan', 'x'), wave: 250, fingerprint: 'x' },
      { target: target('rescan', 'z'), wave: 300, fingerprint: 'z' },
    ];
    const states = new Map([['C', state()]]);
    expect([...applyAcked(states, rescan, 100)]).toEqual([]);
    expect(states.get('C')).toEqual(state());
    // Any difference is a change: a new fingerprint, a lost document, a later wave.
    expect([...applyAcked(new Map([['C', state()]]), [{ ...rescan[0]!, fingerprint: 'y' }], 100)]).toEqual(['C']);
    expect([...applyAcked(new Map([['C', state()]]), [{ ...rescan[0]!, fingerprint: undefined }], 100)]).toEqual(['C']);
    expect([...applyAcked(new Map([['C', state()]]), [{ ...rescan[1]!, wave: 310 }], 100)]).toEqual(['C']);
  });
});
