// The monitor's status snapshot, pure: built redacted, parsed back, aged, and stale after three checks.
import { describe, expect, it } from 'vitest';
import type { HostedRow } from '../../src/health/fleet.js';
import {
  buildSnapshot,
  parseSnapshot,
  snapshotAgeSeconds,
  staleProblem,
  type SnapshotInput,
} from '../../src/health/snapshot.js';
import { registerSecrets } from '../../src/logging/redact.js';

const secret = 'SnapshotCanary-7f3a9c';
registerSecrets([secret]);

const row: HostedRow = {
  host: 'sync-1',
  project: 'TOR-BGO-150KingW',
  unit: 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service',
  unit_state: 'active/running',
  health: 'degraded',
  status: 'degraded',
  last_wave: 1795446000,
  last_wave_age_seconds: 586,
  lag_seconds: 585,
  documents: 96,
  heartbeat_age_seconds: 1,
  last_error: `MySQL db: Access denied for user 'x' (using password: ${secret})`,
  failing: false,
};

const written = new Date('2026-11-23T12:00:00Z');
const input: SnapshotInput = {
  time: new Date('2026-11-23T11:59:59Z'),
  writtenAt: written,
  host: 'sync-1',
  intervalSeconds: 60,
  heartbeatsRead: true,
  unitsRead: true,
  problems: [`unit states unknown: ${secret}`],
  projects: [row],
  fleet: [row, { ...row, host: 'sync-2', unit_state: 'remote' }],
};
const at = (seconds: number): Date => new Date(written.getTime() + seconds * 1000);

describe('the status snapshot', () => {
  it('holds the rows and problems with every secret blanked', () => {
    const snapshot = buildSnapshot(input);
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain(secret);
    expect(snapshot.projects[0]?.last_error).toBe("MySQL db: Access denied for user 'x' (using password: ***)");
    expect(snapshot.problems).toEqual(['unit states unknown: ***']);
    expect(snapshot.fleet.map((r) => r.host)).toEqual(['sync-1', 'sync-2']);
  });

  it('parses back what it wrote, and refuses other text naming why', () => {
    const snapshot = buildSnapshot(input);
    expect(parseSnapshot(JSON.stringify(snapshot))).toEqual({ ok: true, snapshot });
    expect(parseSnapshot('{"version":1')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not JSON/) as string,
    });
    expect(parseSnapshot(JSON.stringify({ ...snapshot, projects: [{ project: 1 }] }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a status snapshot \(projects\.0\./) as string,
    });
  });

  it('is aged from when it was written, never below zero', () => {
    const snapshot = buildSnapshot(input);
    expect(snapshotAgeSeconds(snapshot, at(42))).toBe(42);
    expect(snapshotAgeSeconds(snapshot, at(-30))).toBe(0);
  });

  it('is a problem once older than three checks (at least 3 minutes), naming the monitor unit', () => {
    const snapshot = buildSnapshot(input);
    expect(staleProblem(snapshot, at(180), 'db-proxy-monitor.service')).toBeUndefined();
    expect(staleProblem(snapshot, at(181), 'db-proxy-monitor.service')).toBe(
      "the monitor's status snapshot is 181 s old (it is rewritten every 60 s): the monitor is not running or cannot finish a check; systemctl status db-proxy-monitor.service",
    );
    const slow = buildSnapshot({ ...input, intervalSeconds: 300 });
    expect(staleProblem(slow, at(900), 'm.service')).toBeUndefined();
    expect(staleProblem(slow, at(901), 'm.service')).toMatch(/is 901 s old \(it is rewritten every 300 s\)/);
  });
});
