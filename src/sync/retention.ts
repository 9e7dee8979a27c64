// Retention: documents older than the lower bound are deleted, at most once per
// retention_interval_seconds per collection, one batch per collection and cycle so a cycle never waits long.
import type { EffectiveConfig } from '../config/effective.js';
import type { Logger } from '../logging/logger.js';
import { dropDigestsBelow } from './checkpoint.js';
import type { StateStore } from './pipeline.js';
import type { PlanContext } from './plan.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';
import type { CollectionState } from './types.js';

/** minWave of a collection known to be empty: any write lowers it. */
export const NO_DOCUMENTS = Number.MAX_SAFE_INTEGER;

/** Pure: whether a collection's retention is due in a cycle at `now`. */
export function retentionDue(state: CollectionState, lower: number, now: number, intervalSeconds: number): boolean {
  // minWave tracks the oldest document that may exist: nothing below the bound, nothing to do.
  if (state.minWave !== null && state.minWave >= lower) return false;
  // A pass cut short by its batch (retentionAt cleared) goes on at once.
  return state.retentionAt === null || now - state.retentionAt >= intervalSeconds;
}

export interface RetentionDeps {
  source: Source;
  sink: Sink;
  logger: Logger;
}

/** Deletes one batch from each collection due; returns the documents deleted. */
export async function applyRetention(
  store: StateStore,
  ctx: PlanContext,
  now: number,
  config: EffectiveConfig,
  deps: RetentionDeps,
): Promise<number> {
  const batch = config.sync.delete_batch_size;
  let deleted = 0;
  for (const state of store.states.values()) {
    if (!retentionDue(state, ctx.lowerBound, now, config.sync.retention_interval_seconds)) continue;
    const count = await deps.sink.deleteOlderThan(state.collection, ctx.lowerBound, batch);
    if (count > 0)
      deps.logger.info('retention deleted old documents', {
        collection: state.collection,
        documents: count,
        older_than: ctx.lowerBound,
      });
    if (count >= batch) {
      // More may remain: the next cycle goes on with the next batch.
      state.retentionAt = null;
    } else {
      // Documents exist only for cycles, so the oldest remaining one is at or after the oldest
      // cycle from the bound on; with none, nothing remains and the next write sets the mark.
      state.minWave = (await deps.source.oldestCycle(state.monitory, ctx.lowerBound)) ?? NO_DOCUMENTS;
      state.retentionAt = now;
      dropDigestsBelow(state, ctx.lowerBound);
    }
    store.changed(state.collection);
    deleted += count;
  }
  await store.save();
  return deleted;
}
