// No secret from credentials.env reaches stdout, stderr or the logs: not on success, not in
// refused-credential errors, not with --debug stack traces.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, spawnCli } from '../../support/cli.js';
import { generateDataset } from '../../support/dataset.js';
import { connectMysqlRoot } from '../../support/mysql.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';
import { waitFor } from '../../support/wait.js';

const user = `dbp_u_${randomBytes(4).toString('hex')}`;
const password = `Pw-${randomBytes(8).toString('hex')}-secret`;
const wrongPassword = `Wrong-${randomBytes(8).toString('hex')}-pw`;
const mongoPassword = `MongoPw-${randomBytes(8).toString('hex')}`;

function expectNoSecret(text: string): void {
  for (const secret of [password, wrongPassword, mongoPassword]) expect(text).not.toContain(secret);
}

describe('secrets', () => {
  const projects: SyncProject[] = [];
  let sourceName = '';

  beforeAll(async () => {
    const base = await createSyncProject({ mongoUrl: inject('mongoUrl') });
    projects.push(base);
    sourceName = base.source.name;
    const now = Math.floor(Date.now() / 1000);
    const data = generateDataset({
      now,
      spanSeconds: 3600,
      waves: 5,
      points: 5,
      monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
    });
    await base.source.insertCycles(data.cycles);
    await base.source.insertMeasures(data.measures);
    const root = await connectMysqlRoot();
    try {
      await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
      await root.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [user, password]);
      await root.query(`GRANT SELECT ON \`${sourceName}\`.* TO ?@'%'`, [user]);
      await root.query(`GRANT SELECT ON \`${sourceName}\`.* TO ?@'localhost'`, [user]);
    } finally {
      await root.end();
    }
  });

  afterAll(async () => {
    const root = await connectMysqlRoot();
    await root.query(`DROP USER IF EXISTS ?@'%', ?@'localhost'`, [user, user]).finally(() => root.end());
    for (const project of projects) await project.cleanup();
  });

  async function projectWith(mysqlPassword: string, mongoUrl = inject('mongoUrl')): Promise<SyncProject> {
    const project = await createSyncProject({
      mongoUrl,
      mysqlUser: user,
      mysqlPassword,
      request: { database: sourceName, monitory_name_kept: ['Extraction_1_dev_a'] },
      defaults: {
        debug: true,
        sync: { retry_initial_seconds: 0.2, retry_max_seconds: 0.5, connect_timeout_seconds: 2 },
      },
    });
    projects.push(project);
    return project;
  }

  it('syncs with a dedicated MySQL user and logs no password, even in debug mode', async () => {
    const project = await projectWith(password);
    const result = await runCli(['--debug', ...project.syncArgs('--once')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/[1-9]\d* document\(s\) written/);
    // Debug mode adds the milliseconds of each stage to the cycle's line.
    expect(result.stderr).toMatch(
      /cycle synced .*checkpoints_ms=\d+ .*mysql_wait_ms=\d+ pivot_ms=\d+ mongo_wait_ms=\d+/,
    );
    expectNoSecret(result.stdout + result.stderr);
  });

  it('reports refused MySQL credentials without the password, also with --debug stack traces', async () => {
    const project = await projectWith(wrongPassword);
    const result = await runCli(['--debug', ...project.syncArgs('--once')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Access denied');
    expect(result.stderr).toContain(`MySQL 127.0.0.1:3306/${sourceName}`);
    expectNoSecret(result.stdout + result.stderr);

    const looping = spawnCli(project.syncArgs());
    let output = '';
    looping.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('two failed cycles', () => output.split('Access denied').length > 2);
    looping.kill('SIGTERM');
    const ended = await looping;
    expect(ended.exitCode).toBe(0);
    expectNoSecret(ended.all ?? '');
  });

  it('never shows the password of a MongoDB URL', async () => {
    const url = new URL(inject('mongoUrl'));
    url.username = 'dbproxy';
    url.password = mongoPassword;
    url.port = '1'; // nothing listens there: the connection error must not echo the URL
    const project = await projectWith(password);
    await project.writeRequest(project.request);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${project.config.dir}/credentials.env`,
      `MONGO_URL=${url.href}\nMYSQL_USER=${user}\nMYSQL_PASSWORD=${password}\n`,
      { mode: 0o600 },
    );
    const result = await runCli(['--debug', ...project.syncArgs('--once')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('MongoDB 127.0.0.1:1');
    expectNoSecret(result.stdout + result.stderr);
  });
});
