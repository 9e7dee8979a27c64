// The monitor's alert decisions: once per change of state, never once per check.
import { describe, expect, it } from 'vitest';
import { evaluate, forgetRemoved, type MonitorState, type Observation } from '../../src/health/monitor.js';

const start = new Date('2026-11-23T10:00:00Z');
const at = (minutes: number): Date => new Date(start.getTime() + minutes * 60_000);

function check(state: MonitorState, observation: Partial<Observation>, now: Date): string[] {
  const alerts = evaluate(
    state,
    [
      {
        project: 'p',
        unit: 'db-proxy@p.service',
        unitState: 'active',
        heartbeatAgeSeconds: 10,
        failingSeconds: null,
        lastError: null,
        ...observation,
      },
    ],
    now,
    7200,
    'sync-host-1',
  );
  for (const alert of alerts) state[alert.project] = alert.next;
  return alerts.map((alert) => alert.kind);
}

describe('evaluate', () => {
  it('new → (quiet) → overdue → recovered → failed → recovered, one alert each', () => {
    const state: MonitorState = {};
    expect(check(state, {}, at(0))).toEqual(['new']);
    expect(check(state, {}, at(1))).toEqual([]);
    expect(check(state, { heartbeatAgeSeconds: 7000 }, at(2))).toEqual([]);
    expect(check(state, { heartbeatAgeSeconds: 7300 }, at(3))).toEqual(['overdue']);
    expect(check(state, { heartbeatAgeSeconds: 9000 }, at(4))).toEqual([]);
    expect(check(state, { heartbeatAgeSeconds: 5 }, at(5))).toEqual(['recovered']);
    expect(check(state, { heartbeatAgeSeconds: 5 }, at(6))).toEqual([]);
    expect(check(state, { unitState: 'failed' }, at(7))).toEqual(['unit-failed']);
    expect(check(state, { unitState: 'failed' }, at(8))).toEqual([]);
    expect(check(state, {}, at(9))).toEqual(['recovered']);
  });

  it('a worker that heartbeats but fails every cycle past the threshold: not syncing → recovered', () => {
    const state: MonitorState = {};
    expect(check(state, {}, at(0))).toEqual(['new']);
    expect(check(state, { failingSeconds: 7000, lastError: 'MySQL: ECONNREFUSED' }, at(1))).toEqual([]);
    expect(check(state, { failingSeconds: 7300, lastError: 'MySQL: ECONNREFUSED' }, at(2))).toEqual(['failing']);
    expect(check(state, { failingSeconds: 9000, lastError: 'MySQL: ECONNREFUSED' }, at(3))).toEqual([]);
    // Quiet as well: a quiet heartbeat is reported before failing cycles.
    expect(check(state, { failingSeconds: 9000, heartbeatAgeSeconds: 7300 }, at(4))).toEqual(['overdue']);
    expect(check(state, { failingSeconds: null }, at(5))).toEqual(['recovered']);
  });

  it('a new project already quiet gets both alerts', () => {
    const state: MonitorState = {};
    expect(check(state, { heartbeatAgeSeconds: 99_999 }, at(0))).toEqual(['new', 'overdue']);
  });

  it('a project without heartbeat becomes overdue only once the threshold passed since it was first seen', () => {
    const state: MonitorState = {};
    expect(check(state, { heartbeatAgeSeconds: null }, at(0))).toEqual(['new']);
    expect(check(state, { heartbeatAgeSeconds: null }, at(100))).toEqual([]);
    expect(check(state, { heartbeatAgeSeconds: null }, at(121))).toEqual(['overdue']);
  });

  it('writes texts an operator can act on', () => {
    const alerts = evaluate(
      { p: { state: 'ok', first_seen: start.toISOString(), since: start.toISOString() } },
      [
        {
          project: 'p',
          unit: 'db-proxy@p.service',
          unitState: 'active',
          heartbeatAgeSeconds: 3 * 3600,
          failingSeconds: null,
          lastError: 'MySQL: ETIMEDOUT',
        },
        {
          project: 'q',
          unit: 'db-proxy@q.service',
          unitState: 'active',
          heartbeatAgeSeconds: 20,
          failingSeconds: 2.5 * 3600,
          lastError: 'MySQL 10.0.0.5:3306/q: connecting failed: ECONNREFUSED',
        },
      ],
      at(1),
      7200,
      'sync-host-1',
    );
    expect(alerts[0]!.text).toBe(
      ':warning: db-proxy on sync-host-1: p (db-proxy@p.service) is quiet: last heartbeat 3.0 h ago (threshold 120 min); last error: MySQL: ETIMEDOUT',
    );
    expect(alerts.map((alert) => alert.kind)).toEqual(['overdue', 'new', 'failing']);
    expect(alerts[1]!.text).toBe(':new: db-proxy on sync-host-1: new project q (db-proxy@q.service)');
    expect(alerts[2]!.text).toBe(
      ':warning: db-proxy on sync-host-1: q (db-proxy@q.service) is not syncing: every cycle has failed for 2.5 h (threshold 120 min); last error: MySQL 10.0.0.5:3306/q: connecting failed: ECONNREFUSED',
    );
  });
});

describe('forgetRemoved', () => {
  it('drops the projects without a folder; one that comes back is new again', () => {
    const state: MonitorState = {};
    expect(check(state, {}, at(0))).toEqual(['new']);
    const watch = state.p!;
    const other = { ...watch, state: 'overdue' as const };
    expect(forgetRemoved({ p: watch, gone: other }, ['p', 'unseen'])).toEqual({ p: watch });
    const after = forgetRemoved(state, []);
    expect(after).toEqual({});
    expect(check(after, {}, at(1))).toEqual(['new']);
  });
});

describe('the failed-unit alert of a worker on Kubernetes', () => {
  it('points at its Deployment, not at systemctl', () => {
    const observation: Observation = {
      project: 'p',
      unit: 'deployment/db-proxy-p-12345678',
      unitState: 'failed',
      heartbeatAgeSeconds: 10,
      failingSeconds: null,
      lastError: null,
    };
    const known: MonitorState = { p: { state: 'ok', first_seen: start.toISOString(), since: start.toISOString() } };
    const [alert] = evaluate(known, [observation], at(1), 7200, 'host-1');
    expect(alert?.text).toContain('kubectl describe deployment/db-proxy-p-12345678');
    expect(alert?.text).not.toContain('systemctl');
  });
});
