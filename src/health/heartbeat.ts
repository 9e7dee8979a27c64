// A worker's health as the heartbeat document records it: pure state kept from the loop's
// cycles and failures, and the document written to MongoDB (`heartbeats`, one per project).
import { z } from 'zod';
import { SourceError, describeError } from '../errors.js';
import type { CycleReport } from '../sync/cycle.js';

export const HEARTBEATS_COLLECTION = 'heartbeats';

export const HEALTH_STATUSES = ['ok', 'degraded', 'failing'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const HeartbeatSchema = z.object({
  _id: z.string(),
  project: z.string(),
  host: z.string(),
  pid: z.number(),
  unit: z.string().nullable(),
  status: z.enum(HEALTH_STATUSES),
  /** The worker's clock when it wrote the heartbeat. */
  worker_time: z.date(),
  /** The MongoDB server's clock at the write ($currentDate): the monitor compares with this one. */
  server_time: z.date(),
  started_at: z.date(),
  interval_seconds: z.number(),
  last_wave: z.number().nullable(),
  lag_seconds: z.number().nullable(),
  documents: z.number(),
  rows: z.number(),
  cycles: z.number(),
  failures_in_a_row: z.number(),
  last_error: z.string().nullable(),
  last_error_at: z.date().nullable(),
  /**
   * The worker's clock at the first of the cycles failing in a row; null while cycles succeed.
   * Absent from the heartbeats of workers older than this field.
   */
  failing_since: z.date().nullable().default(null),
  /** The worker's clock at the end of the last successful cycle; null before the first. */
  last_success_at: z.date().nullable().default(null),
  /**
   * Counters over the project's whole life, carried over from the previous heartbeat when a worker
   * starts, so that they never go down (Prometheus counters). Absent from older heartbeats.
   */
  totals: z
    .object({
      /** Measure rows read from MySQL. */
      rows_read: z.number(),
      /** Documents inserted or replaced in MongoDB. */
      documents_written: z.number(),
      /** Cycles run, successful or not; a failed attempt to reach the databases at start counts. */
      cycles: z.number(),
      cycle_failures: z.number(),
    })
    .default({ rows_read: 0, documents_written: 0, cycles: 0, cycle_failures: 0 }),
});

export type HeartbeatTotals = Heartbeat['totals'];

export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** What the worker itself knows; server_time is added by MongoDB. */
export type HeartbeatFields = Omit<Heartbeat, 'server_time'>;

export interface WorkerIdentity {
  project: string;
  host: string;
  pid: number;
  unit: string | null;
  startedAt: Date;
  intervalSeconds: number;
}

/** The loop's outcome so far. MySQL unreachable or failing → degraded; anything else failing → failing. */
export class HealthTracker {
  status: HealthStatus = 'ok';
  lastWave: number | null = null;
  lagSeconds: number | null = null;
  documents = 0;
  rows = 0;
  cycles = 0;
  failuresInARow = 0;
  lastError: string | null = null;
  lastErrorAt: Date | null = null;
  failingSince: Date | null = null;
  lastSuccessAt: Date | null = null;
  totals: HeartbeatTotals = { rows_read: 0, documents_written: 0, cycles: 0, cycle_failures: 0 };
  private resumed = false;

  /** True once resume() has run: before that a heartbeat would reset the totals. */
  get hasResumed(): boolean {
    return this.resumed;
  }

  /**
   * Continues the totals of the previous worker's heartbeat (none: from zero). Only the first call
   * counts; what this worker counted before it is added, not lost.
   */
  resume(previous: HeartbeatTotals | null): void {
    if (this.resumed) return;
    this.resumed = true;
    if (!previous) return;
    this.totals = {
      rows_read: previous.rows_read + this.totals.rows_read,
      documents_written: previous.documents_written + this.totals.documents_written,
      cycles: previous.cycles + this.totals.cycles,
      cycle_failures: previous.cycle_failures + this.totals.cycle_failures,
    };
  }

  onCycle(report: CycleReport, now: Date = new Date()): void {
    this.status = 'ok';
    this.lastSuccessAt = now;
    this.totals.cycles += 1;
    this.totals.rows_read += report.rows;
    this.totals.documents_written += report.inserted + report.replaced;
    this.cycles += 1;
    this.failuresInARow = 0;
    this.failingSince = null;
    if (report.lastWave !== null) this.lastWave = report.lastWave;
    this.lagSeconds = report.lagSeconds;
    this.documents = report.documents;
    this.rows = report.rows;
  }

  onFailure(error: unknown, now: Date = new Date()): void {
    this.status = error instanceof SourceError ? 'degraded' : 'failing';
    this.failuresInARow += 1;
    this.totals.cycles += 1;
    this.totals.cycle_failures += 1;
    this.lastError = describeError(error);
    this.lastErrorAt = now;
    this.failingSince ??= now;
  }

  document(identity: WorkerIdentity, now: Date = new Date()): HeartbeatFields {
    return {
      _id: identity.project,
      project: identity.project,
      host: identity.host,
      pid: identity.pid,
      unit: identity.unit,
      status: this.status,
      worker_time: now,
      started_at: identity.startedAt,
      interval_seconds: identity.intervalSeconds,
      last_wave: this.lastWave,
      lag_seconds: this.lagSeconds,
      documents: this.documents,
      rows: this.rows,
      cycles: this.cycles,
      failures_in_a_row: this.failuresInARow,
      last_error: this.lastError,
      last_error_at: this.lastErrorAt,
      failing_since: this.failingSince,
      last_success_at: this.lastSuccessAt,
      totals: { ...this.totals },
    };
  }
}
