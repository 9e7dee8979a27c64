// The monitor's metrics endpoint against real MariaDB and MongoDB: a syncing worker's figures
// appear, its counters continue across a restart of the worker, and a bad address is refused.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HealthTracker } from '../../src/health/heartbeat.js';
import { runCli, spawnCli } from '../support/cli.js';
import { makeConfigDir } from '../support/config-dir.js';
import { createTcpProxy } from '../support/tcp-proxy.js';
import { generateDataset } from '../support/dataset.js';
import { createSyncProject, type SyncProject } from '../support/sync-project.js';
import { waitFor } from '../support/wait.js';

const now = Math.floor(Date.now() / 1000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `name{labels} value` lines of the text format, by series. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

describe('the monitor serves Prometheus metrics', () => {
  const mongoUrl = inject('mongoUrl');
  let project: SyncProject;
  let folder: string;

  beforeAll(async () => {
    project = await createSyncProject({
      mongoUrl,
      defaults: { heartbeat_interval_seconds: 1 },
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
    folder = join(project.config.stateDir, 'projects', project.source.name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'request.json'), JSON.stringify(project.request));
  });

  afterAll(async () => {
    await project?.cleanup();
  });

  const heartbeat = () => project.db.collection('heartbeats').findOne({ _id: project.source.name as never });

  /** Runs a worker until its heartbeat shows `cycles` successful cycles of its own; its totals then. */
  async function runWorker(cycles: number): Promise<{ rows_read: number; cycles: number; documents_written: number }> {
    const worker = spawnCli([
      '--config-dir',
      project.config.dir,
      '--state-dir',
      project.config.stateDir,
      'worker',
      folder,
    ]);
    try {
      const doc = await waitFor('heartbeats of this worker after its cycles', async () => {
        const found = await heartbeat();
        return found && found.pid === worker.pid && Number(found.cycles) >= cycles ? found : undefined;
      });
      return doc.totals as { rows_read: number; cycles: number; documents_written: number };
    } finally {
      worker.kill('SIGTERM');
      await worker;
    }
  }

  it("continues the counters of the previous worker's heartbeat, and serves them with the lag", async () => {
    const first = await runWorker(2);
    expect(first.rows_read).toBeGreaterThan(0);
    expect(first.documents_written).toBe(6);
    const second = await runWorker(1);
    // A restart continues the totals: more cycles than the new worker ran, the rows read before kept.
    expect(second.cycles).toBeGreaterThan(first.cycles);
    expect(second.rows_read).toBeGreaterThanOrEqual(first.rows_read);

    const port = await freePort();
    const monitor = spawnCli([
      '--config-dir',
      project.config.dir,
      '--state-dir',
      project.config.stateDir,
      'monitor',
      '--metrics-listen',
      `127.0.0.1:${port}`,
    ]);
    try {
      const text = await waitFor('the metrics endpoint', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        return response?.ok && (await response.text());
      });
      const series = parseMetrics(text);
      const p = `project="${project.source.name}"`;
      expect(series.get(`dbproxy_cycles_total{${p}}`)).toBe(second.cycles);
      expect(series.get(`dbproxy_source_rows_read_total{${p}}`)).toBe(second.rows_read);
      expect(series.get(`dbproxy_documents_written_total{${p}}`)).toBe(second.documents_written);
      expect(series.get(`dbproxy_cycle_failures_total{${p}}`)).toBe(0);
      const lag = series.get(`dbproxy_sync_lag_seconds{${p}}`)!;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(3600);
      expect(series.get(`dbproxy_heartbeat_timestamp_seconds{${p}}`)).toBeGreaterThan(now - 600);
      expect(series.get(`dbproxy_sync_last_success_timestamp_seconds{${p}}`)).toBeGreaterThan(now - 600);
      expect(series.get('dbproxy_monitor_heartbeats_read')).toBe(1);
      expect(
        series.get(
          `dbproxy_info{${p},server="127.0.0.1:3306",measures="${project.source.measuresTable}",unit="db-proxy@${project.source.name}.service"}`,
        ),
      ).toBe(1);
      // No systemd on the test host: the unit is not known to be active, so not up.
      expect(series.get(`dbproxy_up{${p}}`)).toBe(0);
      expect(text).toContain('# TYPE dbproxy_cycles_total counter');
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      monitor.kill('SIGTERM');
      const result = await monitor;
      expect(result.stderr).toContain(`serving Prometheus metrics at http://127.0.0.1:${port}/metrics`);
    }
  });

  it('a worker started while MongoDB is down heartbeats once it answers, continuing the totals', async () => {
    // The previous worker's totals, as it left them.
    const before = { rows_read: 100_000, documents_written: 5_000, cycles: 1_000, cycle_failures: 10 };
    const previous = new HealthTracker().document(
      { project: project.source.name, host: 'h', pid: 1, unit: null, startedAt: new Date(), intervalSeconds: 60 },
      new Date(),
    );
    const { _id, ...fields } = { ...previous, totals: before };
    await project.db
      .collection<{ _id: string }>('heartbeats')
      .replaceOne({ _id }, { ...fields, server_time: new Date() }, { upsert: true });
    const target = new URL(mongoUrl);
    const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port) });
    const config = await makeConfigDir({
      mongoUrl: `mongodb://127.0.0.1:${proxy.port}/`,
      defaults: {
        mongo_database: project.mongoDatabase,
        heartbeat_interval_seconds: 1,
        sync: { connect_timeout_seconds: 0.5, retry_max_seconds: 1 },
      },
    });
    const worker = spawnCli(['--config-dir', config.dir, 'worker', folder]);
    let output = '';
    worker.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('the heartbeat failure', () => output.includes('heartbeat not written'), { timeoutMs: 30_000 });
      // Not the totals' read: the write is what fails, and says so.
      expect(output).toMatch(
        /heartbeat not written: MongoDB 127\.0\.0\.1:\d+ database \S+: writing the heartbeat failed/,
      );
      await proxy.listen();
      const doc = await waitFor('a heartbeat of the worker after MongoDB came up', async () => {
        const found = await heartbeat();
        return found && found.pid === worker.pid && Number(found.cycles) >= 1 ? found : undefined;
      });
      const totals = doc.totals as typeof before;
      expect(totals.cycles).toBeGreaterThan(before.cycles);
      expect(totals.cycle_failures).toBeGreaterThan(before.cycle_failures);
      expect(totals.rows_read).toBeGreaterThanOrEqual(before.rows_read);
      expect(output).not.toContain('Topology is closed');
    } finally {
      worker.kill('SIGTERM');
      await worker;
      await proxy.close();
      await config.cleanup();
    }
  });

  it('refuses a bad address, --once with an address, and says when the port is taken', async () => {
    const cli = (...args: string[]) =>
      runCli(['--config-dir', project.config.dir, '--state-dir', project.config.stateDir, ...args]);
    const bad = await cli('monitor', '--metrics-listen', '9464');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--metrics-listen: got "9464"; expected host:port with a port 1-65535');
    const once = await cli('monitor', '--once', '--metrics-listen', '127.0.0.1:9464');
    expect(once.exitCode).toBe(2);
    expect(once.stderr).toContain('--metrics-listen: a single check (--once) serves no metrics');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const busy = await cli('monitor', '--metrics-listen', `127.0.0.1:${(taken.address() as AddressInfo).port}`);
      expect(busy.exitCode).toBe(1);
      expect(busy.stderr).toMatch(/metrics_listen 127\.0\.0\.1:\d+: cannot listen there: EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
