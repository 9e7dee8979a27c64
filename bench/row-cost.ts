// What one row read costs MariaDB, statement shape by statement shape, on the realistic building:
// BUSY_TIME and CPU_TIME per row read (USER_STATISTICS of a user of its own) for today's re-scan of
// the last hour and for the product's digest check of a wave, young (hot pages) or old (pages
// across the whole week), and for the digest's parts. The steady benchmark's BUSY_TIME ratio is the
// rows-read ratio times the ratio of these per-row costs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import { BUILDING, seedBuilding } from './building.ts';
import { MEASURES_TABLE, MYSQL, connectRoot } from './dataset.ts';
import { round } from './report.ts';
import { createReadOnlyUser, difference, enableUserstat, readCounters } from './userstat.ts';

type Log = (message: string) => void;

export interface ShapeCost {
  shape: string;
  statements: number;
  rows_read_per_statement: number;
  busy_us_per_row: number;
  cpu_us_per_row: number;
  busy_ms_per_statement: number;
}

interface SqlModule {
  sourceSql(
    schema: Record<string, string>,
    measures: string,
  ): { cyclesWithDigests(monitories: number, ranges: number, limit: number): string; measures(waves: number): string };
  rangeSlots(count: number): number;
  rangeParams(ranges: [number, number][], slots: number): number[];
}

interface DigestModule {
  digestRowExpression(pointId: string, value: string): string;
}

interface DefaultsModule {
  DefaultsSchema: { parse(value: unknown): { source: Record<string, string> } };
}

const STATEMENTS = 400;

/** Each wave's first and last measure id (the building inserts a wave's rows together). */
async function waveIdRanges(database: string, measures: string): Promise<Map<number, [number, number]>> {
  const root = await connectRoot(database);
  try {
    const [rows] = await root.query<mysql.RowDataPacket[]>(
      `SELECT wave_counter, MIN(id) AS lo, MAX(id) AS hi FROM ${measures} GROUP BY wave_counter`,
    );
    return new Map(rows.map((r) => [Number(r.wave_counter), [Number(r.lo), Number(r.hi)]]));
  } finally {
    await root.end();
  }
}

export async function runRowCost(distDir: string, log: Log): Promise<ShapeCost[]> {
  const fromDist = (path: string): Promise<unknown> => import(pathToFileURL(join(distDir, path)).href);
  const sqlModule = (await fromDist('sync/source-sql.js')) as SqlModule;
  // The building uses the default source schema: the build's own defaults name its columns.
  const defaults = (await fromDist('config/defaults-schema.js')) as DefaultsModule;
  const digest = (await fromDist('sync/digest.js')) as DigestModule;
  const digestExpression = digest.digestRowExpression('point_id', 'point_value');
  const sql = sqlModule.sourceSql(defaults.DefaultsSchema.parse({}).source, MEASURES_TABLE);
  const now = Math.floor(Date.now() / 1000);
  const building = await seedBuilding(1, now);
  log(`building: ${building.seededRows.toLocaleString('en-US')} rows (${building.seededWaves} waves)`);
  const user = await createReadOnlyUser(building.database);
  await enableUserstat();
  const connection = await mysql.createConnection({
    host: MYSQL.host,
    port: MYSQL.port,
    user: user.user,
    password: user.password,
    database: building.database,
    supportBigNumbers: true,
  });
  const monitories = BUILDING.packages.map((p) => p.monitory);
  const [interval] = building.intervals;
  const oldWave = (i: number): number => now - ((i * 7919) % 2000) * (interval ?? 300) - 3600;
  const youngWave = (i: number): number => now - (i % 4) * (interval ?? 300);
  const check = (wave: number): [string, (string | number)[]] => {
    const slots = sqlModule.rangeSlots(1);
    return [
      sql.cyclesWithDigests(monitories.length, slots, 512),
      [...monitories, wave, ...sqlModule.rangeParams([[wave, wave]], slots)],
    ];
  };
  const m = `\`${MEASURES_TABLE}\``;
  const idRanges = await waveIdRanges(building.database, m);
  const idRange = (wave: number): [number, number] => idRanges.get(wave) ?? [0, -1];
  const shapes: [string, (i: number) => readonly [string, (string | number)[]]][] = [
    [
      "today's policy: every measure of the last hour, read and sent",
      () => [`SELECT wave_counter, point_id, point_value FROM ${m} WHERE wave_counter >= ?`, [now - 3600]],
    ],
    ['digest check of a young wave (the product, last 20 minutes)', (i) => check(youngWave(i))],
    ['digest check of an old wave (the product, 1 h to 7 days)', (i) => check(oldWave(i))],
    ['an old wave read and sent with its CRCs (the product)', (i) => [sql.measures(1), [oldWave(i)]]],
    [
      'digest of an old wave by primary-key range (no row lookup; needs its ids)',
      (i) => [
        `SELECT COUNT(*), SUM(${digestExpression}) FROM ${m} FORCE INDEX (PRIMARY) WHERE id BETWEEN ? AND ? AND wave_counter = ?`,
        [...idRange(oldWave(i)), oldWave(i)],
      ],
    ],
    [
      '  part: COUNT(*) of an old wave (index only)',
      (i) => [`SELECT COUNT(*) FROM ${m} WHERE wave_counter = ?`, [oldWave(i)]],
    ],
    [
      '  part: SUM(point_value) of an old wave (+ row lookup)',
      (i) => [`SELECT SUM(point_value) FROM ${m} WHERE wave_counter = ?`, [oldWave(i)]],
    ],
    [
      '  part: SUM(CRC32(point_id)) of an old wave (+ CRC32, no double)',
      (i) => [`SELECT SUM(CRC32(point_id)) FROM ${m} WHERE wave_counter = ?`, [oldWave(i)]],
    ],
  ];
  const costs: ShapeCost[] = [];
  try {
    for (const [shape, make] of shapes) {
      const count = shape.startsWith("today's") ? STATEMENTS / 10 : STATEMENTS;
      const before = await readCounters(user.user, building.database);
      for (let i = 0; i < count; i++) {
        const [statement, params] = make(i);
        await connection.execute(statement, params);
      }
      const d = difference(await readCounters(user.user, building.database), before);
      const rows = Math.max(d.rowsRead, 1);
      costs.push({
        shape,
        statements: count,
        rows_read_per_statement: round(d.rowsRead / count, 0),
        busy_us_per_row: round((d.busyTimeS * 1e6) / rows, 2),
        cpu_us_per_row: round((d.cpuTimeS * 1e6) / rows, 2),
        busy_ms_per_statement: round((d.busyTimeS * 1e3) / count, 3),
      });
      log(`${shape}: ${costs.at(-1)?.busy_us_per_row} µs per row read`);
    }
  } finally {
    await connection.end();
  }
  return costs;
}

export function renderRowCost(costs: ShapeCost[]): string {
  const header = ['statement shape', 'rows read each', 'BUSY µs/row', 'CPU µs/row', 'BUSY ms each'];
  const rows = costs.map((c) => [
    c.shape,
    String(c.rows_read_per_statement),
    c.busy_us_per_row.toFixed(2),
    c.cpu_us_per_row.toFixed(2),
    c.busy_ms_per_statement.toFixed(3),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `db-proxy row cost on MariaDB: the realistic building, ${STATEMENTS} statements per shape`,
    '',
    line(header),
    ...rows.map(line),
  ].join('\n');
}
