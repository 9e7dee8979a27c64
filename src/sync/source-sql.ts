// The SQL db-proxy sends to the source, built from validated, quoted identifiers. Lists are padded
// to fixed lengths (see pad), so each statement is prepared once per connection and reused.
import type { SourceSchema } from '../config/defaults-schema.js';
import { quoteMysqlIdentifier as q } from '../request/identifiers.js';
import { digestRowExpression } from './digest.js';
import type { WaveRange } from './schedule.js';

/** Wave ranges per cycle-rows statement; more ranges are read by further statements. */
export const RANGES_PER_QUERY = 128;

/**
 * The statement sizes a range list is padded to. A steady cycle has one to a few due ranges, and
 * the server plans all 128 BETWEENs of the largest size at every execution (measured: 0.35 ms of
 * MySQL's time against 0.1 ms for a short list); a reconcile of sparse waves needs the largest.
 */
const RANGE_SLOTS = [4, 16, RANGES_PER_QUERY] as const;

/** The statement size for `count` ranges (at most RANGES_PER_QUERY). */
export function rangeSlots(count: number): number {
  return RANGE_SLOTS.find((slots) => slots >= count) ?? RANGES_PER_QUERY;
}

const slots = (count: number): string => Array.from({ length: count }, () => '?').join(',');

/** Pads a list to `length` by repeating its last element (harmless in IN and OR lists). */
export function pad<T>(items: readonly T[], length: number): T[] {
  const padded = [...items];
  const last = items[items.length - 1];
  while (padded.length < length && last !== undefined) padded.push(last);
  return padded;
}

export function sourceSql(s: SourceSchema, measures: string) {
  const wave = q(s.cycle_wave_counter);
  const cycleColumns = `${wave}, ${q(s.cycle_monitory_name)}, ${q(s.cycle_interval)}`;
  const mWave = q(s.measure_wave_counter);
  const crc = digestRowExpression(q(s.measure_point_id), q(s.measure_point_value));
  const mCrc = digestRowExpression(`m.${q(s.measure_point_id)}`, `m.${q(s.measure_point_value)}`);
  return {
    // One (name, from) pair per monitory name: each a range of the (monitory_name, wave_counter) index.
    cyclesFrom: (monitories: number, limit: number) =>
      `SELECT ${cycleColumns} FROM ${q(s.cycle_table)} WHERE ` +
      Array.from({ length: monitories }, () => `(${q(s.cycle_monitory_name)} = ? AND ${wave} >= ?)`).join(' OR ') +
      ` ORDER BY ${wave} LIMIT ${Math.trunc(limit)}`,
    // ORDER BY … LIMIT 1 rather than MIN(): the same single index lookup with an index on
    // (monitory_name, wave_counter), and a short ordered walk with one on wave_counter only.
    oldestCycle: () =>
      `SELECT ${wave} FROM ${q(s.cycle_table)} WHERE ${q(s.cycle_monitory_name)} = ? AND ${wave} >= ? ` +
      `ORDER BY ${wave} LIMIT 1`,
    measures: (waves: number) =>
      `SELECT ${mWave}, ${q(s.measure_point_id)}, ${q(s.measure_point_value)}, ${crc} FROM ${q(measures)} ` +
      `WHERE ${mWave} IN (${slots(waves)})`,
    // The due cycle rows, each with its wave's digest from a correlated subquery: one row per check
    // on the wire, and the subquery runs only for the rows the LIMIT returns (MariaDB also caches
    // it per wave when two monitory names share one). COUNT 0 reads as "0:0": no measures.
    cyclesWithDigests: (monitories: number, ranges: number, limit: number) =>
      `SELECT c.${wave}, c.${q(s.cycle_monitory_name)}, c.${q(s.cycle_interval)}, ` +
      `(SELECT CONCAT(COUNT(*), ':', COALESCE(SUM(${mCrc}), 0)) FROM ${q(measures)} m WHERE m.${mWave} = c.${wave}) ` +
      `FROM ${q(s.cycle_table)} c WHERE c.${q(s.cycle_monitory_name)} IN (${slots(monitories)}) ` +
      `AND c.${wave} >= ? AND (${Array.from({ length: ranges }, () => `c.${wave} BETWEEN ? AND ?`).join(' OR ')}) ` +
      `ORDER BY c.${wave} LIMIT ${Math.trunc(limit)}`,
    crcProbe: () => `SELECT CRC32(?)`,
    changeMax: (column: string) => `SELECT MAX(${q(column)}) FROM ${q(measures)}`,
    changeDigests: (column: string) =>
      `SELECT ${mWave}, COUNT(*), SUM(${crc}) FROM ${q(measures)} WHERE ${q(column)} > ? AND ${q(column)} <= ? ` +
      `GROUP BY ${mWave}`,
    cycleIndexes: () =>
      'SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS ' +
      'WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
  };
}

/** The ranges as parameters, padded to `slots` ranges. */
export function rangeParams(ranges: readonly WaveRange[], slots: number): number[] {
  return pad(ranges, slots).flat();
}
