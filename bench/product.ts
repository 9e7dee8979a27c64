// Running db-proxy itself: a private configuration dir and request file, the measured backfill
// (`sync --once` as a child process) and the check that MongoDB then holds the pivot of the source.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { expectSuccess, runChild } from './child.ts';
import { defer } from './cleanup.ts';
import { MEASURES_TABLE, MYSQL, connectRoot, retentionDays, type Dataset } from './dataset.ts';

export interface ProductSetup {
  configDir: string;
  requestFile: string;
  mongoDatabase: string;
  sleepTime: number;
  dropMongo(): Promise<void>;
}

export interface BackfillResult {
  wallMs: number;
  /** The cycle's own duration as db-proxy reports it (without process start and connection set-up). */
  cycleMs: number | null;
  peakRssKb: number;
  documentsWritten: number | null;
  rowsRead: number | null;
  stdout: string;
}

export function collectionOf(dataset: Dataset, monitory: string): string {
  return `${dataset.database};${MEASURES_TABLE};${monitory};${dataset.interval}`;
}

export async function setUpProduct(
  dataset: Dataset,
  mongoUrl: string,
  extraDefaults: Record<string, unknown>,
  sleepTime: number,
): Promise<ProductSetup> {
  const mongoDatabase = `dbp_bench_${randomBytes(5).toString('hex')}`;
  const configDir = await mkdtemp(join(tmpdir(), 'dbp-bench-config-'));
  defer('remove the config dir', () => rm(configDir, { recursive: true, force: true }));
  const dropMongo = defer(`drop Mongo database ${mongoDatabase}`, () => dropMongoDatabase(mongoUrl, mongoDatabase));
  await writeFile(
    join(configDir, 'credentials.env'),
    `MONGO_URL=${mongoUrl}\nMYSQL_USER=${MYSQL.user}\nMYSQL_PASSWORD=${MYSQL.password}\n`,
    { mode: 0o600 },
  );
  await writeFile(
    join(configDir, 'defaults.json'),
    `${JSON.stringify({ ...extraDefaults, mongo_database: mongoDatabase }, null, 2)}\n`,
  );
  const requestFile = join(configDir, 'request.json');
  const request = {
    wave_counter_threshold: 0,
    delete_old_value: retentionDays(),
    monitory_name_kept: dataset.monitoryNames,
    measures: MEASURES_TABLE,
    database: dataset.database,
    server: `${MYSQL.host}:${MYSQL.port}`,
    sleep_time: sleepTime,
  };
  await writeFile(requestFile, `${JSON.stringify(request, null, 2)}\n`);
  return { configDir, requestFile, mongoDatabase, sleepTime, dropMongo };
}

/**
 * The V8 flags db-proxy is started with everywhere (the units, scripts/db-proxy, the CLI's
 * shebang): a small young generation keeps the peak RSS flat as the data grows.
 */
export const PRODUCT_NODE_FLAGS = ['--max-semi-space-size=8', '--expose-gc'] as const;

/** The environment the worker's unit and image add (units/db-proxy@.service.hbs, Containerfile). */
export const PRODUCT_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

export function productArgs(
  cli: string,
  setup: ProductSetup,
  once: boolean,
  nodeArgs: readonly string[] = [],
): string[] {
  return [
    ...PRODUCT_NODE_FLAGS,
    ...nodeArgs,
    cli,
    '--config-dir',
    setup.configDir,
    'sync',
    ...(once ? ['--once'] : []),
    setup.requestFile,
  ];
}

export async function backfill(
  cli: string,
  setup: ProductSetup,
  nodeArgs: readonly string[] = [],
): Promise<BackfillResult> {
  const result = expectSuccess(
    'db-proxy sync --once',
    await runChild(process.execPath, productArgs(cli, setup, true, nodeArgs)),
  );
  // "synced DB: N document(s) written, D deleted, R row(s) read, last wave W, T ms"
  const match = /(\d+) document\(s\) written.*?(\d+) row\(s\) read.*?(\d+) ms/.exec(result.stdout);
  if (result.peakRssKb === null) throw new Error('could not read the peak RSS (VmHWM) of db-proxy from /proc');
  return {
    wallMs: result.wallMs,
    cycleMs: match ? Number(match[3]) : null,
    peakRssKb: result.peakRssKb,
    documentsWritten: match ? Number(match[1]) : null,
    rowsRead: match ? Number(match[2]) : null,
    stdout: result.stdout.trim(),
  };
}

/**
 * Fails loudly unless every collection holds exactly the expected waves (no missing, extra or
 * duplicated document) and a randomly chosen wave equals its source field by field. One pass over
 * each collection: FerretDB (sqlite) answers any filtered query, even by numeric _id, with a full
 * scan, so counting and sampling separately would read everything three times.
 */
export async function verifyBackfill(dataset: Dataset, mongoUrl: string, mongoDatabase: string): Promise<void> {
  const client = new MongoClient(mongoUrl);
  const mysqlConnection = await connectRoot(dataset.database);
  try {
    const db = client.db(mongoDatabase);
    const problems: string[] = [];
    for (const [m, monitory] of dataset.monitoryNames.entries()) {
      const name = collectionOf(dataset, monitory);
      const sampled = dataset.base + Math.floor(Math.random() * dataset.waves) * dataset.interval + m;
      const [rows] = (await mysqlConnection.execute(
        `SELECT point_id, point_value FROM \`${MEASURES_TABLE}\` WHERE wave_counter = ?`,
        [sampled],
      )) as unknown as [{ point_id: string; point_value: number | null }[]];
      const seen = new Set<number>();
      let count = 0;
      let unexpected = 0;
      let sampledDoc: Record<string, unknown> | undefined;
      for await (const doc of db.collection<{ _id: number }>(name).find({})) {
        count += 1;
        const wave = doc._id;
        const offset = wave - dataset.base - m;
        if (
          !Number.isInteger(offset / dataset.interval) ||
          offset < 0 ||
          offset / dataset.interval >= dataset.waves ||
          seen.has(wave)
        )
          unexpected += 1;
        seen.add(wave);
        if (wave === sampled) sampledDoc = doc;
      }
      if (count !== dataset.waves || unexpected > 0) {
        problems.push(
          `collection "${name}" holds ${count} documents (${unexpected} unexpected or duplicated), expected ${dataset.waves}`,
        );
        continue;
      }
      if (!sampledDoc) {
        problems.push(`collection "${name}" has no document for wave ${sampled}`);
        continue;
      }
      const fields = Object.keys(sampledDoc).filter((key) => !['_id', 'wave_counter', 'ts'].includes(key));
      if (fields.length !== rows.length)
        problems.push(`wave ${sampled} of "${name}": ${fields.length} point fields, MySQL has ${rows.length} rows`);
      for (const row of rows) {
        const value = sampledDoc[row.point_id];
        if (value !== row.point_value) {
          problems.push(
            `wave ${sampled} of "${name}", point ${row.point_id}: MongoDB ${String(value)}, MySQL ${String(row.point_value)}`,
          );
          break;
        }
      }
      const ts = sampledDoc.ts;
      if (sampledDoc.wave_counter !== sampled)
        problems.push(`wave ${sampled} of "${name}": wave_counter is ${String(sampledDoc.wave_counter)}`);
      if (!(ts instanceof Date) || ts.getTime() !== sampled * 1000)
        problems.push(`wave ${sampled} of "${name}": ts is ${String(ts)}`);
    }
    if (problems.length > 0) throw new Error(`the backfill is wrong:\n  ${problems.join('\n  ')}`);
  } finally {
    await mysqlConnection.end();
    await client.close();
  }
}

export async function dropMongoDatabase(url: string, name: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
