// The realistic building of the steady benchmark: extraction packages every 300 s and 900 s (÷ the
// time factor), 300 points, 7 days retained, in a fresh MariaDB database, loaded with LOAD DATA;
// then live waves, each one transaction (cycle row and measures), as the extraction writes them.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { defer } from './cleanup.ts';
import { MEASURES_TABLE, connectRoot, createSourceTables, pointIds, randomValue } from './dataset.ts';

export const BUILDING = {
  packages: [
    { monitory: 'Extraction_1_dev_a', interval: 300 },
    { monitory: 'Extraction_2_dev_a', interval: 900 },
  ],
  points: 300,
  retentionDays: 7,
  sleepTime: 5,
} as const;

export interface Building {
  database: string;
  /** Seconds between waves of each package: the realistic interval ÷ the time factor. */
  intervals: number[];
  /** Rows the building inserts per hour (all packages). */
  rowsPerHour: number;
  seededRows: number;
  seededWaves: number;
  loadMs: number;
  drop(): Promise<void>;
}

/** The wall-clock spacing of a package's waves: the realistic interval compressed by the factor. */
export function compressedIntervals(timeFactor: number): number[] {
  return BUILDING.packages.map((p) => Math.max(1, Math.round(p.interval / timeFactor)));
}

/**
 * A fresh database holding the building's history: every package's waves over the retention, the
 * newest `now`, in wave order. TL_measures has an AUTO_INCREMENT id, the change column a product
 * may be told to use (--change-column).
 */
export async function seedBuilding(timeFactor: number, now: number): Promise<Building> {
  const started = performance.now();
  const database = `dbp_bench_s_${randomBytes(5).toString('hex')}`;
  const intervals = compressedIntervals(timeFactor);
  const drop = defer(`drop MariaDB database ${database}`, async () => {
    const c = await connectRoot();
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    } finally {
      await c.end();
    }
  });
  const dir = await mkdtemp(join(tmpdir(), 'dbp-bench-building-'));
  const removeDir = defer('remove the building data files', () => rm(dir, { recursive: true, force: true }));
  const connection = await connectRoot();
  try {
    await connection.query(`CREATE DATABASE \`${database}\``);
    await connection.changeUser({ database });
    await createSourceTables(connection);
    // Every package's waves over the retention, merged in time order as the extraction writes them.
    const span = BUILDING.retentionDays * 86_400 - 600;
    const waves: { wave: number; p: number }[] = [];
    for (const [p, interval] of intervals.entries()) {
      for (let wave = now - p * 7; wave > now - span; wave -= interval) waves.push({ wave, p });
    }
    waves.sort((a, b) => a.wave - b.wave);
    const cycles = join(dir, 'cycles.tsv');
    const measures = join(dir, 'measures.tsv');
    await writeLines(
      cycles,
      waves.map(({ wave, p }) => `${wave}\t${BUILDING.packages[p]!.monitory}\t${BUILDING.packages[p]!.interval}\n`),
    );
    const ids = pointIds(BUILDING.points);
    await writeLines(
      measures,
      (function* () {
        for (const { wave } of waves) {
          yield ids.map((id) => `${wave}\t${id}\t${nullable(randomValue())}\n`).join('');
        }
      })(),
    );
    const load = (file: string, table: string, columns: string) =>
      connection.query({
        sql: `LOAD DATA LOCAL INFILE ? INTO TABLE \`${table}\` FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (${columns})`,
        values: [file],
        infileStreamFactory: () => createReadStream(file),
      });
    await load(cycles, 'extraction_cycle', 'wave_counter, monitory_name, extraction_interval');
    await load(measures, MEASURES_TABLE, 'wave_counter, point_id, point_value');
    await removeDir();
    const rowsPerHour = intervals.reduce((sum, interval) => sum + (3600 / interval) * BUILDING.points, 0);
    return {
      database,
      intervals,
      rowsPerHour,
      seededRows: waves.length * BUILDING.points,
      seededWaves: waves.length,
      loadMs: performance.now() - started,
      drop,
    };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  } finally {
    await connection.end();
  }
}

const nullable = (value: number | null): string => (value === null ? '\\N' : String(value));

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** One live wave of a package: the cycle row and its measures in one transaction. */
export async function insertWave(connection: Connection, p: number, wave: number): Promise<number> {
  const pkg = BUILDING.packages[p]!;
  const rows = pointIds(BUILDING.points).map((id) => [wave, id, randomValue()]);
  await connection.beginTransaction();
  try {
    await connection.query(
      'INSERT INTO extraction_cycle (wave_counter, monitory_name, extraction_interval) VALUES (?, ?, ?)',
      [wave, pkg.monitory, pkg.interval],
    );
    await connection.query(`INSERT INTO \`${MEASURES_TABLE}\` (wave_counter, point_id, point_value) VALUES ?`, [rows]);
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  }
  return rows.length;
}
