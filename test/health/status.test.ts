// `db-proxy status` rows and table on a known set of projects, units and heartbeats.
import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../src/health/heartbeat.js';
import { buildStatusRows, formatAge, renderStatusTable } from '../../src/health/status.js';

const now = new Date('2026-11-23T12:00:00Z');
const nowS = now.getTime() / 1000;

function beat(project: string, fields: Partial<Heartbeat>): Heartbeat {
  return {
    _id: project,
    project,
    host: 'h',
    pid: 1,
    unit: `db-proxy@${project}.service`,
    status: 'ok',
    worker_time: now,
    server_time: new Date(now.getTime() - 30_000),
    started_at: now,
    interval_seconds: 60,
    last_wave: nowS - 300,
    lag_seconds: 5,
    documents: 2,
    rows: 80,
    cycles: 10,
    failures_in_a_row: 0,
    last_error: null,
    last_error_at: null,
    failing_since: null,
    last_success_at: now,
    totals: { rows_read: 800, documents_written: 20, cycles: 10, cycle_failures: 0 },
    ...fields,
  };
}

const projects = [
  'a_ok',
  'b_degraded',
  'c_overdue',
  'd_failed',
  'e_new',
  'f_stopped',
  'g_not_syncing',
  'h_failing_briefly',
].map((database) => ({
  database,
  unit: `db-proxy@${database}.service`,
}));
const units = new Map([
  ['db-proxy@a_ok.service', { activeState: 'active', subState: 'running' }],
  ['db-proxy@b_degraded.service', { activeState: 'active', subState: 'running' }],
  ['db-proxy@c_overdue.service', { activeState: 'active', subState: 'running' }],
  ['db-proxy@d_failed.service', { activeState: 'failed', subState: 'failed' }],
  ['db-proxy@e_new.service', { activeState: 'activating', subState: 'start' }],
  ['db-proxy@f_stopped.service', { activeState: 'inactive', subState: 'dead' }],
  ['db-proxy@g_not_syncing.service', { activeState: 'active', subState: 'running' }],
  ['db-proxy@h_failing_briefly.service', { activeState: 'active', subState: 'running' }],
]);
const failing = { status: 'degraded', last_error: 'MySQL db:3306: ECONNREFUSED', failures_in_a_row: 90 } as const;
const heartbeats = new Map([
  ['a_ok', beat('a_ok', {})],
  ['b_degraded', beat('b_degraded', { status: 'degraded', last_error: 'MySQL db:3306: connecting failed: ETIMEDOUT' })],
  ['c_overdue', beat('c_overdue', { server_time: new Date(now.getTime() - 3 * 3600_000) })],
  ['d_failed', beat('d_failed', { status: 'failing', last_error: 'the credentials file is not usable' })],
  ['f_stopped', beat('f_stopped', {})],
  ['g_not_syncing', beat('g_not_syncing', { ...failing, failing_since: new Date(now.getTime() - 3 * 3600_000) })],
  ['h_failing_briefly', beat('h_failing_briefly', { ...failing, failing_since: new Date(now.getTime() - 600_000) })],
]);

describe('buildStatusRows', () => {
  const rows = buildStatusRows(projects, units, heartbeats, now, 7200);

  it('derives each project health', () => {
    expect(rows.map((row) => [row.project, row.health, row.failing])).toEqual([
      ['a_ok', 'ok', false],
      ['b_degraded', 'degraded', false],
      ['c_overdue', 'overdue', true],
      ['d_failed', 'failing', true],
      ['e_new', 'unknown', false],
      // A project unit that does not run is a problem, also with a fresh heartbeat from before it stopped.
      ['f_stopped', 'stopped', true],
      // Heartbeating, but every cycle has failed for longer than the overdue threshold.
      ['g_not_syncing', 'failing', true],
      ['h_failing_briefly', 'degraded', false],
    ]);
  });

  it('ages the wave and the heartbeat', () => {
    expect(rows[0]).toMatchObject({
      unit_state: 'active/running',
      last_wave: nowS - 300,
      last_wave_age_seconds: 300,
      heartbeat_age_seconds: 30,
      lag_seconds: 5,
      documents: 2,
    });
    expect(rows[2]!.heartbeat_age_seconds).toBe(10_800);
  });

  it('prints a plain table when piped and a coloured one on a TTY', () => {
    const plain = renderStatusTable(rows, { colour: false });
    expect(plain.split('\n')[0]).toMatch(
      /^PROJECT +UNIT +HEALTH +LAST WAVE +WAVE AGE +LAG +DOCS +HEARTBEAT +LAST ERROR$/,
    );
    expect(plain).toContain('b_degraded');
    expect(plain).toMatch(/c_overdue +active\/running +overdue .* 3h00m ago/);
    expect(plain).not.toContain('\x1b[');
    expect(renderStatusTable(rows, { colour: true })).toContain('\x1b[31m');
    expect(renderStatusTable([], { colour: false })).toBe('no projects\n');
  });
});

describe('formatAge', () => {
  it.each([
    [null, '-'],
    [5, '5s'],
    [75, '1m15s'],
    [3 * 3600 + 120, '3h02m'],
    [2 * 86_400 + 3600, '2d01h'],
  ])('%s → %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

describe('a removed project', () => {
  it('is not listed although its heartbeat is still in MongoDB', () => {
    const rows = buildStatusRows([], new Map(), new Map([['gone', beat('gone', {})]]), now, 7200);
    expect(rows).toEqual([]);
  });
});
