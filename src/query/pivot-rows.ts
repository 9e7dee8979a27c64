// Pivot rows as the query API speaks of them: the query, the rows, the choice of the one collection
// a query means, and pivot documents decoded back into rows (point ids decoded).
import { DbProxyError } from '../errors.js';
import { closestKey } from '../request/suggest.js';
import { decodePointId } from '../sync/point-ids.js';

export interface PivotQuery {
  /** The project (MySQL database). */
  database: string;
  /** The extraction package (monitory name). */
  monitory: string;
  /** Needed only when the monitory name has collections for several intervals. */
  interval?: number;
  /** Needed only when the project syncs several measures tables. */
  measures?: string;
  /** The newest N waves (default 10 when no range is given). */
  last?: number;
  /** Inclusive range of wave counters (unix seconds). */
  from?: number;
  to?: number;
  /** Only these point ids (decoded); default every point. */
  points?: string[];
}

export interface PivotRow {
  wave_counter: number;
  ts: Date;
  /** Point id (decoded) → value; a point missing from the wave is absent, a NULL value is null. */
  values: Record<string, number | null>;
}

export interface PivotRows {
  collection: string;
  /** Every point id of the rows, sorted. */
  points: string[];
  rows: PivotRow[];
}

export class QueryError extends DbProxyError {
  constructor(message: string) {
    super('QUERY_INVALID', message, { exitCode: 78 });
  }
}

interface CollectionName {
  name: string;
  measures: string;
  monitory: string;
  interval: number;
}

function parseCollectionName(name: string, database: string): CollectionName | undefined {
  const parts = name.split(';');
  if (parts.length !== 4 || parts[0] !== database) return undefined;
  const interval = Number(parts[3]);
  if (!Number.isInteger(interval)) return undefined;
  return { name, measures: parts[1]!, monitory: parts[2]!, interval };
}

/** Picks the one collection a query means, or says which choices there are. */
export function chooseCollection(names: readonly string[], query: PivotQuery): string {
  const all = names.map((name) => parseCollectionName(name, query.database)).filter((c) => c !== undefined);
  if (all.length === 0) {
    // The AI team types project names by hand: name the closest project that has collections.
    const projects = [
      ...new Set(
        names
          .map((name) => name.split(';'))
          .filter((parts) => parts.length === 4)
          .map((parts) => parts[0]!),
      ),
    ];
    const close = closestKey(query.database, projects);
    throw new QueryError(
      `no pivot collections for the project ${query.database}${close ? ` (did you mean ${close}?)` : ''}`,
    );
  }
  const matching = all.filter(
    (c) =>
      c.monitory === query.monitory &&
      (query.interval === undefined || c.interval === query.interval) &&
      (query.measures === undefined || c.measures === query.measures),
  );
  const describe = (list: CollectionName[]): string =>
    list.map((c) => `--monitory ${c.monitory} --interval ${c.interval} --measures ${c.measures}`).join('; ');
  if (matching.length === 0)
    throw new QueryError(`no collection of ${query.database} matches; there are: ${describe(all)}`);
  if (matching.length > 1) throw new QueryError(`several collections match, choose one: ${describe(matching)}`);
  return matching[0]!.name;
}

/** The document's own fields, beside one field per point. */
export const OWN_FIELDS: ReadonlySet<string> = new Set(['_id', 'wave_counter', 'ts']);

/** One pivot document as a row; a NULL value stays null, a point missing from the wave is absent. */
export function toPivotRow(doc: Record<string, unknown>): PivotRow {
  const values: Record<string, number | null> = {};
  for (const [field, value] of Object.entries(doc)) {
    if (OWN_FIELDS.has(field)) continue;
    values[decodePointId(field)] = typeof value === 'number' ? value : null;
  }
  const wave = Number(doc.wave_counter ?? doc._id);
  return { wave_counter: wave, ts: doc.ts instanceof Date ? doc.ts : new Date(wave * 1000), values };
}

/** Rows in memory, with the sorted union of their point ids. */
export function toPivotRows(collection: string, docs: readonly Record<string, unknown>[]): PivotRows {
  return collectRows(collection, docs.map(toPivotRow));
}

export function collectRows(collection: string, rows: PivotRow[], only?: readonly string[]): PivotRows {
  if (only) return { collection, points: [...only], rows };
  const points = new Set<string>();
  for (const row of rows) for (const point of Object.keys(row.values)) points.add(point);
  return { collection, points: [...points].sort(), rows };
}
