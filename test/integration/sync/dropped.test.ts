// A monitory name dropped from a request: its collection is no longer synced, the sync says so at
// start naming it, and retention keeps ageing its documents out.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { generateDataset, readCollections, type Dataset } from '../../support/dataset.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const DAY = 86_400;

describe('a dropped monitory name', () => {
  let project: SyncProject;
  let data: Dataset;
  const now = Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    project = await createSyncProject({ mongoUrl: inject('mongoUrl'), request: { delete_old_value: 7 } });
    data = generateDataset({
      now,
      spanSeconds: 6 * DAY,
      waves: 60,
      points: 10,
      monitories: [
        { name: 'Extraction_1_dev_a', interval: 300 },
        { name: 'Extraction_2_dev_a', interval: 900 },
      ],
    });
    await project.source.insertCycles(data.cycles);
    await project.source.insertMeasures(data.measures);
  });

  afterEach(async () => {
    await project.cleanup();
  });

  it('is no longer synced, is named at start, and still ages out', async () => {
    expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
    const dropped = `${project.source.name};${project.source.measuresTable};Extraction_2_dev_a;900`;
    const before = (await readCollections(project.db, project.source.name)).collections.get(dropped);
    expect(before?.size).toBeGreaterThan(0);

    await project.writeRequest({ ...project.request, monitory_name_kept: ['Extraction_1_dev_a'] });
    const wave = now - 30;
    await project.source.insertCycles([{ wave, monitory: 'Extraction_2_dev_a', interval: 900 }]);
    await project.source.insertMeasures([{ wave, pointId: 'x', value: 1 }]);
    const run = await runCli(project.syncArgs('--once', '--reconcile'));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(`no longer synced (monitory name not kept in the request): ${dropped}`);
    const after = (await readCollections(project.db, project.source.name)).collections.get(dropped);
    expect(after?.has(wave)).toBe(false);
    expect(after).toEqual(before);

    const raised = now - 3 * DAY;
    await project.writeRequest({ ...project.request, wave_counter_threshold: raised });
    expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
    const aged = (await readCollections(project.db, project.source.name)).collections.get(dropped);
    expect([...(aged?.keys() ?? [])].every((w) => w >= raised)).toBe(true);
    expect(aged?.size).toBeGreaterThan(0);
    expect(aged?.size).toBeLessThan(before?.size ?? 0);
  });
});
