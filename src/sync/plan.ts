// Pure planning of a cycle's new waves: which waves of which collections are past their
// checkpoint, and from where to read cycle rows.
import { collectionName } from './naming.js';
import type { CollectionState, CycleRow } from './types.js';

export interface PlanContext {
  database: string;
  measures: string;
  /** max(threshold, now − retention): nothing older is synced. */
  lowerBound: number;
}

/**
 * new: past the checkpoint, inserted; reread: its digest differs from the recorded one, rewritten
 * from its rows; remove: its cycle row or all its measures vanished, its document is deleted.
 */
export interface WaveTarget {
  collection: string;
  monitory: string;
  interval: number;
  action: 'new' | 'reread' | 'remove';
  /** Digest recorded for the wave's document; undefined when the collection holds none. */
  previous: string | undefined;
}

export function lowerBound(threshold: number, retentionDays: number, nowSeconds: number): number {
  return Math.max(threshold, Math.ceil(nowSeconds - retentionDays * 86_400));
}

/** Where this cycle starts reading cycles: the oldest checkpoint of any kept monitory name. */
/**
 * Where each kept monitory name's new cycle rows start: past the oldest checkpoint of its
 * collections (the lower bound for one without), never below the lower bound. Per name, so that a
 * package every 900 s does not make every cycle send again the rows of one every 300 s.
 */
export function readFrom(
  kept: readonly string[],
  states: Iterable<CollectionState>,
  ctx: PlanContext,
): [monitory: string, from: number][] {
  const byMonitory = new Map<string, number>();
  for (const state of states) {
    const from = state.checkpoint === null ? ctx.lowerBound : state.checkpoint + 1;
    byMonitory.set(state.monitory, Math.min(byMonitory.get(state.monitory) ?? Infinity, from));
  }
  return kept.map((monitory) => [monitory, Math.max(ctx.lowerBound, byMonitory.get(monitory) ?? ctx.lowerBound)]);
}

/** The new waves of each collection (past its checkpoint), ascending by wave. */
export function planWaves(
  cycles: readonly CycleRow[],
  states: ReadonlyMap<string, CollectionState>,
  ctx: PlanContext,
): Map<number, WaveTarget[]> {
  const plan = new Map<number, WaveTarget[]>();
  const seen = new Set<string>();
  const sorted = [...cycles].sort((a, b) => a.wave - b.wave);
  for (const cycle of sorted) {
    if (cycle.wave < ctx.lowerBound) continue;
    const collection = collectionName(ctx.database, ctx.measures, cycle.monitory, cycle.interval);
    const key = `${collection}\u0000${cycle.wave}`;
    if (seen.has(key)) continue; // a repeated cycle row is the same wave of the same collection
    seen.add(key);
    const state = states.get(collection);
    const checkpoint = state?.checkpoint ?? null;
    if (checkpoint !== null && cycle.wave <= checkpoint) continue;
    const targets = plan.get(cycle.wave) ?? [];
    targets.push({
      collection,
      monitory: cycle.monitory,
      interval: cycle.interval,
      action: 'new',
      previous: state?.digests[String(cycle.wave)],
    });
    plan.set(cycle.wave, targets);
  }
  return plan;
}

/** Splits the planned waves into groups read by one query each. */
export function chunkWaves(waves: readonly number[], size: number): number[][] {
  const chunks: number[][] = [];
  for (let i = 0; i < waves.length; i += size) chunks.push(waves.slice(i, i + size));
  return chunks;
}
