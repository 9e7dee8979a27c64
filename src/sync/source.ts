// The MySQL side: reads cycles and measures with bound parameters and quoted, validated identifiers.
import type { Socket } from 'node:net';
import mysql from 'mysql2/promise';
import type { SourceSchema } from '../config/defaults-schema.js';
import { SourceError } from '../errors.js';
import { CRC32_PROBE, CRC32_PROBE_VALUE } from './digest.js';
import type { WaveRange } from './schedule.js';
import { pad, rangeParams, rangeSlots, sourceSql } from './source-sql.js';
import type { MysqlTlsOptions } from '../tls/mysql-ssl.js';
import { changeMethods, type ChangeReads } from './source-change.js';
import { checkedCycleRows, cycleRows, describeMysqlError, measureRows, socketOf } from './source-rows.js';
import type { CheckedCycle, CycleRow, MeasureRow } from './types.js';

export interface SourceOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  measures: string;
  schema: SourceSchema;
  connectTimeoutSeconds: number;
  /** A query not answered in this time is abandoned and its connection destroyed. */
  queryTimeoutSeconds: number;
  /** Waves per measures query: the list is padded to this length so one prepared statement serves all. */
  wavesPerQuery: number;
  /** mysql2 TLS options (`ssl`, maybe `stream`); undefined: no TLS. */
  tls?: MysqlTlsOptions | undefined;
}

export interface Source extends ChangeReads {
  /** Cycles of each monitory name from its own `from` on, ascending, at most `limit` rows. */
  readCycles(froms: readonly (readonly [monitory: string, from: number])[], limit: number): Promise<CycleRow[]>;
  /**
   * Cycles of the given monitory names in waves of `ranges` (at most RANGES_PER_QUERY of them) from
   * `from` on, ascending, at most `limit` rows, each with its wave's digest from the same statement.
   */
  readCheckedCycles(
    monitories: readonly string[],
    ranges: readonly WaveRange[],
    from: number,
    limit: number,
  ): Promise<CheckedCycle[]>;
  /** The oldest wave of a monitory name from `from` on, or null when there is none. */
  oldestCycle(monitory: string, from: number): Promise<number | null>;
  /** All measures of the given waves with each row's CRC, in no particular order. */
  readMeasures(waves: readonly number[]): Promise<MeasureRow[]>;
  /** Fails unless the server's CRC32 is the standard one the digests rely on. */
  verifyCrc32(): Promise<void>;
  /** False when the cycle table has no index starting with (monitory name, wave counter). */
  hasCycleIndex(): Promise<boolean>;
  /** Checks that MySQL answers and the credentials work. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createSource(options: SourceOptions): Source {
  const s = options.schema;
  const sql = sourceSql(s, options.measures);
  const where = `${options.host}:${options.port}/${options.database}`;
  const pool = mysql.createPool({
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    database: options.database,
    connectTimeout: options.connectTimeoutSeconds * 1000,
    connectionLimit: 2,
    maxIdle: 2,
    idleTimeout: 60_000,
    enableKeepAlive: true,
    supportBigNumbers: true,
    dateStrings: true,
    ...options.tls,
  });
  // Every connection's socket, so that close() can cut the ones that no longer answer.
  const sockets = new Set<Socket>();
  pool.on('connection', (connection) => {
    // The pool reports broken idle connections here; the next query gets a fresh one.
    connection.on('error', () => undefined);
    // A TIMESTAMP change column is compared as text in the session's zone: UTC has no DST jumps.
    if (s.measure_change_column !== undefined)
      (connection as unknown as { query(sql: string, done: () => void): void }).query(
        "SET time_zone = '+00:00'",
        () => undefined,
      );
    const socket = socketOf(connection);
    if (socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
  });

  const fail = (what: string, error: unknown): SourceError =>
    new SourceError(`MySQL ${where}: ${what} failed: ${describeMysqlError(error)}`, { cause: error });

  // mysql2's own `timeout` only rejects the promise: the command stays queued on the connection,
  // which goes back to the pool and blocks every later query behind the one that hangs. Here the
  // connection of a query that did not answer in time is destroyed, never reused.
  async function execute(sql: string, params: readonly (string | number)[]): Promise<unknown[]> {
    const connection = await pool.getConnection();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      const answered = connection.execute({ sql, rowsAsArray: true }, [...params]).then(([rows]) => rows as unknown[]);
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(
            new Error(
              `no answer within ${options.queryTimeoutSeconds} s (sync.query_timeout_seconds); the query was abandoned and its connection closed`,
            ),
          );
        }, options.queryTimeoutSeconds * 1000);
      });
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
      if (timedOut) {
        connection.destroy();
        // mysql2's destroy() only half-closes the socket, which then waits for a goodbye that a
        // dead network never delivers, and keeps the process from exiting.
        socketOf(connection)?.destroy();
      } else connection.release();
    }
  }

  return {
    ...changeMethods(s.measure_change_column, sql, execute, fail, options.measures),

    async readCycles(froms, limit) {
      try {
        return cycleRows(await execute(sql.cyclesFrom(froms.length, limit), froms.flat()));
      } catch (error) {
        throw fail(`reading ${s.cycle_table}`, error);
      }
    },

    async readCheckedCycles(monitories, ranges, from, limit) {
      if (ranges.length === 0) return [];
      try {
        const slots = rangeSlots(ranges.length);
        const statement = sql.cyclesWithDigests(monitories.length, slots, limit);
        return checkedCycleRows(await execute(statement, [...monitories, from, ...rangeParams(ranges, slots)]));
      } catch (error) {
        throw fail(`reading ${s.cycle_table} with the digests of ${options.measures}`, error);
      }
    },

    async oldestCycle(monitory, from) {
      try {
        const rows = await execute(sql.oldestCycle(), [monitory, from]);
        const value = (rows as [number | string | null][])[0]?.[0];
        return value === null || value === undefined ? null : Number(value);
      } catch (error) {
        throw fail(`reading ${s.cycle_table}`, error);
      }
    },

    async readMeasures(waves) {
      if (waves.length === 0) return [];
      const params = pad(waves, Math.max(options.wavesPerQuery, waves.length));
      try {
        return measureRows(await execute(sql.measures(params.length), params));
      } catch (error) {
        throw fail(`reading ${options.measures}`, error);
      }
    },

    async verifyCrc32() {
      let got: unknown;
      try {
        got = (await execute(sql.crcProbe(), [CRC32_PROBE]))[0];
      } catch (error) {
        throw fail('checking CRC32()', error);
      }
      const value = Number((got as unknown[] | undefined)?.[0]);
      if (value !== CRC32_PROBE_VALUE)
        throw new SourceError(
          `MySQL ${where}: CRC32('${CRC32_PROBE}') gave ${String(value)}, expected ${CRC32_PROBE_VALUE} (the standard CRC-32); ` +
            'the per-wave digests cannot be trusted on this server',
        );
    },

    async hasCycleIndex() {
      try {
        const rows = (await execute(sql.cycleIndexes(), [s.cycle_table])) as [string, number | string, string][];
        const first = new Map<string, string[]>();
        for (const [index, , column] of rows) first.set(index, [...(first.get(index) ?? []), column.toLowerCase()]);
        const want = [s.cycle_monitory_name.toLowerCase(), s.cycle_wave_counter.toLowerCase()];
        return [...first.values()].some((columns) => columns[0] === want[0] && columns[1] === want[1]);
      } catch (error) {
        throw fail(`reading the indexes of ${s.cycle_table}`, error);
      }
    },

    async ping() {
      try {
        await execute('SELECT 1', []);
      } catch (error) {
        throw fail('connecting', error);
      }
    },

    async close() {
      // pool.end() waits for each connection to say goodbye; one on a dead network never does.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([pool.end().catch(() => undefined), grace]);
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
    },
  };
}

const CLOSE_GRACE_MS = 2000;
