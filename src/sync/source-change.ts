// The MySQL reads of the optional change column: its largest value, and per-wave digests of the
// rows whose value lies in a range (one small row per wave touched, whatever its age).
import { SourceError } from '../errors.js';
import { formatDigest } from './digest.js';
import type { sourceSql } from './source-sql.js';
import type { ChangeValue } from './types.js';

export interface ChangeReads {
  /** The change column's largest value, null for an empty table. Fails without a change column. */
  readChangeMax(): Promise<ChangeValue | null>;
  /** Per wave, the digest of its rows whose change value is in (after, upTo]. */
  readChangeDigests(after: ChangeValue, upTo: ChangeValue): Promise<Map<number, string>>;
}

type Execute = (sql: string, params: readonly (string | number)[]) => Promise<unknown[]>;

export function changeMethods(
  column: string | undefined,
  sql: ReturnType<typeof sourceSql>,
  execute: Execute,
  fail: (what: string, error: unknown) => SourceError,
  measures: string,
): ChangeReads {
  const configured = (): string => {
    if (column === undefined) throw new SourceError('no source.measure_change_column is configured');
    return column;
  };
  return {
    async readChangeMax() {
      const name = configured();
      try {
        const value = (await execute(sql.changeMax(name), [])) as [ChangeValue | null][];
        return value[0]?.[0] ?? null;
      } catch (error) {
        throw fail(`reading MAX(${name}) of ${measures}`, error);
      }
    },

    async readChangeDigests(after, upTo) {
      const name = configured();
      try {
        const rows = (await execute(sql.changeDigests(name), [after, upTo])) as [
          number | string,
          number | string,
          string | number | null,
        ][];
        return new Map(rows.map(([wave, count, sum]) => [Number(wave), formatDigest(count, sum)]));
      } catch (error) {
        throw fail(`reading the rows of ${measures} past ${name} ${String(after)}`, error);
      }
    },
  };
}
