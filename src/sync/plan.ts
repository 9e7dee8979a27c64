// Pure planning of a cycle: which waves of which collections to write, and from where to read.
import { collectionName } from './naming.js';
import type { CollectionState, CycleRow } from './types.js';

export interface PlanContext {
  database: string;
  measures: string;
  /** max(threshold, now − retention): nothing older is synced. */
  lowerBound: number;
  rescanWindow: number;
}

/** new: past the checkpoint, inserted; rescan: within the window, rewritten only if it changed. */
export interface WaveTarget {
  collection: string;
  monitory: string;
  interval: number;
  action: 'new' | 'rescan';
  previous: string | undefined;
}

export function lowerBound(threshold: number, retentionDays: number, nowSeconds: number): number {
  return Math.max(threshold, Math.ceil(nowSeconds - retentionDays * 86_400));
}

/** Where this cycle starts reading cycles: the oldest wave any kept monitory name may still need. */
export function readFrom(kept: readonly string[], states: Iterable<CollectionState>, ctx: PlanContext): number {
  const byMonitory = new Map<string, number>();
  for (const state of states) {
    const from = state.checkpoint === null ? ctx.lowerBound : state.checkpoint - ctx.rescanWindow;
    byMonitory.set(state.monitory, Math.min(byMonitory.get(state.monitory) ?? Infinity, from));
  }
  let from = Infinity;
  for (const monitory of kept) from = Math.min(from, byMonitory.get(monitory) ?? ctx.lowerBound);
  return Math.max(ctx.lowerBound, from === Infinity ? ctx.lowerBound : from);
}

/** The targets of each wave that needs work, ascending by wave; waves needing nothing are left out. */
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
    let action: WaveTarget['action'];
    if (checkpoint === null || cycle.wave > checkpoint) action = 'new';
    else if (cycle.wave > checkpoint - ctx.rescanWindow) action = 'rescan';
    else continue;
    const targets = plan.get(cycle.wave) ?? [];
    targets.push({
      collection,
      monitory: cycle.monitory,
      interval: cycle.interval,
      action,
      previous: state?.fingerprints[String(cycle.wave)],
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
