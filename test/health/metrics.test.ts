// The monitor's metrics: which samples a look at folders, units and heartbeats gives, and the text
// Prometheus scrapes from them.
import { describe, expect, it } from 'vitest';
import { HeartbeatSchema, type Heartbeat } from '../../src/health/heartbeat.js';
import { buildSamples, type MetricsInput, type Sample } from '../../src/health/metrics.js';
import { createMetricsRegistry } from '../../src/health/metrics-server.js';

const beat = (project: string, fields: Partial<Heartbeat> = {}): Heartbeat =>
  HeartbeatSchema.parse({
    _id: project,
    project,
    host: 'sync-host-1',
    pid: 42,
    unit: `db-proxy@${project}.service`,
    status: 'ok',
    worker_time: new Date('2026-11-23T10:00:00Z'),
    server_time: new Date('2026-11-23T10:00:01Z'),
    started_at: new Date('2026-11-23T09:00:00Z'),
    interval_seconds: 60,
    last_wave: 1_795_446_000,
    lag_seconds: 585,
    documents: 96,
    rows: 1200,
    cycles: 7,
    failures_in_a_row: 0,
    last_error: null,
    last_error_at: null,
    failing_since: null,
    last_success_at: new Date('2026-11-23T09:59:58Z'),
    totals: { rows_read: 50_000, documents_written: 400, cycles: 90, cycle_failures: 2 },
    ...fields,
  });

const input = (overrides: Partial<MetricsInput> = {}): MetricsInput => ({
  projects: [
    { database: 'b', unit: 'db-proxy@b.service', server: 'mysql-2:3306', measures: 'TL_measures' },
    { database: 'a', unit: 'db-proxy@a.service', server: 'mysql-1', measures: 'M' },
  ],
  units: new Map([
    ['db-proxy@a.service', { activeState: 'active', subState: 'running', restarts: 3 }],
    ['db-proxy@b.service', { activeState: 'inactive', subState: 'dead', restarts: 0 }],
  ]),
  heartbeats: new Map([
    ['a', beat('a')],
    ['b', beat('b', { status: 'degraded', failures_in_a_row: 4, failing_since: new Date('2026-11-23T09:30:00Z') })],
  ]),
  heartbeatsRead: true,
  unitsRead: true,
  ...overrides,
});

const value = (samples: Sample[], metric: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.metric === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('buildSamples', () => {
  it('says per project what the heartbeat and the unit say', () => {
    const samples = buildSamples(input());
    expect(value(samples, 'dbproxy_up', { project: 'a' })).toBe(1);
    expect(value(samples, 'dbproxy_sync_lag_seconds', { project: 'a' })).toBe(585);
    expect(value(samples, 'dbproxy_heartbeat_timestamp_seconds', { project: 'a' })).toBe(
      Date.parse('2026-11-23T10:00:01Z') / 1000,
    );
    expect(value(samples, 'dbproxy_sync_last_success_timestamp_seconds', { project: 'a' })).toBe(
      Date.parse('2026-11-23T09:59:58Z') / 1000,
    );
    expect(value(samples, 'dbproxy_source_rows_read_total', { project: 'a' })).toBe(50_000);
    expect(value(samples, 'dbproxy_documents_written_total', { project: 'a' })).toBe(400);
    expect(value(samples, 'dbproxy_cycles_total', { project: 'a' })).toBe(90);
    expect(value(samples, 'dbproxy_cycle_failures_total', { project: 'a' })).toBe(2);
    expect(value(samples, 'dbproxy_unit_restarts_total', { project: 'a' })).toBe(3);
    expect(value(samples, 'dbproxy_sync_failing_seconds', { project: 'a' })).toBe(0);
    expect(value(samples, 'dbproxy_unit_state', { project: 'a', state: 'active' })).toBe(1);
    expect(value(samples, 'dbproxy_unit_state', { project: 'a', state: 'failed' })).toBe(0);
    expect(value(samples, 'dbproxy_info', { project: 'b' })).toBe(1);
    expect(samples.find((s) => s.metric === 'dbproxy_info' && s.labels.project === 'b')?.labels).toEqual({
      project: 'b',
      server: 'mysql-2:3306',
      measures: 'TL_measures',
      unit: 'db-proxy@b.service',
    });
    // b: stopped and failing for 30 min by the worker's clock.
    expect(value(samples, 'dbproxy_up', { project: 'b' })).toBe(0);
    expect(value(samples, 'dbproxy_sync_failing_seconds', { project: 'b' })).toBe(1800);
  });

  it('is not up while active with a failing last cycle, nor before the first heartbeat', () => {
    const failing = buildSamples(
      input({ heartbeats: new Map([['a', beat('a', { status: 'failing', failures_in_a_row: 1 })]]) }),
    );
    expect(value(failing, 'dbproxy_up', { project: 'a' })).toBe(0);
    const none = buildSamples(input({ heartbeats: new Map() }));
    expect(value(none, 'dbproxy_up', { project: 'a' })).toBe(0);
    expect(value(none, 'dbproxy_heartbeat_timestamp_seconds', { project: 'a' })).toBeUndefined();
    expect(value(none, 'dbproxy_info', { project: 'a' })).toBe(1);
  });

  it('says nothing of the sync without the heartbeats, and no unit state without systemd', () => {
    const blind = buildSamples(
      input({ heartbeatsRead: false, heartbeats: new Map(), units: new Map(), unitsRead: false }),
    );
    expect(blind.filter((s) => s.metric === 'dbproxy_up')).toEqual([]);
    expect(blind.filter((s) => s.metric === 'dbproxy_unit_state')).toEqual([]);
    expect(value(blind, 'dbproxy_monitor_heartbeats_read', {})).toBe(0);
    expect(value(blind, 'dbproxy_monitor_units_read', {})).toBe(0);
    expect(blind.filter((s) => s.metric === 'dbproxy_info')).toHaveLength(2);
  });
});

describe('the metrics registry', () => {
  it('writes the Prometheus text format with types, and drops the series of a project that went away', async () => {
    const { registry, fill } = createMetricsRegistry();
    fill(buildSamples(input()));
    const text = await registry.metrics();
    expect(text).toContain('# TYPE dbproxy_cycles_total counter');
    expect(text).toContain('# TYPE dbproxy_sync_lag_seconds gauge');
    expect(text).toContain('dbproxy_cycles_total{project="a"} 90');
    expect(text).toContain(
      'dbproxy_info{project="b",server="mysql-2:3306",measures="TL_measures",unit="db-proxy@b.service"} 1',
    );
    expect(text).toContain('dbproxy_up{project="b"} 0');
    fill(buildSamples(input({ projects: input().projects.filter((p) => p.database === 'a') })));
    const after = await registry.metrics();
    expect(after).toContain('dbproxy_up{project="a"} 1');
    expect(after).not.toContain('project="b"');
  });
});
