// Pure comparison of a check pass: the server's digests of the due waves against the digests
// recorded when their documents were written. Waves that differ are re-read; waves whose cycle
// row or measures vanished lose their document; equal ones cost nothing more.
import { collectionName } from './naming.js';
import type { PlanContext, WaveTarget } from './plan.js';
import { inRanges, type WaveRange } from './schedule.js';
import type { CollectionState, CycleRow } from './types.js';

export interface CheckSpan {
  /** The due waves, ascending and disjoint. */
  ranges: readonly WaveRange[];
  /** The page of cycle rows covers the due waves from `from` up to `to`, inclusive. */
  from: number;
  to: number;
}

/**
 * Targets for the due waves of one page. Only collections of kept monitory names that have a
 * checkpoint are checked, and only up to it: later waves are the next new-wave pass's.
 */
export function planChecks(
  cycles: readonly CycleRow[],
  serverDigests: ReadonlyMap<number, string>,
  states: ReadonlyMap<string, CollectionState>,
  kept: ReadonlySet<string>,
  span: CheckSpan,
  ctx: PlanContext,
): Map<number, WaveTarget[]> {
  const plan = new Map<number, WaveTarget[]>();
  const add = (wave: number, target: WaveTarget): void => {
    const targets = plan.get(wave) ?? [];
    targets.push(target);
    plan.set(wave, targets);
  };
  const checked = (state: CollectionState | undefined, wave: number): state is CollectionState =>
    state !== undefined &&
    kept.has(state.monitory) &&
    state.checkpoint !== null &&
    wave <= state.checkpoint &&
    wave >= ctx.lowerBound &&
    wave >= span.from &&
    wave <= span.to &&
    inRanges(span.ranges, wave);
  const present = new Set<string>();
  for (const cycle of cycles) {
    const collection = collectionName(ctx.database, ctx.measures, cycle.monitory, cycle.interval);
    const key = `${collection}\u0000${cycle.wave}`;
    if (present.has(key)) continue;
    present.add(key);
    const state = states.get(collection);
    if (!checked(state, cycle.wave)) continue;
    const previous = state.digests[String(cycle.wave)];
    const actual = serverDigests.get(cycle.wave);
    if (actual === previous) continue;
    const { monitory, interval } = cycle;
    add(cycle.wave, { collection, monitory, interval, action: actual === undefined ? 'remove' : 'reread', previous });
  }
  // Documents whose cycle row vanished (deleted, or moved to another interval's collection).
  for (const state of states.values()) {
    for (const [key, previous] of Object.entries(state.digests)) {
      const wave = Number(key);
      if (!checked(state, wave) || present.has(`${state.collection}\u0000${wave}`)) continue;
      const { collection, monitory, interval } = state;
      add(wave, { collection, monitory, interval, action: 'remove', previous });
    }
  }
  return new Map([...plan].sort(([a], [b]) => a - b));
}
