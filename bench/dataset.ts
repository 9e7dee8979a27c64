// The synthetic source: a fresh MariaDB database with extraction_cycle and TL_measures, filled by
// LOAD DATA LOCAL INFILE from a generated tab-separated file (\N for the ~2% NULL values).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import mysql from 'mysql2/promise';
import { defer } from './cleanup.ts';

export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;
export const MEASURES_TABLE = 'TL_measures';
const NULL_RATE = 0.02;
const RETENTION_DAYS = 30;

export interface DatasetShape {
  monitories: number;
  /** Waves per monitory name. */
  waves: number;
  points: number;
}

export interface Dataset extends DatasetShape {
  database: string;
  monitoryNames: string[];
  interval: number;
  /** Monitory m (0-based) has waves base + i * interval + m. */
  base: number;
  firstWave: number;
  lastWave: number;
  rows: number;
  documents: number;
  loadMs: number;
  drop(): Promise<void>;
}

export function monitoryNames(count: number): string[] {
  return Array.from({ length: count }, (_, m) => `Extraction_${m + 1}_dev_a`);
}

export function pointIds(count: number): string[] {
  const width = Math.max(5, String(count - 1).length);
  return Array.from({ length: count }, (_, p) => String(p).padStart(width, '0'));
}

/** A random double, NULL about 2% of the time. */
export function randomValue(): number | null {
  return Math.random() < NULL_RATE ? null : Math.random() * 2000 - 500;
}

export function retentionDays(): number {
  return RETENTION_DAYS;
}

export function connectRoot(database?: string) {
  return mysql.createConnection({ ...MYSQL, database, supportBigNumbers: true });
}

/** The source tables as the product expects them: both indexed on the wave counter, the cycle
 * table also on (monitory name, wave counter); the measures table with an AUTO_INCREMENT id. */
export async function createSourceTables(connection: Pick<mysql.Connection, 'query'>): Promise<void> {
  await connection.query(
    `CREATE TABLE extraction_cycle (
       wave_counter BIGINT NOT NULL,
       monitory_name VARCHAR(128) NOT NULL,
       extraction_interval INT NOT NULL,
       KEY (wave_counter),
       KEY (monitory_name, wave_counter))`,
  );
  await connection.query(
    `CREATE TABLE \`${MEASURES_TABLE}\` (
       id BIGINT AUTO_INCREMENT PRIMARY KEY,
       wave_counter BIGINT NOT NULL,
       point_id VARCHAR(128) NOT NULL,
       point_value DOUBLE NULL,
       KEY (wave_counter))`,
  );
}

export async function createDataset(shape: DatasetShape, nowSeconds: number): Promise<Dataset> {
  const started = performance.now();
  // One wave a minute per monitory; shorter when that would not fit in the retention.
  const interval = Math.max(shape.monitories, Math.min(60, Math.floor(((RETENTION_DAYS - 1) * 86_400) / shape.waves)));
  // The newest wave is a couple of minutes old, so waves committed "now" are newer than all of them.
  const base = Math.floor(nowSeconds) - shape.waves * interval - 120;
  const database = `dbp_bench_${randomBytes(5).toString('hex')}`;
  const names = monitoryNames(shape.monitories);
  const connection = await connectRoot();
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    const c = await connectRoot();
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    } finally {
      await c.end();
    }
  };
  const undo = defer(`drop MariaDB database ${database}`, drop);
  const dir = await mkdtemp(join(tmpdir(), 'dbp-bench-data-'));
  const removeDir = defer('remove the generated data file', () => rm(dir, { recursive: true, force: true }));
  try {
    await connection.query(`CREATE DATABASE \`${database}\``);
    await connection.changeUser({ database });
    await createSourceTables(connection);

    // Cycle rows: small, multi-row INSERTs.
    const cycles: (string | number)[][] = [];
    for (let i = 0; i < shape.waves; i++) {
      for (let m = 0; m < shape.monitories; m++) cycles.push([base + i * interval + m, names[m] ?? '', interval]);
    }
    for (let start = 0; start < cycles.length; start += 5_000) {
      const chunk = cycles.slice(start, start + 5_000);
      await connection.query(
        'INSERT INTO extraction_cycle (wave_counter, monitory_name, extraction_interval) VALUES ?',
        [chunk],
      );
    }

    // Measures: a generated file, loaded in one statement (in wave order, as the extraction writes them).
    const file = join(dir, 'measures.tsv');
    await writeMeasuresFile(file, shape, base, interval);
    await connection.query({
      sql: `LOAD DATA LOCAL INFILE ? INTO TABLE \`${MEASURES_TABLE}\` FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (wave_counter, point_id, point_value)`,
      values: [file],
      infileStreamFactory: () => createReadStream(file),
    });
    await removeDir();
    const [[count]] = (await connection.query(`SELECT COUNT(*) AS n FROM \`${MEASURES_TABLE}\``)) as unknown as [
      [{ n: number }],
    ];
    const rows = shape.monitories * shape.waves * shape.points;
    if (Number(count?.n) !== rows)
      throw new Error(`${database}.${MEASURES_TABLE} holds ${String(count?.n)} rows after the load, expected ${rows}`);
  } catch (error) {
    await undo().catch(() => undefined);
    throw error;
  } finally {
    await connection.end();
  }
  return {
    ...shape,
    database,
    monitoryNames: names,
    interval,
    base,
    firstWave: base,
    lastWave: base + (shape.waves - 1) * interval + (shape.monitories - 1),
    rows: shape.monitories * shape.waves * shape.points,
    documents: shape.monitories * shape.waves,
    loadMs: performance.now() - started,
    drop: undo,
  };
}

async function writeMeasuresFile(file: string, shape: DatasetShape, base: number, interval: number): Promise<void> {
  const out = createWriteStream(file);
  const ids = pointIds(shape.points);
  let buffer = '';
  for (let i = 0; i < shape.waves; i++) {
    for (let m = 0; m < shape.monitories; m++) {
      const wave = base + i * interval + m;
      for (const id of ids) {
        const value = randomValue();
        buffer += `${wave}\t${id}\t${value === null ? '\\N' : String(value)}\n`;
      }
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}
