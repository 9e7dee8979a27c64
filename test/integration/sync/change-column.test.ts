// The change column (source.measure_change_column) against the real MariaDB: inserts at every age
// found by `sync --once` runs past the look-back alone (an AUTO_INCREMENT id or a TIMESTAMP(6)), and a
// row committed out of order (a lower id committed after a higher one was read) not lost.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { applyChange, expectedWeek, seedChangeWeek, type ChangeTarget } from '../../support/changes.js';
import { runCli } from '../../support/cli.js';
import { asPlain, readCollections, type Dataset } from '../../support/dataset.js';
import { connectMysqlRoot } from '../../support/mysql.js';
import { inProcessSync } from '../../support/in-process.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const DAY = 86_400;
const AGES = [20, 300, 30 * 60, 3 * 3600, 2 * DAY, 3 * DAY, 6 * DAY];

describe('a change column', () => {
  let project: SyncProject;
  let data: Dataset;
  let targets: ChangeTarget[];
  const now = Math.floor(Date.now() / 1000);

  /** `column`: the AUTO_INCREMENT id, or a TIMESTAMP(6) the server sets at insert (added here). */
  const setUp = async (lookback: number, column: 'id' | 'changed_at' = 'id') => {
    project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      request: { delete_old_value: 7, sleep_time: 5 },
      defaults: { source: { measure_change_column: column }, sync: { change_lookback_seconds: lookback } },
    });
    if (column === 'changed_at')
      await project.source.connection.query(
        'ALTER TABLE TL_measures ADD COLUMN changed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), ADD KEY (changed_at)',
      );
    ({ data, targets } = await seedChangeWeek(project.source, now, AGES, { waves: 100, points: 10 }));
  };

  const expected = () => expectedWeek(data, project.source, now);
  const synced = async () => asPlain((await readCollections(project.db, project.source.name)).collections);

  afterEach(async () => {
    await project.cleanup();
  });

  it.each(['id', 'changed_at'] as const)(
    'sync --once finds inserts into waves of every age once the look-back has passed, without a reconcile (%s)',
    async (column) => {
      await setUp(1, column);
      expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
      const inserts = targets.filter((t) => t.kind === 'new measure');
      for (const target of inserts) await applyChange(project.source, data, target);
      // The first run after the inserts notes the column's maximum; one after the look-back reads past it.
      const noted = await runCli(project.syncArgs('--once'));
      expect(noted.exitCode, noted.stderr).toBe(0);
      await sleep(1200);
      const found = await runCli(project.syncArgs('--once'));
      expect(found.exitCode, found.stderr).toBe(0);
      expect(found.stdout).toMatch(new RegExp(`: ${inserts.length} document\\(s\\) written`));
      expect(await synced()).toEqual(asPlain(expected()));
    },
  );

  it('a lower id committed after a higher one was read is not lost', async () => {
    await setUp(30);
    const sync = await inProcessSync(project);
    const { cycle } = sync;
    const [early, later] = data.cycles.filter((c) => c.monitory === 'Extraction_1_dev_a' && c.wave < now - 2 * DAY);
    const held = await connectMysqlRoot();
    try {
      await cycle(now);
      if (early === undefined || later === undefined) throw new Error('the dataset has no waves 2 days old');
      // A transaction takes the lower id and holds it; another one commits a higher id at once.
      await held.changeUser({ database: project.source.name });
      await held.query('START TRANSACTION');
      await held.execute('INSERT INTO TL_measures (wave_counter, point_id, point_value) VALUES (?, ?, ?)', [
        early.wave,
        'held',
        1.5,
      ]);
      await project.source.insertMeasures([{ wave: later.wave, pointId: 'quick', value: 2.5 }]);
      data.measures.push({ wave: later.wave, pointId: 'quick', value: 2.5 });
      const [[ids]] = (await project.source.connection.query('SELECT MAX(id) AS max FROM TL_measures')) as unknown as [
        [{ max: number }],
      ];
      // The cycle sees the higher id while the lower one is still uncommitted.
      await cycle(now + 5);
      await held.query('COMMIT');
      data.measures.push({ wave: early.wave, pointId: 'held', value: 1.5 });
      for (let at = now + 10; at <= now + 5 + 30 + 2 * 5; at += 5) await cycle(at);
      const got = await synced();
      const want = asPlain(expected());
      const name = `${project.source.name};${project.source.measuresTable};Extraction_1_dev_a;300`;
      expect(got[name]?.[String(later.wave)], `the wave of id ${ids.max}`).toEqual(want[name]?.[String(later.wave)]);
      expect(got[name]?.[String(early.wave)], `the wave of id ${ids.max - 1}`).toEqual(
        want[name]?.[String(early.wave)],
      );
      expect(got).toEqual(want);
    } finally {
      await held.end().catch(() => undefined);
      await sync.close();
    }
  });
});
