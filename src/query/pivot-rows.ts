// Reading pivot rows back for people and programs that do not know MongoDB: find the project's
// collection, fetch the last N waves or a range, decode the point ids. Also the typed library API.
import { MongoClient, type Db } from 'mongodb';
import { DbProxyError, SinkError, describeError } from '../errors.js';
import { redact } from '../logging/redact.js';
import { closestKey } from '../request/suggest.js';
import { decodePointId } from '../sync/point-ids.js';
import { mongoHosts } from '../sync/sink.js';

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

export function toPivotRows(collection: string, docs: readonly Record<string, unknown>[]): PivotRows {
  const points = new Set<string>();
  const rows = docs.map((doc) => {
    const values: Record<string, number | null> = {};
    for (const [field, value] of Object.entries(doc)) {
      if (field === '_id' || field === 'wave_counter' || field === 'ts') continue;
      const point = decodePointId(field);
      points.add(point);
      values[point] = typeof value === 'number' ? value : null;
    }
    const wave = Number(doc.wave_counter ?? doc._id);
    return { wave_counter: wave, ts: doc.ts instanceof Date ? doc.ts : new Date(wave * 1000), values };
  });
  return { collection, points: [...points].sort(), rows };
}

export async function queryPivot(db: Db, query: PivotQuery): Promise<PivotRows> {
  if (query.last !== undefined && (query.from !== undefined || query.to !== undefined)) {
    throw new QueryError('give either --last N or --from/--to, not both');
  }
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const collection = chooseCollection(names, query);
  const docs = db.collection<Record<string, unknown>>(collection);
  let found: Record<string, unknown>[];
  if (query.from !== undefined || query.to !== undefined) {
    const range: Record<string, number> = {};
    if (query.from !== undefined) range.$gte = query.from;
    if (query.to !== undefined) range.$lte = query.to;
    found = await docs.find({ _id: range }).sort({ _id: 1 }).toArray();
  } else {
    found = (
      await docs
        .find()
        .sort({ _id: -1 })
        .limit(query.last ?? 10)
        .toArray()
    ).reverse();
  }
  const result = toPivotRows(collection, found);
  return query.points ? selectPoints(result, query.points) : result;
}

/** Keeps the given points, in the order given. */
export function selectPoints(result: PivotRows, points: readonly string[]): PivotRows {
  const keep = new Set(points);
  return {
    collection: result.collection,
    points: [...points],
    rows: result.rows.map((row) => ({
      ...row,
      values: Object.fromEntries(Object.entries(row.values).filter(([point]) => keep.has(point))),
    })),
  };
}

/** For other Node programs: `const reader = openPivotReader({ url, database: 'db_proxy' })`. */
export function openPivotReader(options: { url: string; database: string }): {
  query(query: PivotQuery): Promise<PivotRows>;
  close(): Promise<void>;
} {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: 10_000, appName: 'db-proxy-query' });
  return {
    async query(query) {
      try {
        return await queryPivot(client.db(options.database), query);
      } catch (error) {
        if (error instanceof DbProxyError) throw error;
        throw new SinkError(
          `MongoDB ${mongoHosts(options.url)} database ${options.database}: query failed: ${redact(describeError(error))}`,
          { cause: error },
        );
      }
    },
    close: () => client.close(),
  };
}

/** One line per row, a column per point; csv quoted as RFC 4180 says. */
export function formatPivotRows(result: PivotRows, format: 'table' | 'csv' | 'json'): string {
  const header = ['wave_counter', 'ts', ...result.points];
  const cellsOf = (row: PivotRow): string[] => [
    String(row.wave_counter),
    row.ts.toISOString(),
    ...result.points.map((p) => (p in row.values ? (row.values[p] === null ? 'null' : String(row.values[p])) : '')),
  ];
  if (format === 'json') {
    return `${JSON.stringify(
      result.rows.map((row) => ({ wave_counter: row.wave_counter, ts: row.ts.toISOString(), ...row.values })),
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') {
    const quote = (cell: string): string => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    return `${[header, ...result.rows.map(cellsOf)].map((line) => line.map(quote).join(',')).join('\n')}\n`;
  }
  const lines = [header, ...result.rows.map(cellsOf)];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return `${lines
    .map((line) =>
      line
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
