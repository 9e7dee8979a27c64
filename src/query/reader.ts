// The library API of the query: `openPivotReader({ url, database })` for other Node programs, with
// rows() streaming any range from a cursor and query() collecting a small one into memory.
import { MongoClient, type Db } from 'mongodb';
import { DbProxyError, SinkError, describeError } from '../errors.js';
import { redact } from '../logging/redact.js';
import { mongoHosts } from '../sync/sink.js';
import { collectRows, type PivotQuery, type PivotRow, type PivotRows } from './pivot-rows.js';
import { resolvePivotQuery, streamPivotRows, type ResolvedQuery } from './stream.js';

/** Every row of the query in memory: for small ranges; rows() streams any range. */
export async function queryPivot(db: Db, query: PivotQuery): Promise<PivotRows> {
  const resolved = await resolvePivotQuery(db, query);
  const rows: PivotRow[] = [];
  for await (const row of streamPivotRows(db, resolved)) rows.push(row);
  return collectRows(resolved.collection, rows, resolved.points);
}

export interface PivotReader {
  /** The rows of the query, oldest wave first, a cursor batch at a time; memory stays bounded. */
  rows(query: PivotQuery): AsyncGenerator<PivotRow>;
  /** The query resolved to its collection and fixed bounds, for streamRows (several passes). */
  resolve(query: PivotQuery): Promise<ResolvedQuery>;
  /** The rows of a resolved query; each call opens a new cursor over the same waves. */
  streamRows(resolved: ResolvedQuery): AsyncGenerator<PivotRow>;
  /** Every row in memory (small ranges). */
  query(query: PivotQuery): Promise<PivotRows>;
  close(): Promise<void>;
}

/** For other Node programs: `const reader = openPivotReader({ url, database: 'db_proxy' })`. */
export function openPivotReader(options: { url: string; database: string }): PivotReader {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: 10_000, appName: 'db-proxy-query' });
  const db = client.db(options.database);
  const failed = (error: unknown): Error => {
    if (error instanceof DbProxyError) return error;
    return new SinkError(
      `MongoDB ${mongoHosts(options.url)} database ${options.database}: query failed: ${redact(describeError(error))}`,
      { cause: error },
    );
  };
  async function* guarded(rows: AsyncGenerator<PivotRow>): AsyncGenerator<PivotRow> {
    try {
      yield* rows;
    } catch (error) {
      throw failed(error);
    }
  }
  const resolve = async (query: PivotQuery): Promise<ResolvedQuery> => {
    try {
      return await resolvePivotQuery(db, query);
    } catch (error) {
      throw failed(error);
    }
  };
  return {
    resolve,
    streamRows: (resolved) => guarded(streamPivotRows(db, resolved)),
    async *rows(query) {
      yield* guarded(streamPivotRows(db, await resolve(query)));
    },
    async query(query) {
      try {
        return await queryPivot(db, query);
      } catch (error) {
        throw failed(error);
      }
    },
    close: () => client.close(),
  };
}
