// The two limits the backfill is compared with: streaming the same rows out of MariaDB with its
// own client, and inserting the same number of pivot documents into MongoDB with insertMany.
import { randomBytes } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { expectSuccess, runChild } from './child.ts';
import { defer } from './cleanup.ts';
import { MEASURES_TABLE, MYSQL, pointIds, randomValue } from './dataset.ts';
import { dropMongoDatabase } from './product.ts';

export interface ReadLimit {
  wallMs: number;
  sql: string;
}

export async function measureReadLimit(database: string, lowerBound: number): Promise<ReadLimit> {
  const sql = `SELECT wave_counter, point_id, point_value FROM ${MEASURES_TABLE} WHERE wave_counter >= ${lowerBound}`;
  const args = ['--quick', '-N', `-h${MYSQL.host}`, `-P${MYSQL.port}`, `-u${MYSQL.user}`, database, '-e', sql];
  // stdout 'ignore' is /dev/null.
  const result = expectSuccess(
    'mariadb (read limit)',
    await runChild('mariadb', args, { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  return { wallMs: result.wallMs, sql };
}

export interface WriteLimit {
  wallMs: number;
  /** Time spent generating documents (lazily, per batch), included in wallMs. */
  generationMs: number;
  documents: number;
  batches: number;
}

export async function measureWriteLimit(
  mongoUrl: string,
  documents: number,
  points: number,
  batchSize: number,
  inFlight: number,
  firstWave: number,
): Promise<WriteLimit> {
  const database = `dbp_bench_w_${randomBytes(5).toString('hex')}`;
  const drop = defer(`drop Mongo database ${database}`, () => dropMongoDatabase(mongoUrl, database));
  const client = new MongoClient(mongoUrl);
  try {
    await client.connect();
    const collection = client.db(database).collection<Document>('pivot');
    const ids = pointIds(points);
    let generationMs = 0;
    let next = 0;
    const makeBatch = (): Document[] => {
      const t0 = performance.now();
      const batch: Document[] = [];
      for (let i = 0; i < batchSize && next < documents; i++, next++) {
        const wave = firstWave + next * 60;
        const doc: Document = { _id: wave, wave_counter: wave, ts: new Date(wave * 1000) };
        for (const id of ids) doc[id] = randomValue();
        batch.push(doc);
      }
      generationMs += performance.now() - t0;
      return batch;
    };
    let batches = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < documents) {
        const batch = makeBatch();
        batches += 1;
        await collection.insertMany(batch, { ordered: false });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const wallMs = performance.now() - started;
    const count = await collection.countDocuments({});
    if (count !== documents)
      throw new Error(`write limit: the collection holds ${count} documents, expected ${documents}`);
    return { wallMs, generationMs, documents, batches };
  } finally {
    await client.close();
    await drop();
  }
}

export interface BestWriteLimit extends WriteLimit {
  inFlight: number;
  /** Every measured concurrency, in the order measured. */
  runs: (WriteLimit & { inFlight: number })[];
}

/**
 * The server's real write limit: the same documents inserted with 1, 2, 4… batches in flight (the
 * sync writes with more than one), each into an empty collection; the fastest run is the limit.
 */
export async function measureBestWriteLimit(
  mongoUrl: string,
  documents: number,
  points: number,
  batchSize: number,
  inFlightList: readonly number[],
  firstWave: number,
): Promise<BestWriteLimit> {
  const runs: BestWriteLimit['runs'] = [];
  for (const inFlight of inFlightList) {
    const run = await measureWriteLimit(mongoUrl, documents, points, batchSize, inFlight, firstWave);
    runs.push({ ...run, inFlight });
  }
  const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  return { ...best, runs };
}
