// Pure comparison of server digests with recorded ones, retention's timing, dropped monitory names.
import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/sync/checkpoint.js';
import { planChecks } from '../../src/sync/checks.js';
import { previousCheck } from '../../src/sync/cycle.js';
import { droppedCollections, droppedMonitoryNote, droppedMonitoryNoteOfRequests } from '../../src/sync/dropped.js';
import { NO_DOCUMENTS, retentionDue } from '../../src/sync/retention.js';
import type { CollectionState } from '../../src/sync/types.js';

const ctx = { database: 'db', measures: 'M', lowerBound: 100 };
const state = (over: Partial<CollectionState>): CollectionState => ({
  ...emptyState({ collection: 'db;M;A;60', monitory: 'A', interval: 60 }),
  ...over,
});
const span = { ranges: [[100, 10_000]] as [number, number][], from: 100, to: 10_000 };

describe('planChecks', () => {
  const states = new Map([
    ['db;M;A;60', state({ checkpoint: 500, digests: { '200': '3:9', '300': '3:9', '400': '3:9', '450': '1:1' } })],
  ]);
  const cycles = [200, 300, 400, 420, 600].map((wave) => ({ wave, monitory: 'A', interval: 60 }));
  const server = new Map([
    [200, '3:9'], // unchanged
    [300, '4:12'], // a measure added or changed
    [420, '1:5'], // measures of a wave that had none
    [600, '2:2'], // past the checkpoint: the new-wave pass's
  ]);

  it('re-reads waves that differ, removes those whose measures or cycle row vanished, skips equal ones', () => {
    const plan = planChecks(cycles, server, states, new Set(['A']), span, ctx);
    expect([...plan].map(([wave, [t]]) => [wave, t?.action, t?.previous])).toEqual([
      [300, 'reread', '3:9'],
      [400, 'remove', '3:9'], // measures gone
      [420, 'reread', undefined],
      [450, 'remove', '1:1'], // cycle row gone
    ]);
  });

  it('checks only the due waves, and nothing of a monitory name no longer kept', () => {
    const narrow = { ranges: [[290, 310]] as [number, number][], from: 100, to: 10_000 };
    expect([...planChecks(cycles, server, states, new Set(['A']), narrow, ctx).keys()]).toEqual([300]);
    expect(planChecks(cycles, server, states, new Set(['B']), span, ctx).size).toBe(0);
    // A page covering waves up to 350 leaves the later digests to the next page.
    expect([...planChecks(cycles, server, states, new Set(['A']), { ...span, to: 350 }, ctx).keys()]).toEqual([300]);
  });
});

describe('previousCheck', () => {
  const kept = new Set(['A']);
  it('is the oldest pass of the kept collections with a checkpoint, or the loop memory when later', () => {
    const states = new Map([
      ['a', state({ checkpoint: 1, checkedAt: 50 })],
      ['b', state({ collection: 'b', checkpoint: 1, checkedAt: 70 })],
      ['c', state({ collection: 'c', checkpoint: null, checkedAt: null })],
      ['d', state({ collection: 'd', monitory: 'Z', checkpoint: 1, checkedAt: null })],
    ]);
    expect(previousCheck(states, kept, undefined)).toBe(50);
    expect(previousCheck(states, kept, { checkedAt: 60 })).toBe(60);
  });
  it('is null (check everything) for checkpoints written before digests existed', () => {
    expect(previousCheck(new Map([['a', state({ checkpoint: 1 })]]), kept, undefined)).toBeNull();
  });
});

describe('retentionDue', () => {
  it('runs when a document may be below the bound, at most once per interval, at once to finish a pass', () => {
    expect(retentionDue(state({ minWave: NO_DOCUMENTS }), 100, 1000, 3600)).toBe(false);
    expect(retentionDue(state({ minWave: 50, retentionAt: null }), 100, 1000, 3600)).toBe(true);
    expect(retentionDue(state({ minWave: 50, retentionAt: 0 }), 100, 1000, 3600)).toBe(false);
    expect(retentionDue(state({ minWave: 50, retentionAt: 0 }), 100, 3600, 3600)).toBe(true);
    expect(retentionDue(state({ minWave: null, retentionAt: 900 }), 100, 1000, 3600)).toBe(false);
  });
});

describe('dropped monitory names', () => {
  it('names the collections no longer synced', () => {
    const states = [state({}), state({ collection: 'db;M;B;300', monitory: 'B' })];
    expect(droppedCollections(states, ['A'])).toEqual(['db;M;B;300']);
    expect(droppedCollections(states, ['A', 'B'])).toEqual([]);
  });
  it('gives the creator a note naming the monitory name and the collection pattern', () => {
    expect(droppedMonitoryNote(['A', 'B'], ['A'], 'db', 'M')).toBe(
      'no longer synced: monitory name "B" (collections "db;M;B;<interval>"); their documents stay in MongoDB until retention ages them out',
    );
    expect(droppedMonitoryNote(['A'], ['A', 'C'], 'db', 'M')).toBeUndefined();
    expect(droppedMonitoryNote(undefined, ['A'], 'db', 'M')).toBeUndefined();
  });
});

describe('droppedMonitoryNoteOfRequests', () => {
  const request = (kept: string[], measures = 'M') =>
    JSON.stringify({ database: 'db', measures, monitory_name_kept: kept });
  it('compares the running request with the new one', () => {
    expect(droppedMonitoryNoteOfRequests(request(['A', 'B']), request(['A']))).toContain(
      '"B" (collections "db;M;B;<interval>")',
    );
    expect(droppedMonitoryNoteOfRequests(undefined, request(['A']))).toBeUndefined();
    expect(droppedMonitoryNoteOfRequests('not json', request(['A']))).toBeUndefined();
    // Another measures table: other collections altogether, nothing "dropped" from the old ones.
    expect(droppedMonitoryNoteOfRequests(request(['A', 'B']), request(['A'], 'N'))).toBeUndefined();
  });
});
