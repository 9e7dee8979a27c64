// Pure decision of what to write for one chunk of waves, and what the checkpoint learns once acknowledged.
import type { PivotWave } from './pivot.js';
import type { WaveTarget } from './plan.js';
import type { PivotDocument } from './types.js';

/** Stands for "a document exists" where no fingerprint was computed; never equals a fingerprint. */
export const PRESENT = 'present';

export interface CollectionWrites {
  /** Waves believed absent: inserted; any that exist after all are replaced. */
  insert: PivotDocument[];
  /** Waves that exist and changed. */
  replace: PivotDocument[];
  /** Waves whose measures disappeared from the source. */
  remove: number[];
}

export interface AckedWave {
  target: WaveTarget;
  wave: number;
  /** Fingerprint of what the collection now holds for the wave; undefined when it holds nothing. */
  fingerprint: string | undefined;
}

export interface ChunkDecision {
  writes: Map<string, CollectionWrites>;
  acked: AckedWave[];
  documents: number;
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
    const pivoted = pivot.get(wave);
    for (const target of plan.get(wave) ?? []) {
      // A wave with a document but no fingerprint (outside the window) is recorded as present.
      acked.push({ target, wave, fingerprint: pivoted ? (pivoted.fingerprint ?? PRESENT) : undefined });
      if (!pivoted) {
        // No measures (yet): no document. One that existed before lost its measures.
        if (target.previous !== undefined) writesOf(target.collection).remove.push(wave);
        continue;
      }
      if (target.previous !== undefined && target.previous === pivoted.fingerprint) continue;
      documents += 1;
      if (target.previous === undefined) writesOf(target.collection).insert.push(pivoted.doc);
      else writesOf(target.collection).replace.push(pivoted.doc);
    }
  }
  return { writes, acked, documents };
}
