// Incremental latency: db-proxy's sync loop runs on the backfilled data while new waves are
// committed to MySQL one at a time; each is timed from its COMMIT until MongoDB has it.
//
// How "MongoDB has it" is observed depends on the server. Where a lookup by _id is cheap (MongoDB),
// the document itself is polled with findOne({_id: wave}) every 20 ms. FerretDB's sqlite handler
// pushes down only string/ObjectId _id equality, so a lookup by a numeric _id scans the whole
// collection (seconds for a few thousand 250-field documents) and polling it would measure the
// scan, and slow the product down. There the collection's checkpoint document (string _id, pushed
// down, a few ms) is polled instead: db-proxy advances it only after MongoDB acknowledged the write,
// so it is an upper bound of when the document became readable. Either way every committed wave is
// read back after the loop stopped and must be there, complete.
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Db } from 'mongodb';
import { startChild } from './child.ts';
import { MEASURES_TABLE, connectRoot, pointIds, randomValue, type Dataset } from './dataset.ts';
import { collectionOf, productArgs, type ProductSetup } from './product.ts';

const POLL_MS = 20;
const WAVE_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** A numeric _id lookup slower than this is taken for a collection scan. */
const CHEAP_LOOKUP_MS = 100;
/** db-proxy's checkpoint collection (src/sync/naming.ts): one document per pivot collection, _id its name. */
const CHECKPOINTS_COLLECTION = 'db_proxy_checkpoints';

export type ProbeMode = 'findOne' | 'checkpoint';

export interface LatencyResult {
  /** Commit → readable, ms, one per measured wave (the warm-up wave excluded). */
  samples: number[];
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  probe: ProbeMode;
  /** Duration of one findOne by a missing numeric _id on a backfilled collection. */
  lookupMs: number;
  /** Documents read back with fewer point fields than committed (should be 0). */
  incomplete: number;
  stopExitCode: number | null;
  stopSignal: NodeJS.Signals | null;
  stopMs: number;
  peakRssKb: number | null;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest-rank.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

async function chooseProbe(db: Db, collection: string): Promise<{ probe: ProbeMode; lookupMs: number }> {
  const started = performance.now();
  await db.collection<{ _id: number }>(collection).findOne({ _id: -1 });
  const lookupMs = performance.now() - started;
  return { probe: lookupMs <= CHEAP_LOOKUP_MS ? 'findOne' : 'checkpoint', lookupMs };
}

export async function measureLatency(
  cli: string,
  setup: ProductSetup,
  dataset: Dataset,
  mongoUrl: string,
  count: number,
  forced: ProbeMode | 'auto' = 'auto',
): Promise<LatencyResult> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  const db = client.db(setup.mongoDatabase);
  const collectionOfMonitory = (m: number): string => collectionOf(dataset, dataset.monitoryNames[m] ?? '');
  let chosen: { probe: ProbeMode; lookupMs: number };
  try {
    chosen = await chooseProbe(db, collectionOfMonitory(0));
    if (forced !== 'auto') chosen.probe = forced;
  } catch (error) {
    await client.close();
    throw error;
  }

  const sync = startChild(process.execPath, productArgs(cli, setup, false));
  const mysqlConnection = await connectRoot(dataset.database);
  const ids = pointIds(dataset.points);
  let lastWave = dataset.lastWave;
  const samples: number[] = [];
  const committed: { m: number; wave: number }[] = [];
  try {
    const commitWave = async (m: number): Promise<{ wave: number; committedAt: number }> => {
      const wave = Math.max(Math.floor(Date.now() / 1000), lastWave + 1);
      lastWave = wave;
      const rows = ids.map((id) => [wave, id, randomValue()]);
      await mysqlConnection.beginTransaction();
      try {
        await mysqlConnection.query(
          'INSERT INTO extraction_cycle (wave_counter, monitory_name, extraction_interval) VALUES (?, ?, ?)',
          [wave, dataset.monitoryNames[m], dataset.interval],
        );
        await mysqlConnection.query(
          `INSERT INTO \`${MEASURES_TABLE}\` (wave_counter, point_id, point_value) VALUES ?`,
          [rows],
        );
        await mysqlConnection.commit();
      } catch (error) {
        await mysqlConnection.rollback().catch(() => undefined);
        throw error;
      }
      committed.push({ m, wave });
      return { wave, committedAt: performance.now() };
    };

    const arrived = async (m: number, wave: number): Promise<boolean> => {
      if (chosen.probe === 'findOne') {
        return (
          (await db
            .collection<{ _id: number }>(collectionOfMonitory(m))
            .findOne({ _id: wave }, { projection: { _id: 1 } })) !== null
        );
      }
      const state = await db
        .collection<{ _id: string; checkpoint?: number | null }>(CHECKPOINTS_COLLECTION)
        .findOne({ _id: collectionOfMonitory(m) }, { projection: { checkpoint: 1 } });
      return typeof state?.checkpoint === 'number' && state.checkpoint >= wave;
    };

    const waitArrived = async (m: number, wave: number, committedAt: number): Promise<number> => {
      for (;;) {
        if (sync.child.exitCode !== null || sync.child.signalCode !== null) {
          throw new Error(
            `db-proxy sync exited during the latency test (code ${String(sync.child.exitCode)}):\n${sync.stderr()}`,
          );
        }
        const found = await arrived(m, wave);
        const now = performance.now();
        if (found) return now - committedAt;
        if (now - committedAt > WAVE_TIMEOUT_MS) {
          throw new Error(
            `wave ${wave} was not in MongoDB ${WAVE_TIMEOUT_MS / 1000} s after its commit; db-proxy's log:\n${sync.stderr()}`,
          );
        }
        await sleep(POLL_MS);
      }
    };

    // Warm-up: the loop's first cycle (start-up, first retention pass) is not part of the steady state.
    const warm = await commitWave(0);
    await waitArrived(0, warm.wave, warm.committedAt);
    for (let i = 0; i < count; i++) {
      await sleep(500 + Math.random() * 1000);
      const m = (i + 1) % dataset.monitories;
      const { wave, committedAt } = await commitWave(m);
      samples.push(await waitArrived(m, wave, committedAt));
    }
  } catch (error) {
    sync.kill('SIGTERM');
    const timer = setTimeout(() => sync.kill('SIGKILL'), 5_000);
    await sync.done.catch(() => undefined);
    clearTimeout(timer);
    await client.close().catch(() => undefined);
    throw error;
  } finally {
    await mysqlConnection.end().catch(() => undefined);
  }

  const stopStarted = performance.now();
  sync.kill('SIGTERM');
  const timer = setTimeout(() => sync.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const stopped = await sync.done;
  const stopMs = performance.now() - stopStarted;
  clearTimeout(timer);

  // Every committed wave must be readable now, with all its points.
  let incomplete = 0;
  try {
    for (let m = 0; m < dataset.monitories; m++) {
      const waves = committed.filter((c) => c.m === m).map((c) => c.wave);
      if (waves.length === 0) continue;
      const docs = await db
        .collection<{ _id: number }>(collectionOfMonitory(m))
        .find({ _id: { $in: waves } })
        .toArray();
      const found = new Set(docs.map((doc) => doc._id));
      const missing = waves.filter((wave) => !found.has(wave));
      if (missing.length > 0)
        throw new Error(`latency test: waves ${missing.join(', ')} of "${collectionOfMonitory(m)}" are not in MongoDB`);
      incomplete += docs.filter((doc) => Object.keys(doc).length - 3 !== dataset.points).length;
    }
  } finally {
    await client.close().catch(() => undefined);
  }

  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples,
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    probe: chosen.probe,
    lookupMs: chosen.lookupMs,
    incomplete,
    stopExitCode: stopped.code,
    stopSignal: stopped.signal,
    stopMs,
    peakRssKb: stopped.peakRssKb,
  };
}
