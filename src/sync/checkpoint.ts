// Pure updates of a collection's checkpoint state once MongoDB acknowledged a chunk's writes.
import type { AckedWave } from './decide.js';
import type { CollectionState } from './types.js';
import type { WaveTarget } from './plan.js';

export function emptyState(target: Pick<WaveTarget, 'collection' | 'monitory' | 'interval'>): CollectionState {
  return { collection: target.collection, monitory: target.monitory, interval: target.interval, checkpoint: null, fingerprints: {}, minWave: null };
}

/**
 * Applies acknowledged waves (in ascending order, after every earlier chunk) to the states,
 * returning the collections that changed. Fingerprints older than the window are dropped.
 */
export function applyAcked(states: Map<string, CollectionState>, acked: readonly AckedWave[], rescanWindow: number): Set<string> {
  const changed = new Set<string>();
  for (const { target, wave, fingerprint } of acked) {
    const state = states.get(target.collection) ?? emptyState(target);
    const fingerprints = { ...state.fingerprints };
    if (fingerprint === undefined) delete fingerprints[String(wave)];
    else fingerprints[String(wave)] = fingerprint;
    const minWave = state.minWave === null || fingerprint === undefined ? state.minWave : Math.min(state.minWave, wave);
    states.set(target.collection, {
      ...state,
      checkpoint: Math.max(state.checkpoint ?? -Infinity, wave),
      fingerprints,
      minWave,
    });
    changed.add(target.collection);
  }
  for (const collection of changed) {
    const state = states.get(collection);
    if (!state || state.checkpoint === null) continue;
    const oldest = state.checkpoint - rescanWindow;
    state.fingerprints = Object.fromEntries(Object.entries(state.fingerprints).filter(([wave]) => Number(wave) > oldest));
  }
  return changed;
}
