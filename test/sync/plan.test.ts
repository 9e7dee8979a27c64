// Pure planning: lower bound, where to read from, and which waves are new or skipped.
import { describe, expect, it } from 'vitest';
import { chunkWaves, lowerBound, planWaves, readFrom, type PlanContext } from '../../src/sync/plan.js';
import type { CollectionState } from '../../src/sync/types.js';

const ctx: PlanContext = { database: 'db', measures: 'M', lowerBound: 1000 };
const state = (over: Partial<CollectionState>): CollectionState => ({
  collection: 'db;M;A;60',
  monitory: 'A',
  interval: 60,
  checkpoint: null,
  digests: {},
  minWave: null,
  checkedAt: null,
  retentionAt: null,
  ...over,
});

describe('lowerBound', () => {
  it('is the later of the threshold and now minus the retention', () => {
    expect(lowerBound(500, 1, 100_000)).toBe(100_000 - 86_400);
    expect(lowerBound(50_000, 1, 100_000)).toBe(50_000);
  });
});

describe('readFrom', () => {
  it('starts at the lower bound for a monitory name without checkpoint, past its own checkpoint for the others', () => {
    expect(readFrom(['A', 'B'], [state({ checkpoint: 5000 })], ctx)).toEqual([
      ['A', 5001],
      ['B', 1000],
    ]);
  });
  it('starts past the oldest checkpoint of a name, never below the lower bound', () => {
    expect(readFrom(['A'], [state({ checkpoint: 5000 }), state({ checkpoint: 4000 })], ctx)).toEqual([['A', 4001]]);
    expect(readFrom(['A'], [state({ checkpoint: 900 })], ctx)).toEqual([['A', 1000]]);
  });
});

describe('planWaves', () => {
  const cycles = [
    { wave: 900, monitory: 'A', interval: 60 },
    { wave: 4800, monitory: 'A', interval: 60 },
    { wave: 4950, monitory: 'A', interval: 60 },
    { wave: 5000, monitory: 'A', interval: 60 },
    { wave: 5060, monitory: 'A', interval: 60 },
    { wave: 5060, monitory: 'A', interval: 60 },
    { wave: 5060, monitory: 'A', interval: 120 },
  ];

  it("plans the waves past the checkpoint as new, once per collection; older ones are the checks' business", () => {
    const states = new Map([['db;M;A;60', state({ checkpoint: 5000, digests: { '4950': 'f1' } })]]);
    const plan = planWaves(cycles, states, ctx);
    expect([...plan.keys()]).toEqual([5060]);
    expect(plan.get(5060)).toEqual([
      { collection: 'db;M;A;60', monitory: 'A', interval: 60, action: 'new', previous: undefined },
      { collection: 'db;M;A;120', monitory: 'A', interval: 120, action: 'new', previous: undefined },
    ]);
  });

  it('plans everything from the lower bound when there is no checkpoint', () => {
    expect([...planWaves(cycles, new Map(), ctx).keys()]).toEqual([4800, 4950, 5000, 5060]);
  });
});

describe('chunkWaves', () => {
  it('splits into groups of the given size', () => {
    expect(chunkWaves([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
