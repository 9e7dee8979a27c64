// Data shapes shared by the sync engine's pure core and its MySQL / MongoDB edges.

/** One row of the extraction cycle table. */
export interface CycleRow {
  wave: number;
  monitory: string;
  interval: number;
}

/** A cycle row of a due wave with the server's digest of the wave's measures (undefined: it has none). */
export interface CheckedCycle extends CycleRow {
  digest: string | undefined;
}

/**
 * One measure row as read from MySQL: wave counter, point id, value, and the server's CRC32 of the
 * row's digest text (see digest.ts), computed in the same statement as the row itself.
 */
export type MeasureRow = [wave: number, pointId: string, value: number | null, crc: number];

/** One pivot row: `_id` and `wave_counter` are the wave, `ts` its time, then one field per point. */
export type PivotDocument = { _id: number; wave_counter: number; ts: Date } & Record<string, unknown>;

/** What the engine remembers per collection, stored in MongoDB beside the data. */
export interface CollectionState {
  collection: string;
  monitory: string;
  interval: number;
  /** Highest wave such that it and every wave before it are acknowledged by MongoDB. */
  checkpoint: number | null;
  /** Digest (count:sum, see digest.ts) of what each wave's document was written from, by wave. */
  digests: Record<string, string>;
  /** No document of this collection is older than this; null when unknown. */
  minWave: number | null;
  /** Unix seconds of the last completed check pass; null before the first. */
  checkedAt: number | null;
  /** Unix seconds of the last completed retention pass; null before the first. */
  retentionAt: number | null;
}

/** A value of the measures table's change column: an id (number, or digits beyond 2^53) or a time string. */
export type ChangeValue = number | string;

/** The largest change value MySQL showed at a moment (unix seconds); settled once old enough. */
export interface ChangeMark {
  at: number;
  max: ChangeValue;
}

/** Where the change cursor of one project's measures table stands, stored beside the checkpoints. */
export interface ChangeState {
  /** Every row with a change value up to this was seen settled; null before the first. */
  cursor: ChangeValue | null;
  /** Marks not settled yet, ascending. */
  marks: ChangeMark[];
}
