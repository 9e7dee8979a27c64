// Pivot rows streamed from a MongoDB cursor, in wave order, a bounded batch at a time: memory does
// not grow with the range. The range's bounds are fixed before the first row, so a second pass
// (the table and csv formats need one) reads the same waves.
import type { Db, Filter } from 'mongodb';
import { encodePointId } from '../sync/point-ids.js';
import { OWN_FIELDS, QueryError, chooseCollection, toPivotRow, type PivotQuery, type PivotRow } from './pivot-rows.js';

/**
 * Documents per cursor batch. The driver's default asks for up to 16 MB per getMore, i.e. tens of
 * thousands of pivot documents decoded at once; 256 documents of 300 points are about 1.5 MB.
 */
export const CURSOR_BATCH_DOCUMENTS = 256;

/** A query resolved to one collection and an inclusive, fixed range of wave counters. */
export interface ResolvedQuery {
  collection: string;
  /** null: the range holds no document. */
  range: { from: number | null; to: number } | null;
  /** Only these point ids, in this order; undefined for every point. */
  points?: readonly string[];
}

/** Validates the query, picks its collection and pins the range's bounds to existing waves. */
export async function resolvePivotQuery(db: Db, query: PivotQuery): Promise<ResolvedQuery> {
  if (query.last !== undefined && (query.from !== undefined || query.to !== undefined)) {
    throw new QueryError('give either --last N or --from/--to, not both');
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new QueryError(`--from (${query.from}) is after --to (${query.to}); expected from ≤ to`);
  }
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const collection = chooseCollection(names, query);
  const docs = db.collection<{ _id: number }>(collection);
  const points = query.points ? { points: query.points } : {};
  const idAt = async (filter: Filter<{ _id: number }>, direction: 1 | -1, skip = 0): Promise<number | null> => {
    const found = await docs
      .find(filter, { projection: { _id: 1 } })
      .sort({ _id: direction })
      .skip(skip)
      .limit(1)
      .next();
    return found === null ? null : found._id;
  };
  if (query.from !== undefined || query.to !== undefined) {
    // Without an upper bound, waves written while the rows stream would join the second pass only.
    const to = query.to ?? (await idAt(query.from === undefined ? {} : { _id: { $gte: query.from } }, -1));
    return { collection, range: to === null ? null : { from: query.from ?? null, to }, ...points };
  }
  const last = query.last ?? 10;
  const to = await idAt({}, -1);
  if (to === null) return { collection, range: null, ...points };
  // The last-th newest wave at or before `to`; fewer waves than that: all of them.
  const from = await idAt({ _id: { $lte: to } }, -1, last - 1);
  return { collection, range: { from, to }, ...points };
}

/** The resolved query's rows, oldest wave first; breaking out of the loop closes the cursor. */
export async function* streamPivotRows(db: Db, resolved: ResolvedQuery): AsyncGenerator<PivotRow> {
  if (resolved.range === null) return;
  const { from, to } = resolved.range;
  const filter: Filter<{ _id: number }> = { _id: from === null ? { $lte: to } : { $gte: from, $lte: to } };
  const projection = resolved.points
    ? Object.fromEntries([...OWN_FIELDS, ...resolved.points.map(encodePointId)].map((field) => [field, 1]))
    : undefined;
  const cursor = db
    .collection<{ _id: number }>(resolved.collection)
    .find(filter, projection ? { projection } : {})
    .sort({ _id: 1 })
    .batchSize(CURSOR_BATCH_DOCUMENTS);
  // The driver's iterator closes the cursor when the loop ends early or throws.
  for await (const doc of cursor) yield toPivotRow(doc);
}
