// The monitor's alert decisions: once per change of state, never once per check.
import { describe, expect, it } from 'vitest';
import { evaluate, type MonitorState, type Observation } from '../../src/health/monitor.js';

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
        lastError: null,
        ...observation,
      },
    ],
    now,
    7200,
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
          lastError: 'MySQL: ETIMEDOUT',
        },
      ],
      at(1),
      7200,
    );
    expect(alerts[0]!.text).toBe(
      ':warning: db-proxy: p (db-proxy@p.service) is quiet: last heartbeat 3.0 h ago (threshold 120 min); last error: MySQL: ETIMEDOUT',
    );
  });
});
