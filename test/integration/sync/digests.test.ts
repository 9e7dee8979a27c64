// Convergence after every kind of change at ages from seconds to 6 days: through a reconcile run,
// and through the looping sync (an injected clock) within the documented bounds, with and without
// a change column (inserts then found by its cursor, the rest by the digests' sweep).
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCycle, scheduleSettings } from '../../../src/sync/cycle.js';
import { detectionBound } from '../../../src/sync/schedule.js';
import type { Sink } from '../../../src/sync/sink.js';
import type { Source } from '../../../src/sync/source.js';
import { applyChange, expectedWeek, seedChangeWeek, type ChangeTarget } from '../../support/changes.js';
import { runCli } from '../../support/cli.js';
import { asPlain, readCollections, type Dataset, type ExpectedCollections } from '../../support/dataset.js';
import { inProcessSync } from '../../support/in-process.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const DAY = 86_400;
/** From seconds to 6 days; 18 minutes is inside the re-scan window of old, 2 days outside it. */
const AGES = [20, 300, 18 * 60, 30 * 60, 3 * 3600, 2 * DAY, 3 * DAY, 6 * DAY];

/** Only the waves from `from` on: retention runs hourly, so the oldest hour may still be there. */
function from(collections: ExpectedCollections, wave: number): ExpectedCollections {
  return new Map(
    [...collections]
      .map(([name, docs]) => [name, new Map([...docs].filter(([w]) => w >= wave))] as const)
      .filter(([, docs]) => docs.size > 0),
  );
}

/** The change column's look-back in these tests (the default is 60 s). */
const LOOKBACK = 30;

describe.each([{ changeColumn: false }, { changeColumn: true }])(
  'digest checks, change column: $changeColumn',
  ({ changeColumn }) => {
    let project: SyncProject;
    let data: Dataset;
    let targets: ChangeTarget[];
    const now = Math.floor(Date.now() / 1000);

    beforeEach(async () => {
      project = await createSyncProject({
        mongoUrl: inject('mongoUrl'),
        request: { delete_old_value: 7, sleep_time: 5 },
        defaults: changeColumn
          ? {
              source: { measure_change_column: 'id' },
              sync: { waves_per_query: 16, change_lookback_seconds: LOOKBACK },
            }
          : { sync: { waves_per_query: 16 } },
      });
      ({ data, targets } = await seedChangeWeek(project.source, now, AGES, { waves: 150, points: 20 }));
    });

    afterEach(async () => {
      await project.cleanup();
    });

    const expected = (at: number) => expectedWeek(data, project.source, at);

    it('--once --reconcile converges after every kind of change at every age, including waves deleted inside and outside the old window', async () => {
      expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
      for (const target of targets) await applyChange(project.source, data, target);
      const run = await runCli(project.syncArgs('--once', '--reconcile'));
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/ \d+ wave\(s\) checked, 32 differed/);
      const got = await readCollections(project.db, project.source.name);
      expect(asPlain(got.collections)).toEqual(asPlain(expected(now)));
      // Nothing differs any more: the digests recorded are those of what was written.
      const again = await runCli(project.syncArgs('--once', '--reconcile'));
      expect(again.stdout).toMatch(/: 0 document\(s\) written, 0 deleted, .* 0 differed/);
    });

    it('the looping sync finds each change within its bound: max(2 × sleep_time, age / 10); with a change column an insert within the look-back and two cycles, the rest within the reconcile interval', async () => {
      const sync = await inProcessSync(project);
      const { config, cycle } = sync;
      try {
        await cycle(now);
        for (const target of targets) await applyChange(project.source, data, target);
        const schedule = scheduleSettings(config);
        const deadline = (t: ChangeTarget) =>
          now + (changeColumn && t.kind === 'new measure' ? LOOKBACK + 2 * 5 : detectionBound(schedule, now - t.wave));
        // Cycles every sleep_time for two minutes, then at each change's deadline (the clock jumps).
        const times = [
          ...Array.from({ length: 24 }, (_, k) => now + 5 * (k + 1)),
          ...targets.map((t) => Math.ceil(deadline(t))),
        ];
        const pending = new Set(targets);
        for (const at of [...new Set(times)].sort((a, b) => a - b)) {
          await cycle(at);
          const due = [...pending].filter((t) => deadline(t) <= at);
          if (due.length === 0) continue;
          const got = (await readCollections(project.db, project.source.name)).collections;
          const want = expected(at);
          for (const target of due) {
            const name = `${project.source.name};${project.source.measuresTable};Extraction_1_dev_a;300`;
            expect(
              got.get(name)?.get(target.wave),
              `${target.kind} at age ${target.age} s, cycle at +${at - now} s`,
            ).toEqual(want.get(name)?.get(target.wave));
            pending.delete(target);
          }
        }
        expect(pending.size).toBe(0);
        const end = Math.max(...times);
        const got = (await readCollections(project.db, project.source.name)).collections;
        expect(asPlain(from(got, end - 7 * DAY + 3600))).toEqual(asPlain(from(expected(end), end - 7 * DAY + 3600)));
      } finally {
        await sync.close();
      }
    });

    it('a measure arriving between the digest query and the re-read is synced and recorded (the snapshot case)', async () => {
      const sync = await inProcessSync(project);
      const { config, source, sink, logger } = sync;
      const target = targets.find((t) => t.kind === 'corrected value' && t.age === 2 * DAY) as ChangeTarget;
      let between: (() => Promise<void>) | undefined;
      let after: (() => Promise<void>) | undefined;
      // The real source, with a hook at the moment the issue is about.
      const hooked: Source = {
        ...source,
        async readCheckedCycles(monitories, ranges, from, limit) {
          const checked = await source.readCheckedCycles(monitories, ranges, from, limit);
          await between?.();
          between = undefined;
          return checked;
        },
        async readMeasures(waves) {
          const rows = await source.readMeasures(waves);
          await after?.();
          after = undefined;
          return rows;
        },
      };
      const reconcile = (s: Source, k: Sink) => runCycle(config, { source: s, sink: k, logger, reconcile: true });
      try {
        await reconcile(hooked, sink);
        await applyChange(project.source, data, target);
        const arrive = (pointId: string) => async () => {
          await project.source.insertMeasures([{ wave: target.wave, pointId, value: 1 }]);
          data.measures.push({ wave: target.wave, pointId, value: 1 });
        };
        between = arrive('between');
        const first = await reconcile(hooked, sink);
        expect(first.differed).toBe(1);
        const got = (await readCollections(project.db, project.source.name)).collections;
        expect(asPlain(got)).toEqual(asPlain(expected(now)));
        // The digest recorded includes the measure that arrived in between: nothing differs now.
        expect((await reconcile(source, sink)).differed).toBe(0);

        // One arriving after the re-read is not in the document, so the next check finds it.
        await applyChange(project.source, data, { ...target, kind: 'new measure' });
        after = arrive('after');
        await reconcile(hooked, sink);
        const next = await reconcile(source, sink);
        expect(next.differed).toBe(1);
        expect(asPlain((await readCollections(project.db, project.source.name)).collections)).toEqual(
          asPlain(expected(now)),
        );
      } finally {
        await sync.close();
      }
    });
  },
);
