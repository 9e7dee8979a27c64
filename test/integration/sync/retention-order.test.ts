// A new wave is written before the cycle's retention deletes what aged out: on a MongoDB-compatible
// server without a usable index the delete scans the collection, and the new wave must not wait
// behind it; and the loop's pause counts that housekeeping in, so the next new waves are read
// sleep_time after these.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/sync/cycle.js';
import type { Sink } from '../../../src/sync/sink.js';
import { generateDataset } from '../../support/dataset.js';
import { inProcessSync } from '../../support/in-process.js';
import { seededSyncProject } from '../../support/sync-project.js';

const DAY = 86_400;
/** How long the sink takes for the new wave's insert and for retention's delete. */
const SLOW_MS = 50;
const now = Math.floor(Date.now() / 1000);
const data = generateDataset({
  now,
  spanSeconds: 3 * DAY,
  waves: 30,
  points: 5,
  monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
});

describe('the order of a cycle', () => {
  const project = seededSyncProject(data);

  it('writes a new wave before it deletes the documents that aged out', async () => {
    const p = project();
    await p.writeRequest({ ...p.request, delete_old_value: 3, monitory_name_kept: ['Extraction_1_dev_a'] });
    const sync = await inProcessSync(p);
    const { config, source, sink, logger } = sync;
    try {
      await runCycle(config, { source, sink, logger, now: () => now });
      // A day later: the oldest waves aged out, and a new wave arrived.
      const later = now + DAY;
      const wave = later - 10;
      await p.source.insertCycles([{ wave, monitory: 'Extraction_1_dev_a', interval: 300 }]);
      await p.source.insertMeasures([{ wave, pointId: 'P1', value: 1 }]);
      const calls: string[] = [];
      const recording: Sink = {
        ...sink,
        async insert(collection, docs) {
          calls.push(`insert ${docs.map((doc) => doc._id).join(',')}`);
          await sleep(SLOW_MS);
          return sink.insert(collection, docs);
        },
        async deleteOlderThan(collection, bound, batchSize) {
          calls.push('retention');
          await sleep(SLOW_MS); // a slow delete, as FerretDB's collection scan
          return sink.deleteOlderThan(collection, bound, batchSize);
        },
      };
      const report = await runCycle(config, { source, sink: recording, logger, now: () => later });
      expect(report.deleted).toBeGreaterThan(0);
      expect(calls).toEqual([`insert ${wave}`, 'retention']);
      // The time after the new wave, which the loop's pause counts in, holds the retention's.
      expect(report.stages.retention_ms).toBeGreaterThan(0);
      expect(report.afterNewWavesMs).toBeGreaterThanOrEqual(report.stages.retention_ms);
      expect(report.afterNewWavesMs).toBeLessThanOrEqual(report.ms);
      // The new wave's own write is not: it counts from when the new waves were in MongoDB.
      expect(report.ms - report.afterNewWavesMs).toBeGreaterThanOrEqual(SLOW_MS - 1);
    } finally {
      await sync.close();
    }
  });
});
