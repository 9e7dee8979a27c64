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
 * returning the collections whose state changed (only those need writing back: a re-scan that
 * found the same fingerprints changes nothing). Fingerprints older than the window are dropped.
 */
export function applyAcked(
  states: Map<string, CollectionState>,
  acked: readonly AckedWave[],
  rescanWindow: number,
): Set<string> {
  const touched = new Set<string>();
  const changed = new Set<string>();
  for (const { target, wave, fingerprint } of acked) {
    let state = states.get(target.collection);
    if (!state) {
      state = emptyState(target);
      states.set(target.collection, state);
    }
    touched.add(target.collection);
    const key = String(wave);
    const before = { fingerprint: state.fingerprints[key], minWave: state.minWave, checkpoint: state.checkpoint };
    if (fingerprint === undefined) delete state.fingerprints[key];
    else state.fingerprints[key] = fingerprint;
    if (state.minWave !== null && fingerprint !== undefined) state.minWave = Math.min(state.minWave, wave);
    state.checkpoint = Math.max(state.checkpoint ?? -Infinity, wave);
    if (
      state.fingerprints[key] !== before.fingerprint ||
      state.minWave !== before.minWave ||
      state.checkpoint !== before.checkpoint
    )
      changed.add(target.collection);
  }
  for (const collection of touched) {
    const state = states.get(collection);
    if (!state || state.checkpoint === null) continue;
    const oldest = state.checkpoint - rescanWindow;
    const kept = Object.entries(state.fingerprints).filter(([wave]) => Number(wave) > oldest);
    if (kept.length === Object.keys(state.fingerprints).length) continue;
    state.fingerprints = Object.fromEntries(kept);
    changed.add(collection);
  }
  return changed;
}
