// The worker's start-up check of its MySQL user against real users of the test MariaDB: a user
// with INSERT and DELETE on the project's database is warned about once, naming both; a user with
// only SELECT on the two tables is not.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { generateDataset } from '../support/dataset.js';
import { connectMysqlRoot } from '../support/mysql.js';
import { createSyncProject, type SyncProject } from '../support/sync-project.js';
import { waitFor } from '../support/wait.js';

const password = `Priv-${randomBytes(8).toString('hex')}`;
const suffix = randomBytes(3).toString('hex');
const wide = `dbp_wide_${suffix}`;
const narrow = `dbp_narrow_${suffix}`;

describe('start-up privilege check', () => {
  let base: SyncProject;
  const projects: SyncProject[] = [];

  beforeAll(async () => {
    base = await createSyncProject({ mongoUrl: inject('mongoUrl') });
    projects.push(base);
    const data = generateDataset({
      now: Math.floor(Date.now() / 1000),
      spanSeconds: 3600,
      waves: 3,
      points: 2,
      monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
    });
    await base.source.insertCycles(data.cycles);
    await base.source.insertMeasures(data.measures);
    const db = base.source.name;
    const root = await connectMysqlRoot();
    try {
      for (const host of ['%', 'localhost']) {
        for (const user of [wide, narrow]) await root.query(`CREATE USER ?@? IDENTIFIED BY ?`, [user, host, password]);
        await root.query(`GRANT SELECT, INSERT, DELETE ON \`${db}\`.* TO ?@?`, [wide, host]);
        for (const table of ['extraction_cycle', base.source.measuresTable])
          await root.query(`GRANT SELECT ON \`${db}\`.\`${table}\` TO ?@?`, [narrow, host]);
      }
    } finally {
      await root.end();
    }
  });

  afterAll(async () => {
    const root = await connectMysqlRoot();
    try {
      for (const host of ['%', 'localhost'])
        await root.query(`DROP USER IF EXISTS ?@?, ?@?`, [wide, host, narrow, host]);
    } finally {
      await root.end();
    }
    for (const project of projects) await project.cleanup();
  });

  /** Runs the worker on a project folder with this MySQL user until it has synced twice. */
  async function workerOutput(user: string): Promise<string> {
    const project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      mysqlUser: user,
      mysqlPassword: password,
      request: { database: base.source.name, monitory_name_kept: ['Extraction_1_dev_a'], sleep_time: 1 },
      // Debug: idle cycles are logged too, so the wait sees two cycles either way.
      defaults: { log_level: 'debug' },
    });
    projects.push(project);
    const worker = spawnCli([
      '--config-dir',
      project.config.dir,
      '--state-dir',
      project.config.stateDir,
      'worker',
      project.config.dir,
    ]);
    let output = '';
    let exited = false;
    worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void worker.then(() => (exited = true));
    try {
      await waitFor('two cycles of the worker', () => (output.match(/ cycle (synced|idle) /g) ?? []).length >= 2, {
        timeoutMs: 60_000,
        giveUp: () => (exited ? `the worker exited: ${output}` : undefined),
      }).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; output: ${output}`);
      });
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
    expect(output).not.toContain(password);
    return output;
  }

  it('warns once, naming the privileges beyond SELECT', async () => {
    const output = await workerOutput(wide);
    const warnings = output.split('\n').filter((line) => line.includes('can do more than SELECT'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `the MySQL user ${wide} can do more than SELECT on ${base.source.name}.extraction_cycle`,
    );
    expect(warnings[0]).toContain(': INSERT, DELETE (GRANT SELECT, INSERT, DELETE ON');
    expect(warnings[0]).toMatch(/ warn /);
  });

  it('says nothing for a user with SELECT on the two tables only', async () => {
    const output = await workerOutput(narrow);
    expect(output).toContain('worker ready');
    expect(output).not.toContain('can do more than SELECT');
  });
});
