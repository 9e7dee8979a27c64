// The monitor's Prometheus metrics as pure data: from one look at the project folders, their
// units and their heartbeats, the samples of every metric (names, help and types in METRICS).
import type { Gathered } from './gather.js';

export type MetricType = 'gauge' | 'counter';

export interface MetricDefinition {
  type: MetricType;
  help: string;
  labels: readonly string[];
}

/** The unit states exported as one 0/1 series each, as node_exporter's systemd collector does. */
export const UNIT_STATES = ['active', 'reloading', 'inactive', 'failed', 'activating', 'deactivating'] as const;

const project = ['project'] as const;

export const METRICS = {
  dbproxy_info: {
    type: 'gauge',
    help: 'Always 1; the project with the MySQL server, measures table and systemd unit of its request.',
    labels: ['project', 'server', 'measures', 'unit'],
  },
  dbproxy_up: {
    type: 'gauge',
    help: "1 when the project's unit is active and its last cycle succeeded, else 0. Absent while the heartbeats cannot be read.",
    labels: project,
  },
  dbproxy_unit_state: {
    type: 'gauge',
    help: "1 for the ActiveState the project's unit is in, 0 for the others.",
    labels: ['project', 'state'],
  },
  dbproxy_unit_restarts_total: {
    type: 'counter',
    help: "systemd's NRestarts of the project's unit: automatic restarts since it was last started by hand.",
    labels: project,
  },
  dbproxy_heartbeat_timestamp_seconds: {
    type: 'gauge',
    help: "Unix time of the worker's last heartbeat, by the MongoDB server's clock.",
    labels: project,
  },
  dbproxy_sync_last_success_timestamp_seconds: {
    type: 'gauge',
    help: "Unix time of the end of the last successful cycle, by the worker's clock.",
    labels: project,
  },
  dbproxy_sync_lag_seconds: {
    type: 'gauge',
    help: 'Seconds between the newest wave synced and the end of the last successful cycle.',
    labels: project,
  },
  dbproxy_sync_last_wave_timestamp_seconds: {
    type: 'gauge',
    help: 'The newest wave counter synced (unix seconds).',
    labels: project,
  },
  dbproxy_sync_failing_seconds: {
    type: 'gauge',
    help: "Seconds the cycles have failed in a row as of the last heartbeat, by the worker's clock; 0 while they succeed.",
    labels: project,
  },
  dbproxy_source_rows_read_total: {
    type: 'counter',
    help: 'Measure rows read from MySQL over the life of the project.',
    labels: project,
  },
  dbproxy_documents_written_total: {
    type: 'counter',
    help: 'Pivot documents inserted or replaced in MongoDB over the life of the project.',
    labels: project,
  },
  dbproxy_cycles_total: {
    type: 'counter',
    help: 'Sync cycles run, successful or not, over the life of the project.',
    labels: project,
  },
  dbproxy_cycle_failures_total: {
    type: 'counter',
    help: 'Sync cycles that failed (a failed attempt to reach the databases at start included).',
    labels: project,
  },
  dbproxy_monitor_heartbeats_read: {
    type: 'gauge',
    help: '1 when the monitor could read the heartbeats from MongoDB for this scrape, else 0.',
    labels: [],
  },
  dbproxy_monitor_units_read: {
    type: 'gauge',
    help: "1 when the monitor could read the units' states from systemd for this scrape, else 0.",
    labels: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

export interface Sample {
  metric: MetricName;
  labels: Record<string, string>;
  value: number;
}

export type MetricsInput = Pick<Gathered, 'projects' | 'units' | 'heartbeats' | 'heartbeatsRead' | 'unitsRead'>;

const seconds = (date: Date): number => date.getTime() / 1000;

/** Every sample of one scrape; a value that is not known is left out rather than faked. */
export function buildSamples(input: MetricsInput): Sample[] {
  const samples: Sample[] = [
    { metric: 'dbproxy_monitor_heartbeats_read', labels: {}, value: input.heartbeatsRead ? 1 : 0 },
    { metric: 'dbproxy_monitor_units_read', labels: {}, value: input.unitsRead ? 1 : 0 },
  ];
  const sorted = [...input.projects].sort((a, b) => (a.database < b.database ? -1 : a.database > b.database ? 1 : 0));
  for (const { database, unit, server, measures } of sorted) {
    const labels = { project: database };
    const add = (metric: MetricName, value: number | null | undefined): void => {
      if (value !== null && value !== undefined && Number.isFinite(value)) samples.push({ metric, labels, value });
    };
    samples.push({
      metric: 'dbproxy_info',
      labels: { project: database, server: server ?? '', measures: measures ?? '', unit },
      value: 1,
    });
    const unitInfo = input.units.get(unit);
    if (unitInfo) {
      for (const state of UNIT_STATES) {
        samples.push({
          metric: 'dbproxy_unit_state',
          labels: { project: database, state },
          value: unitInfo.activeState === state ? 1 : 0,
        });
      }
      add('dbproxy_unit_restarts_total', unitInfo.restarts);
    }
    // Without the heartbeats nothing is said about the sync, as the Slack monitor decides nothing.
    if (!input.heartbeatsRead) continue;
    const beat = input.heartbeats.get(database);
    const succeeded = beat !== undefined && beat.status === 'ok' && beat.failures_in_a_row === 0;
    add('dbproxy_up', unitInfo?.activeState === 'active' && succeeded ? 1 : 0);
    if (!beat) continue;
    add('dbproxy_heartbeat_timestamp_seconds', seconds(beat.server_time));
    add('dbproxy_sync_last_success_timestamp_seconds', beat.last_success_at && seconds(beat.last_success_at));
    add('dbproxy_sync_lag_seconds', beat.lag_seconds);
    add('dbproxy_sync_last_wave_timestamp_seconds', beat.last_wave);
    add(
      'dbproxy_sync_failing_seconds',
      beat.failing_since ? Math.max(0, seconds(beat.worker_time) - seconds(beat.failing_since)) : 0,
    );
    add('dbproxy_source_rows_read_total', beat.totals.rows_read);
    add('dbproxy_documents_written_total', beat.totals.documents_written);
    add('dbproxy_cycles_total', beat.totals.cycles);
    add('dbproxy_cycle_failures_total', beat.totals.cycle_failures);
  }
  return samples;
}
