// Operations against the real MariaDB and MongoDB-compatible server: the worker's heartbeat (ok,
// and degraded with MySQL down), `status --json` and `query` on a known data set, and the
// monitor's alert sequence against a local HTTP receiver that records the posts.
import { createServer, type Server } from 'node:http';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mergeConfig } from '../../src/config/effective.js';
import { loadDefaults } from '../../src/config/load-defaults.js';
import { RequestSchema } from '../../src/request/schema.js';
import { runCli, spawnCli } from '../support/cli.js';
import { makeConfigDir } from '../support/config-dir.js';
import { generateDataset } from '../support/dataset.js';
import { createSyncProject, type SyncProject } from '../support/sync-project.js';
import { waitFor } from '../support/wait.js';

const now = Math.floor(Date.now() / 1000);

describe('heartbeats, status, query and the monitor', () => {
  const mongoUrl = inject('mongoUrl');
  let project: SyncProject;
  const posts: string[] = [];
  let failNextPosts = 0;
  let receiver: Server;
  let webhook: string;

  beforeAll(async () => {
    project = await createSyncProject({
      mongoUrl,
      defaults: { heartbeat_interval_seconds: 1, heartbeat_overdue_seconds: 3600 },
      request: { monitory_name_kept: ['Extraction_1_dev_a'], delete_old_value: 2 },
    });
    const data = generateDataset({
      now,
      waves: 6,
      points: 12,
      spanSeconds: 6 * 300,
      monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
    });
    await project.source.insertCycles(data.cycles);
    await project.source.insertMeasures(data.measures);
    // The project folder as the creator lays it out.
    const folder = join(project.config.stateDir, 'projects', project.source.name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'request.json'), JSON.stringify(project.request));
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (failNextPosts > 0) {
          failNextPosts -= 1;
          response.writeHead(500).end('try later');
          return;
        }
        posts.push((JSON.parse(body) as { text: string }).text);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/secret-${Math.random().toString(36).slice(2)}`;
    await appendFile(join(project.config.dir, 'credentials.env'), `SLACK_WEBHOOK_URL=${webhook}\n`);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await project?.cleanup();
  });

  const cli = (...args: string[]) =>
    runCli(['--config-dir', project.config.dir, '--state-dir', project.config.stateDir, ...args], { timeout: 60_000 });
  const heartbeat = () => project.db.collection('heartbeats').findOne({ _id: project.source.name as never });

  it('a worker whose MySQL does not answer heartbeats as degraded, naming the error', async () => {
    const folder = join(project.config.stateDir, 'down');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'request.json'), JSON.stringify({ ...project.request, server: '127.0.0.1:9' }));
    const worker = spawnCli(['--config-dir', project.config.dir, 'worker', folder]);
    try {
      const doc = await waitFor('a degraded heartbeat', async () => {
        const found = await heartbeat();
        return found?.status === 'degraded' && found;
      });
      expect(doc).toMatchObject({ project: project.source.name, pid: worker.pid, unit: null, last_wave: null });
      expect(String(doc.last_error)).toMatch(/127\.0\.0\.1:9/);
      expect(doc.server_time).toBeInstanceOf(Date);
      expect(doc.worker_time).toBeInstanceOf(Date);
      expect(doc.failing_since).toBeInstanceOf(Date);
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
  });

  it('a worker says when it runs with another configuration than the project folder records', async () => {
    const folder = join(project.config.stateDir, 'drift');
    await mkdir(folder, { recursive: true });
    const request = RequestSchema.parse({ ...project.request, server: '127.0.0.1:9' });
    await writeFile(join(folder, 'request.json'), JSON.stringify(request));
    const merged = mergeConfig(request, await loadDefaults(project.config.dir));
    if (!merged.ok) throw new Error(merged.issues.join('; '));
    const run = async (recorded: unknown): Promise<string> => {
      await writeFile(join(folder, 'effective.json'), JSON.stringify(recorded, null, 2));
      const worker = spawnCli(['--config-dir', project.config.dir, 'worker', folder]);
      let output = '';
      worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        // The check comes before the first attempt to reach MySQL.
        await waitFor('the first MySQL failure', () => output.includes('127.0.0.1:9'));
      } finally {
        worker.kill('SIGTERM');
        await worker;
      }
      return output;
    };
    const same = await run(merged.value);
    expect(same).not.toContain('running with a configuration that differs');
    const older = await run({ ...merged.value, sync: { ...merged.value.sync, query_timeout_seconds: 999 } });
    expect(older).toMatch(
      /warn\s+running with a configuration that differs from \S+effective\.json in sync\.query_timeout_seconds: defaults\.json/,
    );
  });

  it('a worker that cannot reach MongoDB says so in its log, once, naming MongoDB', async () => {
    const config = await makeConfigDir({
      mongoUrl: 'mongodb://127.0.0.1:9/',
      defaults: { heartbeat_interval_seconds: 1, sync: { connect_timeout_seconds: 0.5, retry_max_seconds: 1 } },
    });
    try {
      await writeFile(join(config.dir, 'request.json'), JSON.stringify(project.request));
      const worker = spawnCli(['--config-dir', config.dir, 'worker', config.dir]);
      let output = '';
      worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitFor('the heartbeat failure in the log', () => /heartbeat not written/.test(output) || undefined, {
          timeoutMs: 30_000,
        });
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      } finally {
        worker.kill('SIGTERM');
      }
      await worker;
      expect(output).toMatch(
        /<?.*heartbeat not written: MongoDB 127\.0\.0\.1:9 database db_proxy: writing the heartbeat failed/,
      );
      // Once per outage, although the interval is 1 s.
      expect(output.match(/heartbeat not written/g)).toHaveLength(1);
    } finally {
      await config.cleanup();
    }
  });

  it('a syncing worker heartbeats ok with the last wave, lag and counts; status --json shows it', async () => {
    const folder = join(project.config.stateDir, 'projects', project.source.name);
    const worker = spawnCli(['--config-dir', project.config.dir, 'worker', folder]);
    try {
      const doc = await waitFor('an ok heartbeat after a cycle', async () => {
        const found = await heartbeat();
        return found?.status === 'ok' && found.cycles >= 1 && found;
      });
      expect(doc.last_wave).toBeGreaterThan(now - 400);
      expect(doc.failures_in_a_row).toBe(0);
      expect(doc.pid).toBe(worker.pid);

      const status = await cli('status', '--json');
      // No systemd on the test host: unit states are unknown, which is said on stderr.
      const parsed = JSON.parse(status.stdout) as { projects: Record<string, unknown>[] };
      expect(parsed.projects).toHaveLength(1);
      expect(parsed.projects[0]).toMatchObject({
        project: project.source.name,
        health: 'ok',
        status: 'ok',
        last_wave: doc.last_wave as number,
        failing: false,
      });
      expect(Number(parsed.projects[0]!.heartbeat_age_seconds)).toBeLessThan(30);
      expect(status.exitCode).toBe(0);
      const table = await cli('status');
      expect(table.stdout).toMatch(new RegExp(`^${project.source.name} .* ok `, 'm'));
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
  });

  it('query returns the pivot rows, point ids decoded, as table, csv and json', async () => {
    const last2 = ['query', project.source.name, '--monitory', 'Extraction_1_dev_a', '--last', '2'];
    const json = await cli(...last2, '--json');
    expect(json.exitCode, json.stderr).toBe(0);
    // The spelling of older scripts still works and means the same.
    const alias = await cli(...last2, '--format', 'json');
    expect(alias.exitCode, alias.stderr).toBe(0);
    expect(alias.stdout).toBe(json.stdout);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(Number(rows[0]!.wave_counter)).toBeLessThan(Number(rows[1]!.wave_counter));
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['wave_counter', 'ts']));
    // Awkward ids come back as the source wrote them.
    expect(Object.keys(rows.reduce((all, row) => ({ ...all, ...row }), {}))).toEqual(
      expect.arrayContaining(['$cost', 'AHU-1.temp']),
    );
    const csv = await cli(
      'query',
      project.source.name,
      '--monitory',
      'Extraction_1_dev_a',
      '--csv',
      '--from',
      String(now - 10_000),
    );
    expect(csv.stdout.split('\n')[0]).toMatch(/^wave_counter,ts,/);
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
    const wrong = await cli('query', project.source.name, '--monitory', 'Nope');
    expect(wrong.exitCode).toBe(78);
    expect(wrong.stderr).toContain('there are: --monitory Extraction_1_dev_a --interval 300');
  });

  it('the monitor posts new → overdue → recovered, and not syncing → recovered, once each, retries a failed post, never logs the URL', async () => {
    const monitor = () => cli('monitor', '--once', '--retry-seconds', '0.1');
    const first = await monitor();
    expect(first.exitCode, first.stderr).toBe(0);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/new project/);
    expect((await monitor()).exitCode).toBe(0);
    expect(posts).toHaveLength(1);

    // The heartbeat goes quiet for 2 hours (beyond the threshold of 1 hour).
    await project.db
      .collection('heartbeats')
      .updateOne({ _id: project.source.name as never }, { $set: { server_time: new Date(Date.now() - 2 * 3600_000) } });
    failNextPosts = 2;
    const overdue = await monitor();
    expect(overdue.exitCode, overdue.stderr).toBe(0);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatch(/is quiet: last heartbeat 2\.0 h ago/);
    await monitor();
    expect(posts).toHaveLength(2);

    await project.db
      .collection('heartbeats')
      .updateOne({ _id: project.source.name as never }, { $set: { server_time: new Date() } });
    const recovered = await monitor();
    expect(posts).toHaveLength(3);
    expect(posts[2]).toMatch(/recovered \(was quiet\)/);
    await monitor();
    expect(posts).toHaveLength(3);

    // A receiver that keeps failing: the alert is not lost, it is tried again at the next check.
    await project.db
      .collection('heartbeats')
      .updateOne({ _id: project.source.name as never }, { $set: { server_time: new Date(Date.now() - 3 * 3600_000) } });
    failNextPosts = 100;
    const failing = await monitor();
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toMatch(
      /not posted, trying again at the next check: the Slack webhook did not take the alert after 4 attempt\(s\): HTTP 500/,
    );
    failNextPosts = 0;
    await monitor();
    expect(posts).toHaveLength(4);
    expect(posts[3]).toMatch(/is quiet/);

    // Heartbeating again, but every cycle has failed for 2 hours: not syncing, then recovered.
    const workerTime = new Date();
    await project.db.collection('heartbeats').updateOne(
      { _id: project.source.name as never },
      {
        $set: {
          server_time: new Date(),
          worker_time: workerTime,
          status: 'degraded',
          failing_since: new Date(workerTime.getTime() - 2 * 3600_000),
          last_error: 'MySQL 127.0.0.1:9/x: connecting failed: ECONNREFUSED',
        },
      },
    );
    const stuck = await monitor();
    expect(stuck.exitCode, stuck.stderr).toBe(0);
    expect(posts).toHaveLength(5);
    expect(posts[4]).toMatch(
      /is not syncing: every cycle has failed for 2\.0 h \(threshold 60 min\); last error: MySQL/,
    );
    await monitor();
    expect(posts).toHaveLength(5);
    await project.db
      .collection('heartbeats')
      .updateOne({ _id: project.source.name as never }, { $set: { status: 'ok', failing_since: null } });
    await monitor();
    expect(posts).toHaveLength(6);
    expect(posts[5]).toMatch(/recovered \(was not syncing\)/);

    for (const output of [first, overdue, recovered, failing]) {
      expect(output.stdout + output.stderr).not.toContain(webhook);
      expect(output.stdout + output.stderr).not.toContain('secret-');
    }
  });
});
