// The monitor's decisions, pure: from the last known state of each project and what a check
// sees now, the alerts to post — once per change of state, never once per check.
export type WatchState = 'ok' | 'overdue' | 'failing' | 'unit-failed';

export interface ProjectWatch {
  state: WatchState;
  first_seen: string;
  since: string;
}

export type MonitorState = Record<string, ProjectWatch>;

export interface Observation {
  project: string;
  unit: string;
  /** `failed`, `active`, …; undefined when systemctl could not say. */
  unitState: string | undefined;
  /** Seconds since the heartbeat, by the server's clock; null without heartbeat. */
  heartbeatAgeSeconds: number | null;
  /**
   * Seconds the worker's cycles have failed in a row, by its own clock (worker_time −
   * failing_since); null while they succeed or without heartbeat.
   */
  failingSeconds: number | null;
  lastError: string | null;
}

export type AlertKind = 'new' | 'overdue' | 'failing' | 'unit-failed' | 'recovered';

export interface Alert {
  project: string;
  kind: AlertKind;
  text: string;
  /** The state to record once the alert was posted. */
  next: ProjectWatch;
}

function condition(observation: Observation, firstSeen: Date, now: Date, overdueSeconds: number): WatchState {
  if (observation.unitState === 'failed') return 'unit-failed';
  const age = observation.heartbeatAgeSeconds ?? (now.getTime() - firstSeen.getTime()) / 1000;
  if (age > overdueSeconds) return 'overdue';
  // A worker that heartbeats but syncs nothing (MySQL down for hours) is as quiet for the readers
  // of its rows as one that stopped.
  return (observation.failingSeconds ?? 0) > overdueSeconds ? 'failing' : 'ok';
}

const WAS: Record<WatchState, string> = { ok: 'ok', overdue: 'quiet', failing: 'not syncing', 'unit-failed': 'failed' };

/** "2.5 h" from an hour on; below it in whole minutes or seconds. */
function duration(seconds: number, below: 'min' | 's'): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return below === 'min' ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

function describeAge(seconds: number | null): string {
  return seconds === null ? 'no heartbeat yet' : `last heartbeat ${duration(seconds, 's')} ago`;
}

/** Where to look: a systemd unit, or a worker on Kubernetes (`deployment/<name>`). */
function inspect(unit: string): string {
  return unit.startsWith('deployment/') ? `kubectl describe ${unit}` : `systemctl status ${unit}`;
}

/**
 * The alerts of one check; projects without an alert keep their state. `host` is the machine the
 * projects run on, named in every text: one Slack channel usually hears many hosts.
 */
export function evaluate(
  previous: MonitorState,
  observations: readonly Observation[],
  now: Date,
  overdueSeconds: number,
  host: string,
): Alert[] {
  const alerts: Alert[] = [];
  const at = now.toISOString();
  for (const observation of observations) {
    const known = previous[observation.project];
    const firstSeen = known ? new Date(known.first_seen) : now;
    const state = condition(observation, firstSeen, now, overdueSeconds);
    const next: ProjectWatch = {
      state,
      first_seen: firstSeen.toISOString(),
      since: known?.state === state ? known.since : at,
    };
    const who = `${observation.project} (${observation.unit})`;
    const error = observation.lastError ? `; last error: ${observation.lastError}` : '';
    if (!known) {
      alerts.push({
        project: observation.project,
        kind: 'new',
        text: `:new: db-proxy on ${host}: new project ${who}`,
        next: { ...next, state: 'ok' },
      });
      if (state === 'ok') continue;
    }
    const was = known?.state ?? 'ok';
    if (was === state) continue;
    if (state === 'overdue') {
      alerts.push({
        project: observation.project,
        kind: 'overdue',
        text: `:warning: db-proxy on ${host}: ${who} is quiet: ${describeAge(observation.heartbeatAgeSeconds)} (threshold ${Math.round(overdueSeconds / 60)} min)${error}`,
        next,
      });
    } else if (state === 'failing') {
      alerts.push({
        project: observation.project,
        kind: 'failing',
        text: `:warning: db-proxy on ${host}: ${who} is not syncing: every cycle has failed for ${duration(observation.failingSeconds ?? 0, 'min')} (threshold ${Math.round(overdueSeconds / 60)} min)${error}`,
        next,
      });
    } else if (state === 'unit-failed') {
      alerts.push({
        project: observation.project,
        kind: 'unit-failed',
        text: `:x: db-proxy on ${host}: the unit of ${who} failed; ${inspect(observation.unit)}${error}`,
        next,
      });
    } else {
      alerts.push({
        project: observation.project,
        kind: 'recovered',
        text: `:white_check_mark: db-proxy on ${host}: ${who} recovered (was ${WAS[was]}); ${describeAge(observation.heartbeatAgeSeconds)}`,
        next,
      });
    }
  }
  return alerts;
}

/**
 * The state without the projects that have no folder any more: a removed project is forgotten,
 * so if it comes back it is announced as new, and the state file does not grow forever.
 */
export function forgetRemoved(state: MonitorState, projects: readonly string[]): MonitorState {
  const present = new Set(projects);
  return Object.fromEntries(Object.entries(state).filter(([project]) => present.has(project)));
}
