// Throwaway MariaDB source databases for integration tests: a uniquely named database with the
// default source schema (extraction_cycle and a measures table), and helpers to fill it.
import { randomBytes } from 'node:crypto';
import mysql, { type Connection } from 'mysql2/promise';

/** The MariaDB every test machine runs: root with an empty password on 127.0.0.1:3306. */
export const mysqlRoot = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;
/** {@link mysqlRoot} as a URL, for messages and tools that take one. */
export const mysqlRootUrl = `mysql://${mysqlRoot.user}@${mysqlRoot.host}:${mysqlRoot.port}`;

const INSERT_CHUNK_ROWS = 5_000;

export interface CycleRow {
  wave: number;
  monitory: string;
  interval: number;
}

export interface MeasureRow {
  wave: number;
  pointId: string;
  value: number | null;
}

export interface SourceDatabase {
  /** The database's name, `dbp_t_<hex>` unless chosen. */
  readonly name: string;
  readonly measuresTable: string;
  /** A root connection with the database selected. */
  readonly connection: Connection;
  insertCycles(rows: readonly CycleRow[]): Promise<void>;
  insertMeasures(rows: readonly MeasureRow[]): Promise<void>;
  /** Drops the database and closes the connection. Idempotent. */
  drop(): Promise<void>;
}

export interface SourceDatabaseOptions {
  /** Name of the measures table; default `TL_measures`. */
  measuresTable?: string;
  /** The database's name; default `dbp_t_<hex>`. */
  name?: string;
}

/** Opens a root connection to the test MariaDB (no database selected). */
export function connectMysqlRoot(): Promise<Connection> {
  return mysql.createConnection({ ...mysqlRoot, supportBigNumbers: true });
}

/** The default source schema's two tables, with the indexes the sync expects. */
export function sourceTablesDdl(measuresTable: string): string[] {
  return [
    `CREATE TABLE extraction_cycle (
       wave_counter BIGINT NOT NULL,
       monitory_name VARCHAR(128) NOT NULL,
       extraction_interval INT NOT NULL,
       KEY (wave_counter),
       KEY (monitory_name, wave_counter))`,
    `CREATE TABLE ${mysql.escapeId(measuresTable)} (
       id BIGINT AUTO_INCREMENT PRIMARY KEY,
       wave_counter BIGINT NOT NULL,
       point_id VARCHAR(128) NOT NULL,
       point_value DOUBLE NULL,
       KEY (wave_counter))`,
  ];
}

export async function createSourceDatabase(options: SourceDatabaseOptions = {}): Promise<SourceDatabase> {
  const measuresTable = options.measuresTable ?? 'TL_measures';
  const name = options.name ?? `dbp_t_${randomBytes(6).toString('hex')}`;
  const connection = await connectMysqlRoot();
  try {
    await connection.query(`CREATE DATABASE \`${name}\``);
    await connection.changeUser({ database: name });
    for (const statement of sourceTablesDdl(measuresTable)) await connection.query(statement);
  } catch (error) {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    await connection.end();
    throw error;
  }

  let dropped: Promise<void> | undefined;
  return {
    name,
    measuresTable,
    connection,
    insertCycles: (rows) =>
      insertRows(
        connection,
        'extraction_cycle (wave_counter, monitory_name, extraction_interval)',
        rows.map((row) => [row.wave, row.monitory, row.interval]),
      ),
    insertMeasures: (rows) =>
      insertRows(
        connection,
        `${mysql.escapeId(measuresTable)} (wave_counter, point_id, point_value)`,
        rows.map((row) => [row.wave, row.pointId, row.value]),
      ),
    drop() {
      dropped ??= (async () => {
        try {
          await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
        } finally {
          await connection.end();
        }
      })();
      return dropped;
    },
  };
}

/** Multi-row INSERTs with bound parameters, in chunks that stay well under max_allowed_packet. */
async function insertRows(
  connection: Connection,
  target: string,
  rows: readonly (readonly (string | number | null)[])[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
    const placeholders = chunk.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ');
    const sql = `INSERT INTO ${target} VALUES ${placeholders}`;
    await connection.execute(sql, chunk.flat());
    // Each chunk size is its own prepared statement; releasing it keeps the server's
    // max_prepared_stmt_count out of reach in long tests.
    connection.unprepare(sql);
  }
}
