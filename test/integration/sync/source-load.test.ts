// What a sync puts on the source, counted by MariaDB's user statistics for a MySQL user of its own:
// a reconcile pass sends one row per cycle row checked (its digest rides along in the same row)
// and reads each measure once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCycle } from '../../../src/sync/cycle.js';
import { generateDataset } from '../../support/dataset.js';
import { inProcessSync } from '../../support/in-process.js';
import { connectMysqlRoot } from '../../support/mysql.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';

const user = `dbp_load_${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');
const DAY = 86_400;

interface Counters {
  rowsRead: number;
  rowsSent: number;
  selects: number;
}

async function counters(): Promise<Counters> {
  const root = await connectMysqlRoot();
  try {
    const [rows] = await root.query(
      'SELECT ROWS_READ, ROWS_SENT, SELECT_COMMANDS FROM information_schema.USER_STATISTICS WHERE USER = ?',
      [user],
    );
    const row = (rows as { ROWS_READ: number; ROWS_SENT: number; SELECT_COMMANDS: number }[])[0];
    return {
      rowsRead: Number(row?.ROWS_READ ?? 0),
      rowsSent: Number(row?.ROWS_SENT ?? 0),
      selects: Number(row?.SELECT_COMMANDS ?? 0),
    };
  } finally {
    await root.end();
  }
}

const minus = (a: Counters, b: Counters): Counters => ({
  rowsRead: a.rowsRead - b.rowsRead,
  rowsSent: a.rowsSent - b.rowsSent,
  selects: a.selects - b.selects,
});

describe('the load a sync puts on MySQL (USER_STATISTICS)', () => {
  const now = Math.floor(Date.now() / 1000);
  const data = generateDataset({
    now,
    spanSeconds: 6 * DAY,
    waves: 300,
    points: 40,
    monitories: [
      { name: 'Extraction_1_dev_a', interval: 300 },
      { name: 'Extraction_2_dev_a', interval: 900 },
    ],
  });
  let project: SyncProject;
  let userstatWasOn = false;

  beforeAll(async () => {
    const root = await connectMysqlRoot();
    try {
      const [rows] = await root.query("SHOW GLOBAL VARIABLES LIKE 'userstat'");
      userstatWasOn = (rows as { Value: string }[])[0]?.Value === 'ON';
      await root.query('SET GLOBAL userstat = 1');
      for (const host of ['%', 'localhost'])
        await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
      project = await createSyncProject({
        mongoUrl: inject('mongoUrl'),
        mysqlUser: user,
        mysqlPassword: password,
        request: { delete_old_value: 7 },
      });
      for (const host of ['%', 'localhost'])
        await root.query(`GRANT SELECT ON \`${project.source.name}\`.* TO ?@?`, [user, host]);
      await project.source.insertCycles(data.cycles);
      await project.source.insertMeasures(data.measures);
    } finally {
      await root.end();
    }
  });

  afterAll(async () => {
    const root = await connectMysqlRoot();
    try {
      await root.query(`DROP USER IF EXISTS ?@'%', ?@'localhost'`, [user, user]);
      if (!userstatWasOn) await root.query('SET GLOBAL userstat = 0');
    } finally {
      await root.end();
      await project?.cleanup();
    }
  });

  it('a reconcile pass sends one row per cycle row checked and reads each measure once', async () => {
    const sync = await inProcessSync(project);
    const { config, source, sink, logger } = sync;
    try {
      const first = await runCycle(config, { source, sink, logger });
      expect(first.waves).toBeGreaterThan(500);
      const before = await counters();
      const report = await runCycle(config, { source, sink, logger, reconcile: true });
      const load = minus(await counters(), before);
      const cycleRows = data.cycles.length;
      // Every wave checked, none differs; waves shared by both names are checked once.
      expect(report.differed).toBe(0);
      expect(report.checked).toBe(new Set(data.cycles.map((cycle) => cycle.wave)).size);
      // The cycle rows with their digests, plus a few single-row lookups (retention's oldest wave).
      expect(load.rowsSent).toBeGreaterThanOrEqual(cycleRows);
      expect(load.rowsSent).toBeLessThanOrEqual(cycleRows + 5);
      // Each measure once for its digest; the cycle rows a few times (each page's sort walks the
      // rest of the range, and each wave's lookup reads one index entry past its rows).
      expect(load.rowsRead).toBeGreaterThanOrEqual(data.measures.length);
      expect(load.rowsRead).toBeLessThanOrEqual(data.measures.length + 3 * cycleRows + 10);
      expect(load.selects).toBeLessThanOrEqual(5);
    } finally {
      await sync.close();
    }
  });
});
