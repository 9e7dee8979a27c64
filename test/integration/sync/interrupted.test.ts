// `sync --once` stopped by SIGTERM in the middle of its cycle says so and exits 75, never 0 with
// "synced": a script or an operator must not take an interrupted run for a complete one. What it
// wrote is kept, and the next run completes the pivot.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../support/cli.js';
import { asPlain, countDocuments, expectedPivot, generateDataset, readCollections } from '../../support/dataset.js';
import { seededSyncProject } from '../../support/sync-project.js';

describe('sync --once interrupted', () => {
  const now = Math.floor(Date.now() / 1000);
  const kept = ['Extraction_1_dev_a', 'Extraction_2_dev_a'];
  const data = generateDataset({
    now,
    spanSeconds: 5 * 86_400,
    waves: 400,
    points: 100,
    monitories: kept.map((name) => ({ name, interval: 300 })),
    seed: 11,
  });
  // Small chunks: the cycle is long enough to be stopped in its middle.
  const syncProject = seededSyncProject(data, { sync: { waves_per_query: 2 } });

  it('exits 75 without "synced"; the next run completes the pivot', async () => {
    const project = syncProject();
    const want = expectedPivot(data, {
      database: project.source.name,
      measures: project.source.measuresTable,
      kept,
      lowerBound: now - 30 * 86_400,
    });
    const run = spawnCli(project.syncArgs('--once'));
    let exited = false;
    void run.then(() => (exited = true));
    let written = 0;
    while (!exited && written === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      written = (await readCollections(project.db, project.source.name)).documents;
    }
    expect(exited, 'the run ended before anything was written: the data set is too small').toBe(false);
    run.kill('SIGTERM');
    const result = await run;
    const after = (await readCollections(project.db, project.source.name)).documents;
    expect(after, 'the run finished its cycle before the signal').toBeLessThan(countDocuments(want));
    expect(result.stdout).not.toMatch(/^synced/m);
    expect(result.stderr).toContain('stopped by SIGTERM before its cycle finished');
    expect(result.exitCode, result.all).toBe(75);

    const again = await runCli(project.syncArgs('--once'));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^synced /);
    const { collections } = await readCollections(project.db, project.source.name);
    expect(isDeepStrictEqual(asPlain(collections), asPlain(want))).toBe(true);
  });
});
