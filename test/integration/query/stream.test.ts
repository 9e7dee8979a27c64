// `db-proxy query --from/--to` and the library's rows() over a range far larger than fits in a
// small heap, against the real MongoDB-compatible server: every format completes under
// --max-old-space-size=64 (loading the range whole, as the query did before, runs out of heap
// there), the output is complete and ordered, and the memory figures are printed.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { openPivotReader } from '../../../src/query/reader.js';
import { cliPath, projectRoot } from '../../support/cli.js';
import { makeConfigDir, type ConfigDir } from '../../support/config-dir.js';
import { connectMongo, freshMongoDatabaseName } from '../../support/mongo.js';

const WAVES = 10_000;
const POINTS = 100;
const INTERVAL = 300;
const FIRST = 1_700_000_000;
const LAST = FIRST + (WAVES - 1) * INTERVAL;
// 48 MB at 5,000 waves was too close for the streaming query on a busy machine (its baseline heap
// varies with GC timing); the range loaded whole, as before, needs over 48 MB at 5,000 waves and so
// about twice the range-dependent part at 10,000: 64 MB stays far below that.
const HEAP_LIMIT_MB = 64;
const project = 'QRY-STREAM';
const collection = `${project};TL_measures;Extraction_1_dev_a;${INTERVAL}`;
const points = Array.from({ length: POINTS }, (_, p) => `P${String(p).padStart(3, '0')}`);
/** Deterministic values, so that the output can be checked without keeping it. */
const valueOf = (i: number, p: number): number | null => ((i + p) % 50 === 0 ? null : (i * 7 + p * 13) / 8);

interface Output {
  code: number | null;
  stderr: string;
  bytes: number;
  lines: number;
  head: string[];
  tail: string;
  peakRssMb: number;
}

/**
 * Runs the CLI under a small heap, with the young generation the installed `db-proxy` command
 * gives it (install.sh, scripts/db-proxy): with V8's default one the peak RSS is about 60 MB higher
 * and is not what an operator sees. The output is counted as it streams, never kept whole.
 */
function runQuery(config: ConfigDir, args: string[]): Promise<Output> {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_LIMIT_MB}`,
      '--max-semi-space-size=8',
      cliPath,
      '--config-dir',
      config.dir,
      'query',
      ...args,
    ],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let bytes = 0;
  let lines = 0;
  let pending = '';
  const head: string[] = [];
  let tail = '';
  let stderr = '';
  let peakKb = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    bytes += Buffer.byteLength(chunk);
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines += 1;
      if (head.length < 3) head.push(line);
      tail = line;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const poll = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8')
      .then((status) => {
        peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      })
      .catch(() => undefined);
  }, 100);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, bytes, lines, head, tail: pending || tail, peakRssMb: peakKb / 1024 });
    });
  });
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

describe('query streams a large range in bounded memory', () => {
  const mongoUrl = inject('mongoUrl');
  const database = freshMongoDatabaseName();
  let client: MongoClient;
  let config: ConfigDir;

  beforeAll(async () => {
    client = await connectMongo(mongoUrl);
    config = await makeConfigDir({ mongoUrl, defaults: { mongo_database: database } });
    const docs = client.db(database).collection<Record<string, unknown>>(collection);
    const batch = (start: number): Record<string, unknown>[] =>
      Array.from({ length: Math.min(1000, WAVES - start) }, (_, k) => {
        const i = start + k;
        const wave = FIRST + i * INTERVAL;
        const doc: Record<string, unknown> = { _id: wave, wave_counter: wave, ts: new Date(wave * 1000) };
        for (const [p, id] of points.entries()) doc[id] = valueOf(i, p);
        return doc;
      });
    for (let start = 0; start < WAVES; start += 2000) {
      await Promise.all(
        [start, start + 1000].filter((s) => s < WAVES).map((s) => docs.insertMany(batch(s), { ordered: false })),
      );
    }
  }, 10 * 60_000);

  afterAll(async () => {
    await client?.db(database).dropDatabase();
    await client?.close();
    await config?.cleanup();
  });

  const range = ['--monitory', 'Extraction_1_dev_a', '--from', String(FIRST), '--to', String(LAST)];

  it(
    'table',
    async () => {
      const out = await runQuery(config, [project, ...range]);
      process.stderr.write(
        `query table: ${out.lines} lines, ${mb(out.bytes)} MB, peak RSS ${out.peakRssMb.toFixed(1)} MB\n`,
      );
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.lines).toBe(WAVES + 1);
      expect(out.head[0]).toMatch(/^wave_counter {2}ts {24}P000 +P001 /);
      expect(out.head[1]?.split(/ +/).slice(0, 4)).toEqual([
        String(FIRST),
        new Date(FIRST * 1000).toISOString(),
        'null',
        '1.625',
      ]);
      expect(out.tail.split(/ +/)[0]).toBe(String(LAST));
    },
    5 * 60_000,
  );

  it(
    'csv',
    async () => {
      const out = await runQuery(config, [project, ...range, '--format', 'csv']);
      process.stderr.write(
        `query csv: ${out.lines} lines, ${mb(out.bytes)} MB, peak RSS ${out.peakRssMb.toFixed(1)} MB\n`,
      );
      expect(out.code).toBe(0);
      expect(out.lines).toBe(WAVES + 1);
      expect(out.head[0]).toBe(['wave_counter', 'ts', ...points].join(','));
      const last = WAVES - 1;
      expect(out.tail).toBe(
        [LAST, new Date(LAST * 1000).toISOString(), ...points.map((_, p) => String(valueOf(last, p) ?? 'null'))].join(
          ',',
        ),
      );
    },
    5 * 60_000,
  );

  it(
    'json',
    async () => {
      const out = await runQuery(config, [project, ...range, '--format', 'json']);
      process.stderr.write(
        `query json: ${out.lines} lines, ${mb(out.bytes)} MB, peak RSS ${out.peakRssMb.toFixed(1)} MB\n`,
      );
      expect(out.code).toBe(0);
      // "[", then per row "{", wave_counter, ts, the points and "}" (or "},"), then "]".
      expect(out.lines).toBe(2 + WAVES * (POINTS + 4));
      expect(out.head).toEqual(['[', '  {', `    "wave_counter": ${FIRST},`]);
      expect(out.tail).toBe(']');
    },
    5 * 60_000,
  );

  it(
    'the library iterates the range with the heap bounded',
    async () => {
      // Live heap, not garbage V8 has not collected yet: a full collection before each sample.
      setFlagsFromString('--expose-gc');
      const collect = runInNewContext('gc') as () => void;
      const reader = openPivotReader({ url: mongoUrl, database });
      collect();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      let count = 0;
      let previous = -Infinity;
      let ordered = true;
      try {
        for await (const row of reader.rows({ database: project, monitory: 'Extraction_1_dev_a', from: FIRST })) {
          if (row.wave_counter <= previous) ordered = false;
          previous = row.wave_counter;
          count += 1;
          if (count % 500 === 0) {
            collect();
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          }
        }
      } finally {
        await reader.close();
      }
      process.stderr.write(
        `rows(): ${count} rows, heap used ${mb(before)} MB before, peak ${mb(peak)} MB (+${mb(peak - before)} MB)\n`,
      );
      expect(count).toBe(WAVES);
      expect(ordered).toBe(true);
      expect(previous).toBe(LAST);
      // The whole range decoded at once is several hundred MB of objects; a batch is about 1 MB.
      expect(peak - before).toBeLessThan(64 * 1048576);
    },
    5 * 60_000,
  );
});
