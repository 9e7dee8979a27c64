// `db-proxy status --fleet` as pure functions: this host's projects plus every other host's, as
// the heartbeats in the shared MongoDB tell them, each row naming its host.
import type { Heartbeat } from './heartbeat.js';
import { buildStatusRows, type ProjectInfo, type StatusRow, type UnitInfo } from './status.js';

export interface HostedRow extends StatusRow {
  host: string;
}

/** Shown as UNIT for another host's project: its units cannot be asked from here. */
export const REMOTE_UNIT_STATE = 'remote';

/** This host's rows, each with its host. */
export function localRows(rows: readonly StatusRow[], host: string): HostedRow[] {
  return rows.map((row) => ({ host, ...row }));
}

/**
 * Every host's rows, by host then project: this host's from its folders and units, the others'
 * from their heartbeats alone, so a host gone silent shows its projects overdue. A heartbeat of
 * this host without a folder is a removed project and is left out, as in the host's own view.
 */
export function buildFleetRows(
  projects: readonly ProjectInfo[],
  units: ReadonlyMap<string, UnitInfo>,
  heartbeats: ReadonlyMap<string, Heartbeat>,
  now: Date,
  overdueSeconds: number,
  host: string,
): HostedRow[] {
  const local = new Set(projects.map((p) => p.database));
  const remote = [...heartbeats.values()].filter((beat) => !local.has(beat.project) && beat.host !== host);
  const remoteRows = buildStatusRows(
    remote.map((beat) => ({ database: beat.project, unit: beat.unit ?? '-' })),
    new Map(),
    heartbeats,
    now,
    overdueSeconds,
  ).map((row) => ({
    host: heartbeats.get(row.project)!.host,
    ...row,
    unit_state: REMOTE_UNIT_STATE,
  }));
  const rows = [...localRows(buildStatusRows(projects, units, heartbeats, now, overdueSeconds), host), ...remoteRows];
  const key = (row: HostedRow): string => `${row.host}\u0000${row.project}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The heartbeats this host's workers left for projects that no longer have a folder here: removed
 * projects. Only this host's monitor can tell (another host cannot see this host's folders), and
 * while they stay every other host's `status --fleet` shows them overdue for ever.
 */
export function heartbeatsOfRemovedProjects(
  projects: readonly ProjectInfo[],
  heartbeats: ReadonlyMap<string, Heartbeat>,
  host: string,
): Heartbeat[] {
  const local = new Set(projects.map((p) => p.database));
  return [...heartbeats.values()].filter((beat) => beat.host === host && !local.has(beat.project));
}
