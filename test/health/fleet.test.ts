// `status --fleet` rows: this host's projects and every other host's, silent hosts included.
import { describe, expect, it } from 'vitest';
import { buildFleetRows, heartbeatsOfRemovedProjects } from '../../src/health/fleet.js';
import { HeartbeatSchema, type Heartbeat } from '../../src/health/heartbeat.js';
import { renderStatusTable } from '../../src/health/status.js';

const now = new Date('2026-11-23T12:00:00Z');

const beat = (project: string, host: string, ageSeconds: number): Heartbeat =>
  HeartbeatSchema.parse({
    _id: project,
    project,
    host,
    pid: 7,
    unit: `db-proxy@${project}.service`,
    status: 'ok',
    worker_time: new Date(now.getTime() - ageSeconds * 1000),
    server_time: new Date(now.getTime() - ageSeconds * 1000),
    started_at: now,
    interval_seconds: 60,
    last_wave: 1_795_446_000,
    lag_seconds: 5,
    documents: 1,
    rows: 2,
    cycles: 3,
    failures_in_a_row: 0,
    last_error: null,
    last_error_at: null,
  });

describe('buildFleetRows', () => {
  const heartbeats = new Map([
    ['here', beat('here', 'h-this', 20)],
    ['removed', beat('removed', 'h-this', 20)],
    ['there', beat('there', 'h-other', 30)],
    ['gone', beat('gone', 'h-silent', 3 * 3600)],
  ]);
  const rows = buildFleetRows(
    [
      { database: 'here', unit: 'db-proxy@here.service' },
      { database: 'new', unit: 'db-proxy@new.service' },
    ],
    new Map([['db-proxy@here.service', { activeState: 'active', subState: 'running' }]]),
    heartbeats,
    now,
    7200,
    'h-this',
  );

  it("lists this host's projects and the others', by host, a silent host's as overdue", () => {
    expect(rows.map((r) => [r.host, r.project, r.unit_state, r.health, r.failing])).toEqual([
      ['h-other', 'there', 'remote', 'ok', false],
      ['h-silent', 'gone', 'remote', 'overdue', true],
      ['h-this', 'here', 'active/running', 'ok', false],
      ['h-this', 'new', 'unknown', 'unknown', false],
    ]);
    expect(rows.find((r) => r.project === 'gone')?.heartbeat_age_seconds).toBe(10_800);
  });

  it('prints a HOST column first', () => {
    const table = renderStatusTable(rows, { colour: false, host: true }).split('\n');
    expect(table[0]).toMatch(/^HOST +PROJECT +UNIT +HEALTH/);
    expect(table[2]).toMatch(/^h-silent +gone +remote +overdue /);
    expect(renderStatusTable(rows, { colour: false }).split('\n')[0]).toMatch(/^PROJECT +UNIT/);
  });
});

describe('heartbeatsOfRemovedProjects', () => {
  it("picks this host's heartbeats of projects without a folder here, never another host's", () => {
    const heartbeats = new Map([
      ['here', beat('here', 'h-this', 20)],
      ['removed', beat('removed', 'h-this', 20)],
      // Moved to another host: its heartbeat is that host's now.
      ['moved', beat('moved', 'h-other', 20)],
      ['there', beat('there', 'h-other', 30)],
    ]);
    const picked = heartbeatsOfRemovedProjects(
      [{ database: 'here', unit: 'db-proxy@here.service' }],
      heartbeats,
      'h-this',
    );
    expect(picked.map((b) => b.project)).toEqual(['removed']);
  });
});
