// Canaries: errors whose text carries a password, followed wherever db-proxy puts text — the log,
// the STATUS line, the heartbeat in MongoDB, `status` (table and --json), the monitor's Slack
// posts and status snapshot, and the creator's verdicts. Each check fails when redaction is taken out.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Heartbeat } from '../../src/health/heartbeat.js';
import { runCli, spawnCli } from '../support/cli.js';
import { makeConfigDir } from '../support/config-dir.js';
import { createSyncProject, type SyncProject } from '../support/sync-project.js';
import { waitFor } from '../support/wait.js';

const password = `Canary${randomBytes(8).toString('hex')}`;
// No such MariaDB user: its "Access denied for user '…'" error quotes the name, and so the password.
const user = `dbp_${password}`;
// Lower case: it also names a host, and host names come back lower-cased.
const mongoPassword = `mongocanary${randomBytes(8).toString('hex')}`;

type StoredHeartbeat = Omit<Heartbeat, '_id' | 'server_time'> & { _id: string; server_time?: Date };

function expectNoSecret(text: string): void {
  expect(text).not.toContain(password);
  expect(text).not.toContain(mongoPassword);
}

describe('secret canaries', () => {
  const mongoUrl = inject('mongoUrl');
  let project: SyncProject;
  let shims = '';
  const legacy = `legacy_${randomBytes(4).toString('hex')}`;
  const posts: string[] = [];
  let receiver: Server;
  const cleanups: (() => Promise<unknown>)[] = [];

  /** A stand-in for systemd-notify on the PATH: records each STATUS= line the worker sends. */
  async function notifyShim(): Promise<{ env: Record<string, string>; sent: () => Promise<string> }> {
    const dir = await mkdtemp(join(shims, 'notify-'));
    const script = join(dir, 'systemd-notify');
    await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'sent')}'\n`);
    await chmod(script, 0o755);
    return {
      env: { PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, NOTIFY_SOCKET: join(dir, 'socket') },
      sent: () => readFile(join(dir, 'sent'), 'utf8').catch(() => ''),
    };
  }

  beforeAll(async () => {
    shims = await mkdtemp(join(tmpdir(), 'dbp-canary-'));
    cleanups.push(() => rm(shims, { recursive: true, force: true }));
    project = await createSyncProject({
      mongoUrl,
      mysqlUser: user,
      mysqlPassword: password,
      request: { monitory_name_kept: ['Extraction_1_dev_a'] },
      defaults: {
        heartbeat_interval_seconds: 1,
        // Short, so that a minute of failures is "not syncing" for the monitor.
        heartbeat_overdue_seconds: 1,
        sync: { retry_initial_seconds: 0.2, retry_max_seconds: 0.5, connect_timeout_seconds: 2 },
      },
    });
    cleanups.push(() => project.cleanup());
    const projects = join(project.config.stateDir, 'projects');
    await mkdir(join(projects, project.source.name), { recursive: true });
    await writeFile(join(projects, project.source.name, 'request.json'), JSON.stringify(project.request));
    await mkdir(join(projects, legacy), { recursive: true });
    await writeFile(join(projects, legacy, 'request.json'), JSON.stringify({ ...project.request, database: legacy }));

    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        posts.push((JSON.parse(body) as { text: string }).text);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T0/B0/canary`;
    await appendFile(join(project.config.dir, 'credentials.env'), `SLACK_WEBHOOK_URL=${webhook}\n`);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  const cli = (...args: string[]) =>
    runCli(['--config-dir', project.config.dir, '--state-dir', project.config.stateDir, ...args]);

  it('a MariaDB error quoting the password: redacted in the log, STATUS, heartbeat, status and Slack', async () => {
    const notify = await notifyShim();
    const folder = join(project.config.stateDir, 'projects', project.source.name);
    const worker = spawnCli(['--config-dir', project.config.dir, 'worker', folder], { env: notify.env });
    let output = '';
    worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const heartbeats = project.db.collection<StoredHeartbeat>('heartbeats');
    try {
      const beat = await waitFor('a heartbeat failing for more than the 1 s threshold', async () => {
        const doc = await heartbeats.findOne({ _id: project.source.name });
        const failingFor = doc?.failing_since ? doc.worker_time.getTime() - doc.failing_since.getTime() : 0;
        return doc !== null && failingFor > 1500 ? doc : undefined;
      });
      // Stored redacted: the heartbeat is read by every host's status and monitor.
      expect(beat.status).toBe('degraded');
      expect(beat.last_error).toContain(`Access denied for user 'dbp_***'@`);
      expectNoSecret(JSON.stringify(beat));
      const status = await waitFor('a STATUS line naming the refusal', async () =>
        (await notify.sent()).includes('Access denied') ? notify.sent() : undefined,
      );
      expect(status).toMatch(/--status=\w+: .*MySQL 127\.0\.0\.1:3306.*Access denied/);
      expect(status).toContain(`Access denied for user 'dbp_***'@`);
      expectNoSecret(status);
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
    expect(output).toMatch(/MySQL 127\.0\.0\.1:3306.*Access denied/);
    expect(output).toContain(`Access denied for user 'dbp_***'@`);
    expectNoSecret(output);

    // A heartbeat an older worker on another host stored without redaction: a MongoDB driver error
    // quoting its connection string, and the MariaDB refusal above.
    await heartbeats.updateOne(
      { _id: legacy },
      {
        $set: {
          project: legacy,
          host: 'old-host',
          pid: 1,
          unit: null,
          status: 'failing',
          worker_time: new Date(),
          started_at: new Date(Date.now() - 3 * 3600_000),
          interval_seconds: 60,
          last_wave: null,
          lag_seconds: null,
          documents: 0,
          rows: 0,
          cycles: 0,
          failures_in_a_row: 90,
          last_error: `mongodb://dbproxy:${mongoPassword}@db.example:27017 refused; user 'dbp_${password}'`,
          last_error_at: new Date(),
          failing_since: new Date(Date.now() - 2 * 3600_000),
        },
        $currentDate: { server_time: true },
      },
      { upsert: true },
    );

    const json = await cli('status', '--json');
    expect(json.exitCode, json.stderr).toBe(1);
    const rows = (JSON.parse(json.stdout) as { projects: { project: string; last_error: string }[] }).projects;
    expect(rows.map((row) => row.project)).toEqual([project.source.name, legacy].sort());
    expect(rows.find((row) => row.project === legacy)?.last_error).toBe(
      `mongodb://dbproxy:***@db.example:27017 refused; user 'dbp_***'`,
    );
    expectNoSecret(json.stdout + json.stderr);
    const table = await cli('status');
    expect(table.stdout).toContain(`mongodb://dbproxy:***@db.example:27017 refused; user 'dbp_***'`);
    expectNoSecret(table.stdout + table.stderr);

    const monitor = await cli('monitor', '--once', '--retry-seconds', '0.1');
    expect(monitor.exitCode, monitor.stderr).toBe(0);
    const alerts = posts.join('\n');
    expect(alerts).toMatch(/last error: MySQL 127\.0\.0\.1:3306.*Access denied for user 'dbp_\*\*\*'@/);
    expect(alerts).toContain(`last error: mongodb://dbproxy:***@db.example:27017 refused; user 'dbp_***'`);
    expectNoSecret(alerts + monitor.stdout + monitor.stderr);
    // The status snapshot the monitor keeps for operators holds the same rows, redacted.
    const snapshot = await readFile(join(project.config.stateDir, 'status', 'status.json'), 'utf8');
    expect(snapshot).toContain(`mongodb://dbproxy:***@db.example:27017 refused; user 'dbp_***'`);
    expectNoSecret(snapshot);
    const fromSnapshot = await cli('status', '--snapshot', '--json');
    expect(fromSnapshot.stdout).toContain(legacy);
    expectNoSecret(fromSnapshot.stdout + fromSnapshot.stderr);
  });

  it('a MongoDB driver error quoting the password: redacted in the log and STATUS', async () => {
    const notify = await notifyShim();
    // The host name carries the password, so the driver's resolver error quotes it.
    const config = await makeConfigDir({
      mongoUrl: `mongodb://dbproxy:${mongoPassword}@${mongoPassword}.invalid:27017/`,
      defaults: { sync: { retry_initial_seconds: 0.2, retry_max_seconds: 0.5, connect_timeout_seconds: 1 } },
    });
    cleanups.push(() => config.cleanup());
    await writeFile(join(config.dir, 'request.json'), JSON.stringify(project.request));
    const worker = spawnCli(['--config-dir', config.dir, 'worker', config.dir], { env: notify.env });
    let output = '';
    worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const status = await waitFor('a STATUS line naming MongoDB', async () => {
        const sent = await notify.sent();
        return sent.includes('MongoDB') ? sent : undefined;
      });
      expect(status).toMatch(/--status=starting: MongoDB \*\*\*\.invalid:27017 .*ENOTFOUND \*\*\*\.invalid/);
      expectNoSecret(status);
      await waitFor('the resolver error in the log', () => output.includes('ENOTFOUND'));
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
    expect(output).toMatch(/waiting for the databases: MongoDB \*\*\*\.invalid:27017 .*ENOTFOUND \*\*\*\.invalid/);
    expectNoSecret(output);
  });

  it('a request quoting the password: redacted in the verdict and the creator log', async () => {
    const requests = join(project.config.stateDir, 'requests');
    await mkdir(requests, { recursive: true });
    const unitDir = await mkdtemp(join(shims, 'units-'));
    const creator = spawnCli([
      '--config-dir',
      project.config.dir,
      '--state-dir',
      project.config.stateDir,
      'creator',
      '--unit-dir',
      unitDir,
    ]);
    let output = '';
    let exited = false;
    creator.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void creator.then(() => (exited = true));
    try {
      await waitFor('the creator to be ready', () => output.includes('creator ready'), {
        giveUp: () => (exited ? `the creator exited: ${output}` : undefined),
      });
      // The operator pasted the MySQL password into the wrong field.
      const request = {
        ...project.request,
        database: `pasted_${randomBytes(3).toString('hex')}`,
        sleep_time: password,
      };
      await writeFile(join(requests, '.pasted.tmp'), JSON.stringify(request));
      await rename(join(requests, '.pasted.tmp'), join(requests, 'pasted.json'));
      const failed = join(project.config.stateDir, 'failed');
      const verdictFile = await waitFor('the verdict in failed/', async () => {
        const names = await readdir(failed).catch(() => [] as string[]);
        return names.find((name) => name.endsWith('.verdict.json'));
      });
      const verdict = await readFile(join(failed, verdictFile), 'utf8');
      expect(JSON.parse(verdict)).toMatchObject({
        outcome: 'rejected',
        reasons: [expect.stringMatching(/^sleep_time: got "\*\*\*" \(string\); expected /) as string],
      });
      expectNoSecret(verdict);
      await waitFor('the rejection in the log', () => output.includes('request rejected'));
    } finally {
      creator.kill('SIGTERM');
      await creator;
    }
    expect(output).toContain('request rejected: sleep_time: got "***"');
    expectNoSecret(output);
  });
});
