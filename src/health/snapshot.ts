// The monitor's status snapshot (<state>/status/status.json): what `status` shows, without any
// secret, for operators who may read no credential. Pure: built, parsed and aged here; written
// and read by the monitor and `status`.
import { z } from 'zod';
import { redactDeep } from '../logging/redact.js';
import type { HostedRow } from './fleet.js';

/** Under the state folder: its own folder, so the monitor may replace the file by a rename there alone. */
export const STATUS_SNAPSHOT_DIR = 'status';
export const STATUS_SNAPSHOT_FILE = `${STATUS_SNAPSHOT_DIR}/status.json`;

const nullableNumber = z.number().nullable();
const HostedRowSchema = z.object({
  host: z.string(),
  project: z.string(),
  unit: z.string(),
  unit_state: z.string(),
  health: z.enum(['ok', 'degraded', 'failing', 'overdue', 'stopped', 'unknown']),
  status: z.enum(['ok', 'degraded', 'failing']).nullable(),
  last_wave: nullableNumber,
  last_wave_age_seconds: nullableNumber,
  lag_seconds: nullableNumber,
  documents: nullableNumber,
  heartbeat_age_seconds: nullableNumber,
  last_error: z.string().nullable(),
  failing: z.boolean(),
});

export const StatusSnapshotSchema = z.object({
  version: z.literal(1),
  /** The check's time, by MongoDB's clock (the clock the ages in the rows are measured with). */
  time: z.iso.datetime(),
  /** When the monitor wrote it, by this host's clock: the snapshot's age is measured from here. */
  written_at: z.iso.datetime(),
  host: z.string(),
  /** The monitor's interval between checks. */
  interval_seconds: z.number().positive(),
  heartbeats_read: z.boolean(),
  units_read: z.boolean(),
  problems: z.array(z.string()),
  /** This host's projects (`status`). */
  projects: z.array(HostedRowSchema),
  /** Every host's projects (`status --fleet`). */
  fleet: z.array(HostedRowSchema),
});

export type StatusSnapshot = z.infer<typeof StatusSnapshotSchema>;

export interface SnapshotInput {
  time: Date;
  writtenAt: Date;
  host: string;
  intervalSeconds: number;
  heartbeatsRead: boolean;
  unitsRead: boolean;
  problems: readonly string[];
  projects: readonly HostedRow[];
  fleet: readonly HostedRow[];
}

/** The snapshot of one check, every string redacted with the monitor's secrets. */
export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  return redactDeep({
    version: 1 as const,
    time: input.time.toISOString(),
    written_at: input.writtenAt.toISOString(),
    host: input.host,
    interval_seconds: input.intervalSeconds,
    heartbeats_read: input.heartbeatsRead,
    units_read: input.unitsRead,
    problems: [...input.problems],
    projects: input.projects.map((row) => ({ ...row })),
    fleet: input.fleet.map((row) => ({ ...row })),
  });
}

export type SnapshotParse = { ok: true; snapshot: StatusSnapshot } | { ok: false; reason: string };

export function parseSnapshot(text: string): SnapshotParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const parsed = StatusSnapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a status snapshot (${issue?.path.join('.') || '(top)'}: ${issue?.message ?? ''})`,
    };
  }
  return { ok: true, snapshot: parsed.data };
}

/** Seconds since the monitor wrote it, never negative (a clock set back counts as fresh). */
export function snapshotAgeSeconds(snapshot: StatusSnapshot, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(snapshot.written_at)) / 1000));
}

/**
 * Older than three checks (at least 3 minutes): the monitor has stopped, or cannot finish a check.
 * One missed check is not yet a problem: a check waits up to its MongoDB timeouts.
 */
export function staleAfterSeconds(snapshot: StatusSnapshot): number {
  return Math.max(3 * snapshot.interval_seconds, 180);
}

/** The problem line of a stale snapshot, or undefined while it is fresh. */
export function staleProblem(snapshot: StatusSnapshot, now: Date, monitorUnit: string): string | undefined {
  const age = snapshotAgeSeconds(snapshot, now);
  if (age <= staleAfterSeconds(snapshot)) return undefined;
  return (
    `the monitor's status snapshot is ${age} s old (it is rewritten every ${snapshot.interval_seconds} s): ` +
    `the monitor is not running or cannot finish a check; systemctl status ${monitorUnit}`
  );
}
