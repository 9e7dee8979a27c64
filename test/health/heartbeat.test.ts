// The worker's health as its heartbeat reports it.
import { describe, expect, it } from 'vitest';
import { SinkError, SourceError } from '../../src/errors.js';
import { HealthTracker, HeartbeatSchema } from '../../src/health/heartbeat.js';
import type { CycleReport } from '../../src/sync/cycle.js';

const report = (fields: Partial<CycleReport> = {}): CycleReport => ({
  lowerBound: 0,
  waves: 3,
  rows: 120,
  documents: 3,
  inserted: 3,
  replaced: 0,
  deleted: 0,
  checked: 0,
  touched: 0,
  differed: 0,
  lastWave: 1_763_900_000,
  lagSeconds: 12,
  collections: 2,
  aborted: false,
  ms: 40,
  afterNewWavesMs: 5,
  stages: { checkpoints_ms: 1, retention_ms: 0, cycles_ms: 2, mysql_wait_ms: 10, pivot_ms: 3, mongo_wait_ms: 20 },
  ...fields,
});

const identity = {
  project: 'TOR-BGO-150KingW',
  host: 'db-proxy-1',
  pid: 4242,
  unit: 'db-proxy@TOR\\x2dBGO\\x2d150KingW.service',
  startedAt: new Date('2026-11-23T10:00:00Z'),
  intervalSeconds: 60,
};

describe('HealthTracker', () => {
  it('is ok with the figures of the last cycle', () => {
    const health = new HealthTracker();
    health.onCycle(report());
    const doc = health.document(identity, new Date('2026-11-23T10:01:00Z'));
    expect(doc).toMatchObject({
      _id: 'TOR-BGO-150KingW',
      project: 'TOR-BGO-150KingW',
      status: 'ok',
      last_wave: 1_763_900_000,
      lag_seconds: 12,
      documents: 3,
      rows: 120,
      cycles: 1,
      failures_in_a_row: 0,
      last_error: null,
      failing_since: null,
      host: 'db-proxy-1',
      pid: 4242,
      unit: identity.unit,
      interval_seconds: 60,
    });
    expect(HeartbeatSchema.safeParse({ ...doc, server_time: new Date() }).success).toBe(true);
  });

  it('reads heartbeats of workers that did not record failing_since yet', () => {
    const { failing_since: _, ...older } = new HealthTracker().document(identity);
    const parsed = HeartbeatSchema.parse({ ...older, server_time: new Date() });
    expect(parsed.failing_since).toBeNull();
  });

  it('is degraded when MySQL fails, failing when anything else fails, ok again after a cycle', () => {
    const health = new HealthTracker();
    health.onCycle(report());
    health.onFailure(
      new SourceError('MySQL 10.0.0.5:3306 database x: connecting failed: ECONNREFUSED'),
      new Date('2026-11-23T10:02:00Z'),
    );
    expect(health.status).toBe('degraded');
    expect(health.document(identity)).toMatchObject({
      failures_in_a_row: 1,
      last_error: 'MySQL 10.0.0.5:3306 database x: connecting failed: ECONNREFUSED',
      last_error_at: new Date('2026-11-23T10:02:00Z'),
      // The last wave synced is kept while failing.
      last_wave: 1_763_900_000,
    });
    health.onFailure(new SinkError('MongoDB m:27017: writing failed'), new Date('2026-11-23T10:05:00Z'));
    expect(health.status).toBe('failing');
    expect(health.failuresInARow).toBe(2);
    // Since the first failure of the row, not the last.
    expect(health.document(identity).failing_since).toEqual(new Date('2026-11-23T10:02:00Z'));
    health.onCycle(report({ lastWave: null, documents: 0 }));
    expect(health.status).toBe('ok');
    expect(health.document(identity).failing_since).toBeNull();
    expect(health.lastWave).toBe(1_763_900_000);
    expect(health.failuresInARow).toBe(0);
    // The last error stays visible after recovery.
    expect(health.lastError).toBe('MongoDB m:27017: writing failed');
  });

  it("keeps totals over the whole life of the project, continuing the previous worker's", () => {
    const health = new HealthTracker();
    // A cycle may end before the previous heartbeat was read: it is added, not lost.
    health.onCycle(report({ rows: 100, inserted: 2, replaced: 1 }), new Date('2026-11-23T10:01:00Z'));
    health.resume({ rows_read: 5000, documents_written: 70, cycles: 40, cycle_failures: 3 });
    health.onFailure(new SourceError('MySQL: ECONNREFUSED'));
    health.onCycle(report({ rows: 20, inserted: 0, replaced: 4 }), new Date('2026-11-23T10:03:00Z'));
    // Only the first resume counts: a second read of the heartbeat must not add it twice.
    health.resume({ rows_read: 5000, documents_written: 70, cycles: 40, cycle_failures: 3 });
    const doc = health.document(identity);
    expect(doc.totals).toEqual({ rows_read: 5120, documents_written: 77, cycles: 43, cycle_failures: 4 });
    expect(doc.last_success_at).toEqual(new Date('2026-11-23T10:03:00Z'));
    expect(health.hasResumed).toBe(true);
  });

  it('starts totals from zero without a previous heartbeat, and reads heartbeats without totals', () => {
    const health = new HealthTracker();
    expect(health.hasResumed).toBe(false);
    health.resume(null);
    health.onCycle(report({ rows: 7, inserted: 1, replaced: 0 }));
    expect(health.document(identity).totals).toEqual({
      rows_read: 7,
      documents_written: 1,
      cycles: 1,
      cycle_failures: 0,
    });
    const { totals: _, last_success_at: __, ...older } = health.document(identity);
    const parsed = HeartbeatSchema.parse({ ...older, server_time: new Date() });
    expect(parsed.totals).toEqual({ rows_read: 0, documents_written: 0, cycles: 0, cycle_failures: 0 });
    expect(parsed.last_success_at).toBeNull();
  });
});
