// A sync killed with SIGKILL at random moments of a large backfill, restarted each time: it still
// converges, with nothing duplicated or lost.
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../support/cli.js';
import {
  asPlain,
  countDocuments,
  expectedPivot,
  generateDataset,
  readCollections,
  seededRandom,
} from '../../support/dataset.js';
import { seededSyncProject } from '../../support/sync-project.js';

/** Documents in the pivot collections of `database`, counted without reading them. */
async function pivotDocuments(db: Db, database: string): Promise<number> {
  let documents = 0;
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray())
    if (name.startsWith(`${database};`)) documents += await db.collection(name).countDocuments();
  return documents;
}

describe('sync killed during a backfill', () => {
  const now = Math.floor(Date.now() / 1000);
  const data = generateDataset({
    now,
    spanSeconds: 5 * 86_400,
    waves: 400,
    points: 100,
    monitories: [
      { name: 'Extraction_1_dev_a', interval: 300 },
      { name: 'Extraction_2_dev_a', interval: 300 },
    ],
    seed: 7,
  });

  // Small chunks: many checkpoints on the way, so kills land between and inside them.
  const syncProject = seededSyncProject(data, { sync: { waves_per_query: 4, rescan_window_seconds: 3600 } });

  it('converges after repeated kill -9 and restart', async () => {
    const project = syncProject();
    const want = expectedPivot(data, {
      database: project.source.name,
      measures: project.source.measuresTable,
      kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'],
      lowerBound: now - 30 * 86_400,
    });
    const total = countDocuments(want);
    const random = seededRandom(Date.now());
    const progress: number[] = [];
    for (let kill = 0; kill < 6; kill++) {
      const worker = spawnCli(project.syncArgs());
      let exited = false;
      void worker.then(() => (exited = true));
      // A fixed delay would land after the whole backfill on a fast machine: wait until this run
      // has written something new, then kill it a random moment later, inside the backfill.
      const before = progress.at(-1) ?? 0;
      const deadline = Date.now() + 30_000;
      while (!exited && Date.now() < deadline) {
        if ((await pivotDocuments(project.db, project.source.name)) > before) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, random() * 150));
      worker.kill('SIGKILL');
      const result = await worker;
      expect(result.signal, result.stderr).toBe('SIGKILL');
      // What a kill leaves behind is a part of the pivot, never a wrong, partial or extra document.
      const { collections, documents } = await readCollections(project.db, project.source.name);
      for (const [name, docs] of collections) {
        const expected = want.get(name);
        expect(expected, `a collection ${name} that should not exist`).toBeDefined();
        for (const [wave, doc] of docs)
          expect(doc, `${name} wave ${wave} after kill ${kill}`).toEqual(expected!.get(wave));
      }
      progress.push(documents);
      if (documents === total) break;
    }
    // The kills must have hit the backfill half-way at least once, or this test proved nothing.
    expect(
      progress.some((documents) => documents > 0 && documents < total),
      `documents after each kill: ${progress.join(', ')}`,
    ).toBe(true);

    const final = await runCli(project.syncArgs('--once'));
    expect(final.exitCode, final.stderr).toBe(0);
    const got = await readCollections(project.db, project.source.name);
    expect(asPlain(got.collections)).toEqual(asPlain(want));
    expect(got.documents).toBe(total);
  });
});

describe('sync killed during a reconcile pass', () => {
  const now = Math.floor(Date.now() / 1000);
  const data = generateDataset({
    now,
    spanSeconds: 5 * 86_400,
    // FerretDB 1.x scans the collection for each replaceOne by _id: a small collection keeps the
    // full rewrite within the CLI's time limit.
    waves: 150,
    points: 40,
    monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
    seed: 11,
  });

  const syncProject = seededSyncProject(data, { sync: { waves_per_query: 2 } });

  it('converges when killed with SIGKILL half-way through rewriting the waves that differ', async () => {
    const project = syncProject();
    expect((await runCli(project.syncArgs('--once'))).exitCode).toBe(0);
    // Every wave differs now: the reconcile rewrites all of them, chunk by chunk.
    await project.source.connection.query(
      `UPDATE \`${project.source.measuresTable}\` SET point_value = -1 WHERE point_id = '007'`,
    );
    for (const row of data.measures) if (row.pointId === '007') row.value = -1;
    const want = expectedPivot(data, {
      database: project.source.name,
      measures: project.source.measuresTable,
      kept: ['Extraction_1_dev_a'],
      lowerBound: now - 30 * 86_400,
    });
    const rewritten = async (): Promise<number> => {
      let count = 0;
      for (const { name } of await project.db.listCollections({}, { nameOnly: true }).toArray())
        if (name.startsWith(`${project.source.name};`))
          count += await project.db.collection(name).countDocuments({ '007': -1 });
      return count;
    };
    const total = countDocuments(want);
    const worker = spawnCli(project.syncArgs('--once', '--reconcile'));
    let exited = false;
    void worker.then(() => (exited = true));
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline && (await rewritten()) === 0) await new Promise((r) => setTimeout(r, 10));
    worker.kill('SIGKILL');
    const result = await worker;
    expect(result.signal, result.stderr).toBe('SIGKILL');
    const partial = await rewritten();
    expect(partial, 'the kill must land inside the reconcile pass').toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);

    const final = await runCli(project.syncArgs('--once', '--reconcile'), { timeout: 110_000 });
    expect(final.exitCode, final.stderr).toBe(0);
    const got = await readCollections(project.db, project.source.name);
    expect(asPlain(got.collections)).toEqual(asPlain(want));
    expect(got.documents).toBe(total);
    const again = await runCli(project.syncArgs('--once', '--reconcile'));
    expect(again.stdout).toMatch(/: 0 document\(s\) written, 0 deleted, .* 0 differed/);
  });
});
