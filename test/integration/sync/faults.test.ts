// Faults of the real servers: MySQL unreachable at start then recovering, a MySQL query that
// never answers (a locked table), MongoDB stopped and started mid-loop, --once failing clearly, and SIGTERM ending the loop promptly with exit 0.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runCli, spawnCli } from '../../support/cli.js';
import { connectMysqlRoot } from '../../support/mysql.js';
import { countDocuments, expectedPivot, generateDataset, readCollections } from '../../support/dataset.js';
import { startMongoServer, type MongoServer } from '../../support/mongo-server.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';
import { createTcpProxy, freePort, type TcpProxy } from '../../support/tcp-proxy.js';
import { waitFor } from '../../support/wait.js';

const now = Math.floor(Date.now() / 1000);
const small = () =>
  generateDataset({
    now,
    spanSeconds: 86_400,
    waves: 20,
    points: 10,
    monitories: [
      { name: 'Extraction_1_dev_a', interval: 300 },
      { name: 'Extraction_2_dev_a', interval: 300 },
    ],
  });
const fastRetry = { sync: { retry_initial_seconds: 0.2, retry_max_seconds: 1, connect_timeout_seconds: 2 } };

type Running = ReturnType<typeof spawnCli>;

/** Seeds the small data set and returns the number of documents its pivot has. */
async function seed(project: SyncProject): Promise<number> {
  const data = small();
  await project.source.insertCycles(data.cycles);
  await project.source.insertMeasures(data.measures);
  return countDocuments(
    expectedPivot(data, {
      database: project.source.name,
      measures: project.source.measuresTable,
      kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'],
      lowerBound: 0,
    }),
  );
}

/** A new wave (one measure of P1) in MySQL, 30 s old; returns its wave counter. */
async function addWave(project: SyncProject): Promise<number> {
  const wave = now - 30;
  await project.source.insertCycles([{ wave, monitory: 'Extraction_1_dev_a', interval: 300 }]);
  await project.source.insertMeasures([{ wave, pointId: 'P1', value: 1 }]);
  return wave;
}

/** The wave's document in MongoDB, or undefined while it is not there. */
async function waveDocument(project: SyncProject, wave: number): Promise<Record<string, unknown> | undefined> {
  const doc = await project.db
    .collection(`${project.source.name};TL_measures;Extraction_1_dev_a;300`)
    .findOne({ _id: wave as never });
  return doc ?? undefined;
}

/** Starts the sync loop, killed at clean-up if still running; `stderr()` is its output so far. */
function startLoop(
  project: SyncProject,
  cleanups: (() => Promise<unknown>)[],
): { worker: Running; stderr: () => string } {
  const worker = spawnCli(project.syncArgs());
  cleanups.push(() => Promise.resolve(worker.kill('SIGKILL')));
  let output = '';
  worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { worker, stderr: () => output };
}

/**
 * SIGTERM, then the exit code. A worker that does not stop gets SIGKILL after execa's
 * forceKillAfterDelay (5 s) and has no exit code: a hang fails the test without timing it.
 */
async function stop(worker: Running): Promise<{ exitCode: number | undefined; stderr: string }> {
  worker.kill('SIGTERM');
  const result = await worker;
  return { exitCode: result.exitCode, stderr: result.stderr };
}

describe('faults', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it('keeps retrying while MySQL is unreachable and syncs once it answers', async () => {
    const proxy: TcpProxy = await createTcpProxy({ host: '127.0.0.1', port: 3306 });
    cleanups.push(() => proxy.close());
    const project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      request: { server: `127.0.0.1:${proxy.port}` },
      defaults: fastRetry,
    });
    cleanups.push(() => project.cleanup());
    const total = await seed(project);
    const { worker, stderr } = startLoop(project, cleanups);
    await waitFor('a logged MySQL failure', () => stderr().split('sync cycle failed').length > 2);
    // Logged at error level, naming the server and what failed.
    expect(stderr()).toMatch(
      new RegExp(
        `^\\S+ error +sync cycle failed: MySQL 127\\.0\\.0\\.1:${proxy.port}/${project.source.name}: .*ECONNREFUSED`,
        'm',
      ),
    );

    await proxy.listen();
    await waitFor(
      'documents after MySQL came back',
      async () => (await readCollections(project.db, project.source.name)).documents === total,
    );
    await waitFor('the recovery line', () => stderr().includes('sync recovered'));
    const stopped = await stop(worker);
    expect(stopped.exitCode).toBe(0);
  });

  it('abandons a MySQL query that does not answer (a locked table) and syncs once the lock is gone', async () => {
    const project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      defaults: { sync: { ...fastRetry.sync, query_timeout_seconds: 1 } },
    });
    cleanups.push(() => project.cleanup());
    const total = await seed(project);
    // A write lock held by another session: every read of the measures table waits for it, as
    // behind a long ALTER TABLE or a dump, and MySQL itself would wait for a year.
    const locker = await connectMysqlRoot();
    cleanups.push(() => locker.end());
    await locker.query(`USE \`${project.source.name}\``);
    await locker.query(`LOCK TABLES \`${project.source.measuresTable}\` WRITE`);

    const { worker, stderr } = startLoop(project, cleanups);
    // More than one: the connection of an abandoned query is not handed to the next one.
    await waitFor('abandoned queries', () => stderr().split('no answer within 1 s').length > 3);
    expect(stderr()).toContain(`MySQL 127.0.0.1:3306/${project.source.name}: reading TL_measures failed`);
    expect((await readCollections(project.db, project.source.name)).documents).toBe(0);

    await locker.query('UNLOCK TABLES');
    await waitFor(
      'documents after the lock was released',
      async () => (await readCollections(project.db, project.source.name)).documents === total,
    );
    await waitFor('the recovery line', () => stderr().includes('sync recovered'));
    const stopped = await stop(worker);
    expect(stopped.exitCode).toBe(0);
  });

  it('drops a MySQL connection that stopped answering (a dead network path) and goes on with a new one', async () => {
    const proxy: TcpProxy = await createTcpProxy({ host: '127.0.0.1', port: 3306 });
    cleanups.push(() => proxy.close());
    await proxy.listen();
    const project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      request: { server: `127.0.0.1:${proxy.port}`, sleep_time: 0.2 },
      defaults: { sync: { ...fastRetry.sync, query_timeout_seconds: 1 } },
    });
    cleanups.push(() => project.cleanup());
    const total = await seed(project);
    const { worker, stderr } = startLoop(project, cleanups);
    await waitFor(
      'the first sync',
      async () => (await readCollections(project.db, project.source.name)).documents === total,
    );

    // The pool's connections now hang forever; only new ones get through.
    proxy.stall();
    const wave = await addWave(project);
    await waitFor('the new wave', () => waveDocument(project, wave));
    expect(stderr()).toContain('no answer within 1 s');
    const stopped = await stop(worker);
    expect(stopped.exitCode).toBe(0);
  });

  it('rides out MongoDB stopped and started again mid-loop', async () => {
    const server: MongoServer = await startMongoServer();
    cleanups.push(() => server.dispose());
    const project = await createSyncProject({ mongoUrl: server.url, defaults: fastRetry });
    cleanups.push(() => project.cleanup());
    const before = await seed(project);
    const { worker, stderr } = startLoop(project, cleanups);
    // The whole first cycle, not its first chunk: the count below must not move on its own.
    await waitFor(
      'the first sync',
      async () => (await readCollections(project.db, project.source.name)).documents === before,
    );

    await server.stop();
    const wave = await addWave(project);
    await waitFor(
      'a logged MongoDB failure',
      () => stderr().includes('sync cycle failed') && stderr().includes(`MongoDB 127.0.0.1:${server.port}`),
    );

    await server.restart();
    await waitFor('the wave written while MongoDB was down', () => waveDocument(project, wave));
    expect((await readCollections(project.db, project.source.name)).documents).toBe(before + 1);
    const stopped = await stop(worker);
    expect(stopped.exitCode).toBe(0);
  });

  it('--once exits non-zero naming the MySQL server when it is unreachable', async () => {
    const deadPort = await freePort();
    const project = await createSyncProject({
      mongoUrl: inject('mongoUrl'),
      request: { server: `127.0.0.1:${deadPort}` },
      defaults: fastRetry,
    });
    cleanups.push(() => project.cleanup());
    const mysqlDown = await runCli(project.syncArgs('--once'));
    expect(mysqlDown.exitCode).toBe(1);
    expect(mysqlDown.stderr).toMatch(
      new RegExp(`MySQL 127\\.0\\.0\\.1:${deadPort}/${project.source.name}: .*failed: .*ECONNREFUSED`),
    );
    expect(mysqlDown.stderr).not.toContain('    at '); // no stack trace without --debug
  });

  it('--once exits non-zero naming MongoDB when it is unreachable', async () => {
    const server = await startMongoServer();
    cleanups.push(() => server.dispose());
    const project = await createSyncProject({ mongoUrl: server.url, defaults: fastRetry });
    cleanups.push(() => project.cleanup());
    await server.stop();
    const result = await runCli(project.syncArgs('--once'));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`MongoDB 127.0.0.1:${server.port} database ${project.mongoDatabase}`);
    await server.restart();
  });
});
