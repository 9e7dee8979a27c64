// Pure updates of a collection's checkpoint state once MongoDB acknowledged a chunk's writes.
import type { AckedWave } from './decide.js';
import type { CollectionState } from './types.js';
import type { WaveTarget } from './plan.js';

export function emptyState(
  target: Pick<WaveTarget, 'collection' | 'monitory' | 'interval'>,
  checkedAt: number | null = null,
): CollectionState {
  return {
    collection: target.collection,
    monitory: target.monitory,
    interval: target.interval,
    checkpoint: null,
    digests: {},
    minWave: null,
    checkedAt,
    retentionAt: null,
  };
}

/**
 * Applies acknowledged waves (in ascending order, after every earlier chunk) to the states,
 * returning the collections whose state changed (only those need writing back: a check that
 * found the same digests changes nothing). Only new waves advance the checkpoint.
 */
export function applyAcked(states: Map<string, CollectionState>, acked: readonly AckedWave[]): Set<string> {
  const changed = new Set<string>();
  for (const { target, wave, digest } of acked) {
    let state = states.get(target.collection);
    if (!state) {
      state = emptyState(target);
      states.set(target.collection, state);
    }
    const key = String(wave);
    const before = { digest: state.digests[key], minWave: state.minWave, checkpoint: state.checkpoint };
    if (digest === undefined) delete state.digests[key];
    else state.digests[key] = digest;
    if (state.minWave !== null && digest !== undefined) state.minWave = Math.min(state.minWave, wave);
    if (target.action === 'new') state.checkpoint = Math.max(state.checkpoint ?? -Infinity, wave);
    if (
      state.digests[key] !== before.digest ||
      state.minWave !== before.minWave ||
      state.checkpoint !== before.checkpoint
    )
      changed.add(target.collection);
  }
  return changed;
}

/** Forgets the digests of waves below the lower bound (their documents are retention's). */
export function dropDigestsBelow(state: CollectionState, lower: number): boolean {
  const kept = Object.entries(state.digests).filter(([wave]) => Number(wave) >= lower);
  if (kept.length === Object.keys(state.digests).length) return false;
  state.digests = Object.fromEntries(kept);
  return true;
}
