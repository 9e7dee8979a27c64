// Pure updates of a collection's checkpoint state once MongoDB acknowledged a chunk's writes.
import type { AckedWave } from './decide.js';
import type { CollectionState } from './types.js';
import type { WaveTarget } from './plan.js';

export function emptyState(target: Pick<WaveTarget, 'collection' | 'monitory' | 'interval'>): CollectionState {
  return {
    collection: target.collection,
    monitory: target.monitory,
    interval: target.interval,
    checkpoint: null,
    fingerprints: {},
    minWave: null,
  };
}

/**
 * Applies acknowledged waves (in ascending order, after every earlier chunk) to the states,
 * returning the collections that changed. Fingerprints older than the window are dropped.
 */
export function applyAcked(
  states: Map<string, CollectionState>,
  acked: readonly AckedWave[],
  rescanWindow: number,
): Set<string> {
  const changed = new Set<string>();
  for (const { target, wave, fingerprint } of acked) {
    let state = states.get(target.collection);
    if (!state) {
      state = emptyState(target);
      states.set(target.collection, state);
    }
    if (fingerprint === undefined) delete state.fingerprints[String(wave)];
    else state.fingerprints[String(wave)] = fingerprint;
    if (state.minWave !== null && fingerprint !== undefined) state.minWave = Math.min(state.minWave, wave);
    state.checkpoint = Math.max(state.checkpoint ?? -Infinity, wave);
    changed.add(target.collection);
  }
  for (const collection of changed) {
    const state = states.get(collection);
    if (!state || state.checkpoint === null) continue;
    const oldest = state.checkpoint - rescanWindow;
    state.fingerprints = Object.fromEntries(
      Object.entries(state.fingerprints).filter(([wave]) => Number(wave) > oldest),
    );
  }
  return changed;
}
