// How mysql2's answers become the sync's rows, and how its failures are described.
import type { Socket } from 'node:net';
import { describeError } from '../errors.js';
import type { CheckedCycle, CycleRow, MeasureRow } from './types.js';

export function cycleRows(rows: unknown[]): CycleRow[] {
  return (rows as [number | string, string, number | string][]).map(([wave, monitory, interval]) => ({
    wave: Number(wave),
    monitory,
    interval: Number(interval),
  }));
}

/** Cycle rows with the digest text their statement computed; "0:…" (no measures) is no digest. */
export function checkedCycleRows(rows: unknown[]): CheckedCycle[] {
  return (rows as [number | string, string, number | string, string | null][]).map(
    ([wave, monitory, interval, digest]) => ({
      wave: Number(wave),
      monitory,
      interval: Number(interval),
      digest: digest === null || digest.startsWith('0:') ? undefined : digest,
    }),
  );
}

/**
 * The socket under a mysql2 connection (core, or the promise wrapper around one). mysql2 does not
 * type it; it is the `stream` the connection was opened on.
 */
export function socketOf(connection: unknown): Socket | undefined {
  const core = connection as { stream?: Socket; connection?: { stream?: Socket } };
  return core.stream ?? core.connection?.stream;
}

export function describeMysqlError(error: unknown): string {
  const e = error as { code?: string; errno?: number; sqlMessage?: string };
  if (e.sqlMessage) return `${e.sqlMessage}${e.code ? ` (${e.code})` : ''}`;
  return describeError(error) || e.code || 'unknown error';
}

/** Measure rows as mysql2 returns them, with their types settled in place. */
export function measureRows(raw: unknown[]): MeasureRow[] {
  const rows = raw as [number | string, string | number, number | string | null, number | string][];
  for (const row of rows) {
    // BIGINT beyond 2^53 would come back as a string; wave counters are unix seconds, far below.
    if (typeof row[0] !== 'number') row[0] = Number(row[0]);
    if (typeof row[1] !== 'string') row[1] = String(row[1]);
    if (typeof row[2] === 'string') row[2] = Number(row[2]);
    if (typeof row[3] !== 'number') row[3] = Number(row[3]);
  }
  return rows as MeasureRow[];
}
