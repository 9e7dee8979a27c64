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
});

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

  onCycle(report: CycleReport): void {
    this.status = 'ok';
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
    };
  }
}
