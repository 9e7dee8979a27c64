// Benchmark of db-proxy's sync engine (not part of the tests): `npm run bench [-- flags]`.
//
// Generates a synthetic building in a fresh MariaDB database and measures, in one run:
//   1. the full backfill by `db-proxy sync --once` (wall time, rows/s, docs/s, peak RSS), verified;
//   2. the read limit: the same rows streamed by the `mariadb` client to /dev/null;
//   3. the write limit: as many pivot documents inserted with insertMany (32 per batch, unordered);
//   4. the incremental latency of the sync loop (sleep_time 1 s): commit → readable in MongoDB;
//   5. the memory of the sync loop after its own backfill, idle (bench/idle-memory.ts);
//   6. the backfill of the doubled data set, for the growth of the peak RSS.
// With --steady, the steady state of the realistic building instead (bench/steady.ts).
// Every database, directory and process it creates is removed or stopped on every path.
// Needs a built product (npx tsc -p tsconfig.json), MariaDB on 127.0.0.1:3306 (root, no password)
// and MONGO_URL or FerretDB (scripts/ensure-ferretdb.sh).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, USAGE, parseArgs, type BenchOptions } from './args.ts';
import { checkBuild, mariadbVersion } from './build-check.ts';
import { runCleanup } from './cleanup.ts';
import { createDataset, retentionDays } from './dataset.ts';
import { measureIdleMemory } from './idle-memory.ts';
import { measureLatency } from './latency.ts';
import { measureBestWriteLimit, measureReadLimit } from './limits.ts';
import { provideMongo } from './mongo-server.ts';
import { backfill, setUpProduct, verifyBackfill } from './product.ts';
import { renderTable, round, targetsOf, type Figures } from './report.ts';
import { runSteady } from './steady.ts';
import { renderRowCost, runRowCost } from './row-cost.ts';
import { renderSteady } from './steady-render.ts';

const SLEEP_TIME_S = 1;
const WRITE_BATCH_DOCS = 32;

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const cli = join(projectRoot, 'dist', 'cli', 'main.js');

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};
const mb = (kb: number): number => round(kb / 1024, 1);

async function main(options: BenchOptions): Promise<Figures> {
  checkBuild(projectRoot, cli, log);
  log('starting the MongoDB-compatible server');
  const mongo = await provideMongo(projectRoot);
  log(`MongoDB: ${mongo.description}`);
  const mariadb = await mariadbVersion();

  const shape = { monitories: options.monitories, waves: options.waves, points: options.points };
  log(`generating ${shape.monitories} × ${shape.waves} waves × ${shape.points} points in MariaDB`);
  const dataset = await createDataset(shape, Date.now() / 1000);
  log(`loaded ${dataset.rows} rows into ${dataset.database} in ${(dataset.loadMs / 1000).toFixed(1)} s`);

  // 1. Backfill.
  const setup = await setUpProduct(dataset, mongo.url, options.defaults, SLEEP_TIME_S);
  const nodeArgs = [
    ...options.nodeArgs,
    ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []),
  ];
  log(`backfill: db-proxy sync --once${nodeArgs.length ? ` (${nodeArgs.join(' ')})` : ''}`);
  const first = await backfill(cli, setup, nodeArgs);
  log(`backfill: ${(first.wallMs / 1000).toFixed(2)} s, peak RSS ${mb(first.peakRssKb)} MB; ${first.stdout}`);
  await verifyBackfill(dataset, mongo.url, setup.mongoDatabase);
  log(`verified: ${dataset.monitories} collections × ${dataset.waves} documents`);

  // 2. Read limit: the rows the backfill reads, i.e. those from the retention bound on.
  const lowerBound = Math.ceil(Date.now() / 1000 - retentionDays() * 86_400);
  const read = await measureReadLimit(dataset.database, lowerBound);
  log(`read limit: ${(read.wallMs / 1000).toFixed(2)} s`);

  // 3. Write limit: the best of several concurrencies.
  const write = await measureBestWriteLimit(
    mongo.url,
    dataset.documents,
    dataset.points,
    WRITE_BATCH_DOCS,
    options.writeInFlight,
    dataset.firstWave,
  );
  for (const w of write.runs) log(`write limit, ${w.inFlight} in flight: ${(w.wallMs / 1000).toFixed(2)} s`);

  // 4. Incremental latency on the backfilled data.
  let latency: Figures['latency'] = null;
  if (options.latencyWaves > 0) {
    log(`latency: sync loop with sleep_time ${SLEEP_TIME_S} s, ${options.latencyWaves} waves (+1 warm-up)`);
    const l = await measureLatency(cli, setup, dataset, mongo.url, options.latencyWaves, options.latencyProbe);
    latency = {
      sleep_time_s: SLEEP_TIME_S,
      waves: l.samples.length,
      median_ms: round(l.medianMs, 0),
      p95_ms: round(l.p95Ms, 0),
      max_ms: round(l.maxMs, 0),
      samples_ms: l.samples.map((x) => round(x, 0)),
      probe:
        l.probe === 'findOne'
          ? `findOne({_id: wave}) every 20 ms (a numeric _id lookup took ${Math.round(l.lookupMs)} ms)`
          : `its collection's checkpoint every 20 ms (a numeric _id lookup took ${Math.round(l.lookupMs)} ms: a collection scan)`,
      numeric_id_lookup_ms: round(l.lookupMs, 1),
      incomplete_documents: l.incomplete,
      sigterm_exit_code: l.stopExitCode,
      sigterm_signal: l.stopSignal,
      stop_s: round(l.stopMs / 1000),
      loop_peak_rss_mb: l.peakRssKb === null ? null : mb(l.peakRssKb),
    };
    log(
      `latency: median ${latency.median_ms} ms, p95 ${latency.p95_ms} ms; exit ${String(l.stopExitCode)} after SIGTERM`,
    );
  }
  await setup.dropMongo();

  // 5. The worker's memory once its backfill is over: the loop backfills a fresh MongoDB database.
  let idle: Figures['idle'] = null;
  if (options.idleSeconds > 0) {
    log(`idle: sync loop backfills into a fresh MongoDB database, then ${options.idleSeconds} s idle`);
    const m = await measureIdleMemory(cli, dataset, mongo.url, {
      idleSeconds: options.idleSeconds,
      extraDefaults: options.defaults,
      nodeArgs: options.nodeArgs,
    });
    idle = {
      idle_s: options.idleSeconds,
      idle_rss_mb: mb(m.idleRssKb),
      peak_rss_mb: mb(m.peakRssKb),
      self_report: m.selfReport,
      fresh_idle_rss_mb: mb(m.freshIdleRssKb),
      fresh_self_report: m.freshSelfReport,
    };
    log(
      `idle: RSS ${idle.idle_rss_mb} MB after ${options.idleSeconds} s (peak ${idle.peak_rss_mb} MB); ${m.selfReport}; ` +
        `restarted: ${idle.fresh_idle_rss_mb} MB; ${m.freshSelfReport}`,
    );
  }
  await dataset.drop();

  // 6. The doubled data set.
  let doubled: Figures['doubled'] = null;
  if (!options.skipDouble) {
    const shape2 = { ...shape, waves: shape.waves * 2 };
    log(`doubled: generating ${shape2.monitories} × ${shape2.waves} waves × ${shape2.points} points`);
    const dataset2 = await createDataset(shape2, Date.now() / 1000);
    const setup2 = await setUpProduct(dataset2, mongo.url, options.defaults, SLEEP_TIME_S);
    log('doubled: backfill');
    const second = await backfill(cli, setup2, options.nodeArgs);
    await verifyBackfill(dataset2, mongo.url, setup2.mongoDatabase);
    log(`doubled: ${(second.wallMs / 1000).toFixed(2)} s, peak RSS ${mb(second.peakRssKb)} MB; verified`);
    doubled = {
      waves_per_monitory: shape2.waves,
      rows: dataset2.rows,
      dataset_load_s: round(dataset2.loadMs / 1000),
      backfill_wall_s: round(second.wallMs / 1000),
      backfill_cycle_s: second.cycleMs === null ? null : round(second.cycleMs / 1000),
      peak_rss_mb: mb(second.peakRssKb),
      rss_growth_pct: round(((second.peakRssKb - first.peakRssKb) / first.peakRssKb) * 100, 1),
    };
    await setup2.dropMongo();
    await dataset2.drop();
  }

  const ratio = first.wallMs / Math.max(read.wallMs, write.wallMs);
  const figures: Omit<Figures, 'targets' | 'all_pass'> = {
    setup: {
      monitories: dataset.monitories,
      waves_per_monitory: dataset.waves,
      points: dataset.points,
      rows: dataset.rows,
      documents: dataset.documents,
      interval_s: dataset.interval,
      mongo: mongo.description.replace(/ \(sqlite handler, .*\)$/, ' (sqlite handler)'),
      mariadb,
      node: process.version,
      dataset_load_s: round(dataset.loadMs / 1000),
      defaults: options.defaults,
      node_args: options.nodeArgs,
    },
    backfill: {
      wall_s: round(first.wallMs / 1000),
      cycle_s: first.cycleMs === null ? null : round(first.cycleMs / 1000),
      rows_per_s: round(dataset.rows / (first.wallMs / 1000), 0),
      documents_per_s: round(dataset.documents / (first.wallMs / 1000), 0),
      peak_rss_mb: mb(first.peakRssKb),
    },
    read_limit: {
      wall_s: round(read.wallMs / 1000),
      rows_per_s: round(dataset.rows / (read.wallMs / 1000), 0),
      sql: read.sql,
    },
    write_limit: {
      wall_s: round(write.wallMs / 1000),
      documents_per_s: round(write.documents / (write.wallMs / 1000), 0),
      batch_docs: WRITE_BATCH_DOCS,
      in_flight: write.inFlight,
      runs: write.runs.map((w) => ({
        in_flight: w.inFlight,
        wall_s: round(w.wallMs / 1000),
        documents_per_s: round(w.documents / (w.wallMs / 1000), 0),
      })),
      generation: 'documents generated lazily per batch, inside the timing',
      generation_s: round(write.generationMs / 1000, 3),
    },
    ratio: round(ratio, 3),
    latency,
    idle,
    doubled,
  };
  const targets = targetsOf(figures);
  return { ...figures, targets, all_pass: targets.every((t) => t.pass) };
}

let options: BenchOptions;
try {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  process.stderr.write(`bench: ${error instanceof UsageError ? error.message : String(error)}\n`);
  process.exit(2);
}

let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) return;
  interrupted = true;
  log(`${signal}: cleaning up`);
  void runCleanup().then((failures) => {
    for (const failure of failures) log(`clean-up failed: ${failure}`);
    process.exit(130);
  });
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let exitCode = 0;
let output: string | undefined;
try {
  if (options.rowCost === true) {
    checkBuild(projectRoot, cli, log);
    const costs = await runRowCost(dirname(dirname(cli)), log);
    output = options.json ? JSON.stringify(costs, null, 2) : `\n${renderRowCost(costs)}`;
  } else if (options.steady) {
    checkBuild(projectRoot, cli, log);
    const steady = await runSteady(projectRoot, cli, options.steady, log);
    output = options.json ? JSON.stringify(steady, null, 2) : `\n${renderSteady(steady)}`;
  } else {
    const figures = await main(options);
    output = options.json ? JSON.stringify(figures, null, 2) : `\n${renderTable(figures)}`;
  }
} catch (error) {
  // After SIGINT/SIGTERM the failure is the clean-up pulling the ground away; the handler exits.
  if (interrupted) await new Promise(() => undefined);
  log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
}
if (interrupted) await new Promise(() => undefined);
log('cleaning up');
const failures = await runCleanup();
for (const failure of failures) log(`clean-up failed: ${failure}`);
if (failures.length > 0) exitCode = 1;
if (output !== undefined) process.stdout.write(`${output}\n`);
process.exit(exitCode);
