// The monitor's metrics as a real Prometheus sees them: db-proxy installed under a real systemd
// (install.sh in a throw-away container), the monitor serving metrics_listen, Debian's prometheus
// on the host scraping it with the shipped alert rules loaded; asserted through the query API.
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../support/cli.js';
import { generateDataset } from '../support/dataset.js';
import { connectMongo, dropMongoDatabase } from '../support/mongo.js';
import { freePort } from '../support/mongo-server.js';
import { createSourceDatabase, type SourceDatabase } from '../support/mysql.js';
import { prometheusBinary, startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { waitFor } from '../support/wait.js';
import { CONFIG, installInContainer, type Installed } from './support/installed.js';

const now = Math.floor(Date.now() / 1000);
const KEPT = ['Extraction_1_dev_a'];

describe('Prometheus scraping the monitor', () => {
  const mongoUrl = inject('mongoUrl');
  const suffix = Math.random().toString(16).slice(2, 8);
  const names = { syncing: `dbp_prom_a_${suffix}`, stopped: `dbp_prom_b_${suffix}` };
  const sources: SourceDatabase[] = [];
  let newestWave = 0;
  let product: Installed | undefined;
  let prometheus: PrometheusServer | undefined;
  let mongo: MongoClient;
  let metricsPort = 0;

  beforeAll(async () => {
    // Missing prometheus fails here, naming the package, before anything is set up.
    prometheusBinary('prometheus');
    const data = generateDataset({
      now,
      waves: 12,
      points: 20,
      spanSeconds: 12 * 300,
      monitories: [{ name: KEPT[0]!, interval: 300 }],
    });
    newestWave = Math.max(...data.cycles.map((c) => c.wave));
    for (const name of Object.values(names)) {
      const source = await createSourceDatabase({ name });
      sources.push(source);
      await source.insertCycles(data.cycles);
      await source.insertMeasures(data.measures);
    }
    product = await installInContainer(mongoUrl, Object.values(names));
    mongo = await connectMongo(mongoUrl);
    // The container shares the host's network: the monitor's loopback port is the host's.
    metricsPort = await freePort();
    const c = product.container;
    const defaults = JSON.parse((await c.exec(['cat', `${CONFIG}/defaults.json`])).stdout) as object;
    await c.writeFile(
      `${CONFIG}/defaults.json`,
      `${JSON.stringify({ ...defaults, heartbeat_interval_seconds: 2, metrics_listen: `127.0.0.1:${metricsPort}` }, null, 2)}\n`,
      '0640',
    );
    await c.exec(['chown', 'root:db-proxy-operators', `${CONFIG}/defaults.json`]);
    const restarted = await c.systemctl('restart', 'db-proxy-monitor.service');
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${projectRoot}contrib/prometheus/db-proxy.rules.yml`,
        'scrape_configs:',
        '  - job_name: db-proxy',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    console.log(
      `prometheus pid ${prometheus.pid} at ${prometheus.url} scrapes the monitor at 127.0.0.1:${metricsPort}`,
    );
  }, 8 * 60_000);

  afterAll(async () => {
    await prometheus?.dispose();
    await product?.dispose();
    await mongo?.close();
    for (const source of sources) await source.drop().catch(() => undefined);
    if (product) await dropMongoDatabase(mongoUrl, product.mongoDatabase).catch(() => undefined);
  });

  const heartbeat = (project: string) =>
    mongo
      .db(product!.mongoDatabase)
      .collection('heartbeats')
      .findOne({ _id: project as never });
  /** The value of a query that returns one series, once it does. */
  const one = (expr: string, accept: (value: number) => boolean = () => true): Promise<number> =>
    waitFor(
      `${expr} in Prometheus`,
      async () => {
        const result = await prometheus!.query(expr);
        return result.length === 1 && accept(result[0]!.value) ? result[0]!.value : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

  it('sees the lag of a syncing project, dbproxy_up 1 for it and 0 for a stopped one; counters survive a restart', async () => {
    const p = product!;
    const started = Math.floor(Date.now() / 1000);
    for (const database of Object.values(names)) {
      const { result, verdict } = await p.submit({
        wave_counter_threshold: 0,
        delete_old_value: 2,
        monitory_name_kept: KEPT,
        measures: 'TL_measures',
        database,
        server: '127.0.0.1:3306',
        sleep_time: 1,
      });
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(verdict).toMatchObject({ accepted: true, unit_state: 'active' });
    }
    for (const database of Object.values(names)) {
      await waitFor(`a heartbeat of ${database} after a cycle`, async () => {
        const beat = await heartbeat(database);
        return beat?.status === 'ok' && Number(beat.cycles) >= 1;
      });
    }
    const stoppedUnit = await p.unitName(names.stopped);
    expect((await p.container.systemctl('stop', stoppedUnit)).exitCode).toBe(0);

    expect(await one('up{job="db-proxy"}', (v) => v === 1)).toBe(1);
    const lag = await one(`dbproxy_sync_lag_seconds{project="${names.syncing}"}`);
    // The lag of a cycle run since the test started, behind the newest wave of the source.
    expect(lag).toBeGreaterThanOrEqual(started - newestWave - 5);
    expect(lag).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) - newestWave + 5);
    expect(await one(`dbproxy_up{project="${names.syncing}"}`, (v) => v === 1)).toBe(1);
    // Scrapes lag behind systemctl: wait until one taken after the stop shows the unit inactive.
    const stoppedState = await waitFor(
      `dbproxy_unit_state of ${names.stopped} inactive in Prometheus`,
      async () => {
        const states = await prometheus!.query(`dbproxy_unit_state{project="${names.stopped}"} == 1`);
        return states.length === 1 && states[0]!.metric.state === 'inactive' ? states : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(stoppedState.map((s) => s.metric.state)).toEqual(['inactive']);
    expect(await one(`dbproxy_up{project="${names.stopped}"}`, (v) => v === 0)).toBe(0);
    expect(
      await one(
        `dbproxy_info{project="${names.syncing}",server="127.0.0.1:3306",measures="TL_measures",unit="${await p.unitName(names.syncing)}"}`,
      ),
    ).toBe(1);
    expect(await one(`dbproxy_unit_restarts_total{project="${names.syncing}"}`)).toBe(0);

    // A restarted worker continues the counters: Prometheus sees no reset.
    const syncingUnit = await p.unitName(names.syncing);
    const before = await one(`dbproxy_cycles_total{project="${names.syncing}"}`, (v) => v >= 1);
    const oldPid = Number((await heartbeat(names.syncing))?.pid);
    expect((await p.container.systemctl('restart', syncingUnit)).exitCode).toBe(0);
    await waitFor('a heartbeat of the restarted worker after a cycle', async () => {
      const beat = await heartbeat(names.syncing);
      return beat !== null && Number(beat.pid) !== oldPid && Number(beat.cycles) >= 1;
    });
    const after = await one(`dbproxy_cycles_total{project="${names.syncing}"}`, (v) => v > before);
    expect(after).toBeGreaterThan(before);
    expect(await one(`resets(dbproxy_cycles_total{project="${names.syncing}"}[10m])`)).toBe(0);
    expect(await one(`resets(dbproxy_source_rows_read_total{project="${names.syncing}"}[10m])`)).toBe(0);

    // The shipped rules load into this Prometheus and evaluate without error.
    const rules = (await prometheus!.api('/api/v1/rules')) as {
      groups: { name: string; rules: { name: string; health: string }[] }[];
    };
    const group = rules.groups.find((g) => g.name === 'db-proxy');
    expect(group?.rules.map((r) => r.name).sort()).toEqual([
      'DbProxyHeartbeatQuiet',
      'DbProxyMonitorBlind',
      'DbProxyNoHeartbeat',
      'DbProxyNotSyncing',
      'DbProxyUnitFailed',
    ]);
    await waitFor('every rule evaluated without error', async () => {
      const again = (await prometheus!.api('/api/v1/rules')) as typeof rules;
      const ours = again.groups.find((g) => g.name === 'db-proxy');
      return ours !== undefined && ours.rules.every((r) => r.health === 'ok');
    });
  });
});
