// Where a sync cycle's time goes: `node bench/stages.ts [--waves N] [--points N] [--monitories N]
// [--defaults JSON]`. Builds the same synthetic data set as run.ts, then runs db-proxy's cycle
// in-process (from dist/) with its MySQL source and MongoDB sink wrapped by timers: the backfill
// cycle, then a few steady-state cycles (nothing new, the re-scan window re-read), then a cycle
// after one new wave. Times of overlapping calls (reads run while writes are in flight) add up
// to more than the wall time. A diagnostic tool: it imports the product's internal modules, so it
// follows their API (build first: npx tsc -p tsconfig.json). BENCH_STAGES_BACKFILL_ONLY=1 stops
// after the backfill cycle.
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { parseArgs } from './args.ts';
import { runCleanup } from './cleanup.ts';
import { MEASURES_TABLE, connectRoot, createDataset, pointIds, randomValue } from './dataset.ts';
import { provideMongo } from './mongo-server.ts';
import { setUpProduct } from './product.ts';

const root = new URL('../dist/', import.meta.url);
const load = async (path: string): Promise<Record<string, unknown>> =>
  (await import(new URL(path, root).href)) as Record<string, unknown>;
type AnyFn = (...args: unknown[]) => Promise<unknown>;

interface Stat {
  calls: number;
  ms: number;
  max: number;
}

function timed<T extends object>(target: T, stats: Map<string, Stat>, prefix: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as AnyFn).apply(object, args);
        } finally {
          const ms = performance.now() - started;
          const name = `${prefix}.${key}`;
          const stat = stats.get(name) ?? { calls: 0, ms: 0, max: 0 };
          stat.calls += 1;
          stat.ms += ms;
          stat.max = Math.max(stat.max, ms);
          stats.set(name, stat);
        }
      };
    },
  });
}

type Memory = Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>;

/** Samples process.memoryUsage() every 50 ms and keeps the peak of each figure. */
function sampleMemory(): () => Memory {
  const peak: Memory = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const take = (): void => {
    const m = process.memoryUsage();
    for (const key of Object.keys(peak) as (keyof Memory)[]) peak[key] = Math.max(peak[key], m[key]);
  };
  const timer = setInterval(take, 50);
  return () => {
    clearInterval(timer);
    take();
    return peak;
  };
}

function print(
  title: string,
  wallMs: number,
  cpu: NodeJS.CpuUsage,
  stats: Map<string, Stat>,
  report: unknown,
  memory: Memory,
): void {
  process.stdout.write(
    `\n== ${title}: wall ${wallMs.toFixed(0)} ms, CPU of this process ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms\n`,
  );
  process.stdout.write(
    `  peak MB: ${Object.entries(memory)
      .map(([k, v]) => `${k} ${(v / 1048576).toFixed(1)}`)
      .join(', ')}\n`,
  );
  for (const [name, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
    process.stdout.write(
      `  ${name.padEnd(24)} ${String(s.calls).padStart(6)} calls ${s.ms.toFixed(0).padStart(8)} ms total ${(s.ms / s.calls).toFixed(1).padStart(8)} ms avg ${s.max.toFixed(0).padStart(6)} ms max\n`,
    );
  }
  process.stdout.write(`  report: ${JSON.stringify(report)}\n`);
}

/** Single MongoDB operations on one backfilled collection, to see which the server answers slowly. */
async function probe(url: string, database: string, name: string, firstWave: number): Promise<void> {
  const client = new MongoClient(url);
  try {
    const c = client.db(database).collection<{ _id: number }>(name);
    const time = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
      const started = performance.now();
      const result = await fn();
      const text = JSON.stringify(result) ?? 'undefined';
      process.stdout.write(
        `  ${what.padEnd(58)} ${(performance.now() - started).toFixed(1).padStart(9)} ms  -> ${text.slice(0, 60)}\n`,
      );
    };
    process.stdout.write(`\n== single operations on "${name}"\n`);
    await time('findOne({_id: wave})', () => c.findOne({ _id: firstWave }, { projection: { _id: 1 } }));
    await time('find({_id: {$lt: first}}, {_id: 1}).limit(1000)', () =>
      c
        .find({ _id: { $lt: firstWave } }, { projection: { _id: 1 } })
        .limit(1000)
        .toArray(),
    );
    await time('findOne({}, sort {_id: 1}, {_id: 1})', () =>
      c.findOne({}, { sort: { _id: 1 }, projection: { _id: 1 } }),
    );
    await time('find({_id: {$in: [32 waves]}}).toArray()', () =>
      c
        .find({ _id: { $in: Array.from({ length: 32 }, (_, i) => firstWave + i * 60) } }, { projection: { _id: 1 } })
        .toArray(),
    );
    await time(
      'deleteMany({_id: {$lt: first}})',
      async () => (await c.deleteMany({ _id: { $lt: firstWave } })).deletedCount,
    );
    await time('countDocuments({})', () => c.countDocuments({}));
    await time('estimatedDocumentCount()', () => c.estimatedDocumentCount());
    await time('command {count}', async () => (await client.db(database).command({ count: name })).n as unknown);
  } finally {
    await client.close();
  }
}

class Skip extends Error {}

const options = parseArgs(process.argv.slice(2));
if (options === 'help') process.exit(0);
try {
  const mongo = await provideMongo(fileURLToPath(new URL('../', import.meta.url)));
  const dataset = await createDataset(
    { monitories: options.monitories, waves: options.waves, points: options.points },
    Date.now() / 1000,
  );
  const setup = await setUpProduct(dataset, mongo.url, options.defaults, 1);
  const { readRequestFile } = (await load('request/read.js')) as { readRequestFile: (p: string) => Promise<unknown> };
  const { loadProject } = (await load('config/load-project.js')) as {
    loadProject: (r: unknown, d: string) => Promise<{ config: unknown }>;
  };
  const { connectProject } = (await load('sync/connect.js')) as {
    connectProject: (p: unknown) => { source: object; sink: object };
  };
  const { runCycle } = (await load('sync/cycle.js')) as { runCycle: (c: unknown, d: unknown) => Promise<unknown> };
  const { createLogger } = (await load('logging/logger.js')) as { createLogger: (o: unknown) => unknown };
  const project = await loadProject(await readRequestFile(setup.requestFile), setup.configDir);
  const { source, sink } = connectProject(project);
  const logger = createLogger({ level: 'warn' });
  const cycle = async (title: string): Promise<void> => {
    const stats = new Map<string, Stat>();
    const cpu = process.cpuUsage();
    const memory = sampleMemory();
    const started = performance.now();
    const report = await runCycle(project.config, {
      source: timed(source, stats, 'source'),
      sink: timed(sink, stats, 'sink'),
      logger,
    });
    print(title, performance.now() - started, process.cpuUsage(cpu), stats, report, memory());
  };
  try {
    await cycle(`backfill of ${dataset.rows} rows, ${dataset.documents} documents`);
    if (process.env.BENCH_STAGES_BACKFILL_ONLY === '1') throw new Skip();
    for (let i = 1; i <= 3; i++) await cycle(`steady-state cycle ${i} (nothing new)`);
    const connection = await connectRoot(dataset.database);
    const wave = Math.max(Math.floor(Date.now() / 1000), dataset.lastWave + 1);
    await connection.query('INSERT INTO extraction_cycle VALUES (?, ?, ?)', [
      wave,
      dataset.monitoryNames[0],
      dataset.interval,
    ]);
    await connection.query(`INSERT INTO \`${MEASURES_TABLE}\` (wave_counter, point_id, point_value) VALUES ?`, [
      pointIds(dataset.points).map((id) => [wave, id, randomValue()]),
    ]);
    await connection.end();
    await cycle('cycle after one new wave');
    await probe(
      mongo.url,
      setup.mongoDatabase,
      `${dataset.database};${MEASURES_TABLE};${dataset.monitoryNames[0]};${dataset.interval}`,
      dataset.firstWave,
    );
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
  } finally {
    await (source as { close(): Promise<void> }).close();
    await (sink as { close(): Promise<void> }).close();
  }
} finally {
  for (const failure of await runCleanup()) process.stderr.write(`clean-up failed: ${failure}\n`);
}
