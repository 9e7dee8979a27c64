// `db-proxy status` as pure functions: one row per project from its folder, its unit and its
// heartbeat, the health derived from them, and the table printed for the operator.
import type { Heartbeat, HealthStatus } from './heartbeat.js';

export interface ProjectInfo {
  database: string;
  unit: string;
  /** From the project folder's request.json; null when it cannot be read. */
  server?: string | null;
  measures?: string | null;
}

export interface UnitInfo {
  activeState: string;
  subState: string;
  /** systemd's NRestarts: automatic restarts since the unit was last started by hand. */
  restarts?: number | null;
}

/**
 * failing: the unit failed, the worker says failing, or its cycles have all failed for longer
 * than the overdue threshold; stopped: the unit is not running; overdue: its heartbeat is late.
 */
export type ProjectHealth = HealthStatus | 'overdue' | 'stopped' | 'unknown';

/** Unit states of a project that is meant to run but does not (the unit says nothing else is under way). */
const STOPPED_STATES = new Set(['inactive', 'deactivating', 'maintenance']);

export interface StatusRow {
  project: string;
  unit: string;
  unit_state: string;
  health: ProjectHealth;
  status: HealthStatus | null;
  last_wave: number | null;
  last_wave_age_seconds: number | null;
  lag_seconds: number | null;
  documents: number | null;
  heartbeat_age_seconds: number | null;
  last_error: string | null;
  failing: boolean;
}

export function buildStatusRows(
  projects: readonly ProjectInfo[],
  units: ReadonlyMap<string, UnitInfo>,
  heartbeats: ReadonlyMap<string, Heartbeat>,
  now: Date,
  overdueSeconds: number,
): StatusRow[] {
  // Only projects with a folder: the heartbeat of a removed project stays in MongoDB, and must not
  // count as a quiet project.
  const sorted = [...projects].sort((a, b) => (a.database < b.database ? -1 : a.database > b.database ? 1 : 0));
  return sorted.map(({ database: project, unit }) => {
    const beat = heartbeats.get(project);
    const unitInfo = units.get(unit);
    const unitState = unitInfo ? `${unitInfo.activeState}/${unitInfo.subState}` : 'unknown';
    const age = beat ? Math.max(0, Math.round((now.getTime() - beat.server_time.getTime()) / 1000)) : null;
    // A worker that heartbeats while every cycle fails (MySQL unreachable for hours) is not syncing.
    const failingFor = beat?.failing_since ? (now.getTime() - beat.failing_since.getTime()) / 1000 : 0;
    let health: ProjectHealth;
    if (unitInfo?.activeState === 'failed') health = 'failing';
    else if (unitInfo && STOPPED_STATES.has(unitInfo.activeState)) health = 'stopped';
    else if (!beat) health = 'unknown';
    else if (age !== null && age > overdueSeconds) health = 'overdue';
    else if (failingFor > overdueSeconds) health = 'failing';
    else health = beat.status;
    return {
      project,
      unit,
      unit_state: unitState,
      health,
      status: beat?.status ?? null,
      last_wave: beat?.last_wave ?? null,
      last_wave_age_seconds:
        beat?.last_wave !== null && beat?.last_wave !== undefined
          ? Math.max(0, Math.round(now.getTime() / 1000 - beat.last_wave))
          : null,
      lag_seconds: beat?.lag_seconds ?? null,
      documents: beat?.documents ?? null,
      heartbeat_age_seconds: age,
      last_error: beat?.last_error ?? null,
      failing: health === 'failing' || health === 'overdue' || health === 'stopped',
    };
  });
}

/** 75 s → "1m15s"; the age of a wave or a heartbeat at a glance. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86_400)}d${String(Math.floor((seconds % 86_400) / 3600)).padStart(2, '0')}h`;
}

const COLOURS: Record<ProjectHealth, string> = {
  ok: '\x1b[32m',
  degraded: '\x1b[33m',
  failing: '\x1b[31m',
  overdue: '\x1b[31m',
  stopped: '\x1b[31m',
  unknown: '\x1b[90m',
};

/** With `host`, a HOST column first (`status --fleet`), from each row's `host`. */
export function renderStatusTable(
  rows: readonly (StatusRow & { host?: string })[],
  options: { colour: boolean; host?: boolean },
): string {
  if (rows.length === 0) return 'no projects\n';
  const hostColumn = options.host === true;
  const header = [
    ...(hostColumn ? ['HOST'] : []),
    ...['PROJECT', 'UNIT', 'HEALTH', 'LAST WAVE', 'WAVE AGE', 'LAG', 'DOCS', 'HEARTBEAT', 'LAST ERROR'],
  ];
  const cells = rows.map((row) => [
    ...(hostColumn ? [row.host ?? '-'] : []),
    row.project,
    row.unit_state,
    row.health,
    row.last_wave === null ? '-' : String(row.last_wave),
    formatAge(row.last_wave_age_seconds),
    row.lag_seconds === null ? '-' : `${row.lag_seconds}s`,
    row.documents === null ? '-' : String(row.documents),
    row.heartbeat_age_seconds === null ? '-' : `${formatAge(row.heartbeat_age_seconds)} ago`,
    row.last_error === null ? '-' : row.last_error.replace(/\s+/g, ' ').slice(0, 80),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const pad = (line: string[]): string =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [pad(header)];
  rows.forEach((row, index) => {
    const text = pad(cells[index]!);
    lines.push(options.colour ? `${COLOURS[row.health]}${text}\x1b[0m` : text);
  });
  return `${lines.join('\n')}\n`;
}
