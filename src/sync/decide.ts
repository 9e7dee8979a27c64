// Pure decision of what to write for one chunk of waves, and what the checkpoint learns once acknowledged.
import type { PivotWave } from './pivot.js';
import type { WaveTarget } from './plan.js';
import type { PivotDocument } from './types.js';

export interface CollectionWrites {
  /** Waves believed absent: inserted; any that exist after all are replaced. */
  insert: PivotDocument[];
  /** Waves that exist and changed. */
  replace: PivotDocument[];
  /** Waves whose cycle row or measures disappeared from the source. */
  remove: number[];
}

export interface AckedWave {
  target: WaveTarget;
  wave: number;
  /** Digest of what the collection now holds for the wave; undefined when it holds nothing. */
  digest: string | undefined;
}

export interface ChunkDecision {
  writes: Map<string, CollectionWrites>;
  acked: AckedWave[];
  documents: number;
}

/** Whether a chunk's rows must be read at all: a chunk of removals only needs none. */
export function needsRows(waves: readonly number[], plan: ReadonlyMap<number, readonly WaveTarget[]>): boolean {
  return waves.some((wave) => plan.get(wave)?.some((target) => target.action !== 'remove'));
}

export function decideWrites(
  waves: readonly number[],
  plan: ReadonlyMap<number, readonly WaveTarget[]>,
  pivot: ReadonlyMap<number, PivotWave>,
): ChunkDecision {
  const writes = new Map<string, CollectionWrites>();
  const acked: AckedWave[] = [];
  let documents = 0;
  const writesOf = (collection: string): CollectionWrites => {
    let entry = writes.get(collection);
    if (!entry) {
      entry = { insert: [], replace: [], remove: [] };
      writes.set(collection, entry);
    }
    return entry;
  };
  for (const wave of waves) {
    for (const target of plan.get(wave) ?? []) {
      const pivoted = target.action === 'remove' ? undefined : pivot.get(wave);
      acked.push({ target, wave, digest: pivoted?.digest });
      if (!pivoted) {
        // No measures (yet), or no cycle row any more: no document. One that existed goes.
        if (target.previous !== undefined) writesOf(target.collection).remove.push(wave);
        continue;
      }
      if (target.previous === pivoted.digest) continue;
      documents += 1;
      if (target.previous === undefined) writesOf(target.collection).insert.push(pivoted.doc);
      else writesOf(target.collection).replace.push(pivoted.doc);
    }
  }
  return { writes, acked, documents };
}
