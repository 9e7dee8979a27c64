// The MySQL side: reads cycles and measures with bound parameters and quoted, validated identifiers.
import mysql from 'mysql2/promise';
import type { SourceSchema } from '../config/defaults-schema.js';
import { SourceError, describeError } from '../errors.js';
import { quoteMysqlIdentifier as q } from '../request/identifiers.js';
import type { CycleRow, MeasureRow } from './types.js';

export interface SourceOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  measures: string;
  schema: SourceSchema;
  connectTimeoutSeconds: number;
  /** Waves per measures query: the list is padded to this length so one prepared statement serves all. */
  wavesPerQuery: number;
}

export interface Source {
  /** Cycles of the given monitory names from `from` on, ascending, at most `limit` waves' worth. */
  readCycles(monitories: readonly string[], from: number, limit: number): Promise<CycleRow[]>;
  /** The oldest wave of a monitory name from `from` on, or null when there is none. */
  oldestCycle(monitory: string, from: number): Promise<number | null>;
  /** All measures of the given waves, in no particular order. */
  readMeasures(waves: readonly number[]): Promise<MeasureRow[]>;
  /** Checks that MySQL answers and the credentials work. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createSource(options: SourceOptions): Source {
  const s = options.schema;
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
  });
  // The pool reports broken idle connections here; the next query gets a fresh one.
  pool.on('connection', (connection) => connection.on('error', () => undefined));

  const fail = (what: string, error: unknown): SourceError =>
    new SourceError(`MySQL ${where}: ${what} failed: ${describeMysqlError(error)}`, { cause: error });

  return {
    async readCycles(monitories, from, limit) {
      const sql =
        `SELECT ${q(s.cycle_wave_counter)}, ${q(s.cycle_monitory_name)}, ${q(s.cycle_interval)} ` +
        `FROM ${q(s.cycle_table)} WHERE ${q(s.cycle_monitory_name)} IN (${monitories.map(() => '?').join(',')}) ` +
        `AND ${q(s.cycle_wave_counter)} >= ? ORDER BY ${q(s.cycle_wave_counter)} LIMIT ${Math.trunc(limit)}`;
      try {
        const [rows] = await pool.execute({ sql, rowsAsArray: true }, [...monitories, from]);
        return (rows as [number | string, string, number | string][]).map(([wave, monitory, interval]) => ({
          wave: Number(wave),
          monitory,
          interval: Number(interval),
        }));
      } catch (error) {
        throw fail(`reading ${s.cycle_table}`, error);
      }
    },

    async oldestCycle(monitory, from) {
      const sql =
        `SELECT MIN(${q(s.cycle_wave_counter)}) FROM ${q(s.cycle_table)} ` +
        `WHERE ${q(s.cycle_monitory_name)} = ? AND ${q(s.cycle_wave_counter)} >= ?`;
      try {
        const [rows] = await pool.execute({ sql, rowsAsArray: true }, [monitory, from]);
        const value = (rows as [number | string | null][])[0]?.[0];
        return value === null || value === undefined ? null : Number(value);
      } catch (error) {
        throw fail(`reading ${s.cycle_table}`, error);
      }
    },

    async readMeasures(waves) {
      if (waves.length === 0) return [];
      const slots = Math.max(options.wavesPerQuery, waves.length);
      const params = [...waves];
      while (params.length < slots) params.push(waves[waves.length - 1] ?? 0);
      const sql =
        `SELECT ${q(s.measure_wave_counter)}, ${q(s.measure_point_id)}, ${q(s.measure_point_value)} ` +
        `FROM ${q(options.measures)} WHERE ${q(s.measure_wave_counter)} IN (${params.map(() => '?').join(',')})`;
      try {
        const [rows] = await pool.execute({ sql, rowsAsArray: true }, params);
        const result = rows as [number | string, string | number, number | string | null][];
        for (const row of result) {
          // BIGINT beyond 2^53 would come back as a string; wave counters are unix seconds, far below.
          if (typeof row[0] !== 'number') row[0] = Number(row[0]);
          if (typeof row[1] !== 'string') row[1] = String(row[1]);
          if (typeof row[2] === 'string') row[2] = Number(row[2]);
        }
        return result as MeasureRow[];
      } catch (error) {
        throw fail(`reading ${options.measures}`, error);
      }
    },

    async ping() {
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        throw fail('connecting', error);
      }
    },

    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

function describeMysqlError(error: unknown): string {
  const e = error as { code?: string; errno?: number; sqlMessage?: string };
  if (e.sqlMessage) return `${e.sqlMessage}${e.code ? ` (${e.code})` : ''}`;
  return describeError(error) || e.code || 'unknown error';
}
