// The sync engine against real MariaDB and a real MongoDB-compatible server: the collections equal
// a pivot computed independently here, and stay so as late measures and new waves arrive.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import {
  asPlain,
  countDocuments,
  expectedPivot,
  generateDataset,
  readCollections,
  type Dataset,
} from '../../support/dataset.js';
import { CHECKPOINTS_COLLECTION } from '../../../src/sync/naming.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const DAY = 86_400;

describe('sync --once', () => {
  let project: SyncProject;
  let data: Dataset;
  const now = Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    // Retention 10 days, threshold 12 days back: waves from 15 days ago on are generated, so some
    // fall below the threshold and more beyond retention.
    project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      request: { wave_counter_threshold: now - 12 * DAY, delete_old_value: 10 },
      // The re-scan window these tests once relied on is gone; the key must still be accepted.
      defaults: { sync: { rescan_window_seconds: 2 * DAY, waves_per_query: 8 } },
    });
    data = generateDataset({
      now,
      spanSeconds: 15 * DAY,
      waves: 120,
      points: 40,
      monitories: [
        { name: 'Extraction_1_dev_a', interval: 300, intervalLater: 600 },
        { name: 'Extraction_2_dev_a', interval: 900 },
        { name: 'Not_kept', interval: 300 },
      ],
    });
    await project.source.insertCycles(data.cycles);
    await project.source.insertMeasures(data.measures);
  });

  afterEach(async () => {
    await project.cleanup();
  });

  const expected = (lowerBound: number) =>
    expectedPivot(data, {
      database: project.source.name,
      measures: project.source.measuresTable,
      kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'],
      lowerBound,
    });

  it('converges to the pivot of the source, and a second run changes nothing', async () => {
    const first = await runCli(project.syncArgs('--once'));
    expect(first.stderr).not.toContain('error');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^synced dbp_t_\w+: \d+ document\(s\) written/);

    const want = expected(Math.max(now - 12 * DAY, now - 10 * DAY));
    // Three collections: the interval of Extraction_1_dev_a changed half-way.
    expect([...want.keys()]).toHaveLength(3);
    const got = await readCollections(project.db, project.source.name);
    expect(asPlain(got.collections)).toEqual(asPlain(want));
    expect(got.documents).toBe(countDocuments(want));

    const checkpoints = () =>
      project.db.collection(CHECKPOINTS_COLLECTION).find({ project: project.source.name }).sort({ _id: 1 }).toArray();
    const before = await checkpoints();
    expect(before).toHaveLength(3);
    const second = await runCli(project.syncArgs('--once'));
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain(': 0 document(s) written');
    // Nothing new: not even the checkpoints are written again (updated_at unchanged).
    expect(await checkpoints()).toEqual(before);
    const again = await readCollections(project.db, project.source.name);
    expect(asPlain(again.collections)).toEqual(asPlain(want));
    expect(again.documents).toBe(countDocuments(want));
  });

  it('merges late measures of a synced wave on a reconcile run, and picks up new waves', async () => {
    expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);

    const lastWave = Math.max(...data.cycles.filter((c) => c.monitory === 'Extraction_2_dev_a').map((c) => c.wave));
    const late = [
      { wave: lastWave, pointId: 'late.point', value: 42.5 },
      { wave: lastWave, pointId: 'late-null', value: null },
    ];
    const newWave = now - 60;
    const fresh = { wave: newWave, monitory: 'Extraction_1_dev_a', interval: 600 };
    const freshMeasures = [
      { wave: newWave, pointId: '007', value: 1 },
      { wave: newWave, pointId: 'new.one', value: 2 },
    ];
    await project.source.insertMeasures(late);
    await project.source.insertCycles([fresh]);
    await project.source.insertMeasures(freshMeasures);
    data.measures.push(...late, ...freshMeasures);
    data.cycles.push(fresh);

    // The last wave is hours old: the age schedule checks it within a tenth of that, a reconcile now.
    const rerun = await runCli(project.syncArgs('--once', '--reconcile'));
    expect(rerun.exitCode).toBe(0);
    // The late wave's document in every collection whose cycles share it, plus the new wave.
    const lateDocs = data.cycles.filter((c) => c.wave === lastWave && c.monitory !== 'Not_kept').length;
    expect(rerun.stdout).toContain(`: ${lateDocs + 1} document(s) written`);
    const got = await readCollections(project.db, project.source.name);
    const want = expected(now - 10 * DAY);
    expect(asPlain(got.collections)).toEqual(asPlain(want));
    expect(got.documents).toBe(countDocuments(want));
  });

  it('deletes documents that age out of retention or fall below a raised threshold', async () => {
    expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
    const raised = now - 5 * DAY;
    await project.writeRequest({ ...project.request, wave_counter_threshold: raised });
    const rerun = await runCli(project.syncArgs('--once'));
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout).toMatch(/[1-9]\d* deleted/);
    const got = await readCollections(project.db, project.source.name);
    const want = expected(raised);
    expect(asPlain(got.collections)).toEqual(asPlain(want));
    expect(got.documents).toBe(countDocuments(want));
  });
});
