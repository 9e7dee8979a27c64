// Checks before the first cycle: the server's CRC32 is the standard one, and the cycle table has
// the (monitory name, wave counter) index retention's lookups expect; without it the sync warns.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const WARNING = 'the cycle table has no index starting with (monitory name, wave counter)';

describe('preflight', () => {
  let project: SyncProject;

  beforeEach(async () => {
    project = await createSyncProject({ mongoUrl: inject('mongoUrl') });
    const wave = Math.floor(Date.now() / 1000) - 60;
    await project.source.insertCycles([{ wave, monitory: 'Extraction_1_dev_a', interval: 300 }]);
    await project.source.insertMeasures([{ wave, pointId: 'p', value: 1 }]);
  });

  afterEach(async () => {
    await project.cleanup();
  });

  it('syncs without a warning when the index is there', async () => {
    const run = await runCli(project.syncArgs('--once'));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(WARNING);
    expect(run.stdout).toContain(': 1 document(s) written');
  });

  it('warns, and syncs all the same, when the cycle table lacks the index', async () => {
    await project.source.connection.query('ALTER TABLE extraction_cycle DROP INDEX monitory_name');
    const run = await runCli(project.syncArgs('--once'));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(WARNING);
    expect(run.stdout).toContain(': 1 document(s) written');
  });
});
