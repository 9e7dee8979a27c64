// What the age-scheduled checks should cost, printed beside the measured figures: the sync core's
// own pure function (src/sync/schedule.ts, from the candidate's dist/) with the default settings,
// or, for a build without it, the estimate 10 · ln(retention ÷ sleep_time).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ScheduleSettings {
  sleepSeconds: number;
  ageFraction: number;
  reconcileSeconds: number;
  sweepOnly?: boolean;
}
interface ScheduleModule {
  expectedChecksPerWave: (s: ScheduleSettings, retentionSeconds: number, cycleSeconds?: number) => number;
}
interface DefaultsModule {
  DefaultsSchema: {
    parse(value: unknown): { sync: { check_age_fraction: number; reconcile_interval_seconds: number } };
  };
}

export interface Expectation {
  /** Digest checks per wave over its retention; each reads the wave's rows once. */
  checksPerWave(retentionSeconds: number, sleepTime: number, cycleSeconds: number): number;
  source: string;
}

/**
 * With a change column (`changeColumn`), the schedule keeps only its sweep, and the settled range
 * reads each row once more (one row per wave touched): one more read per row.
 */
export async function loadExpectation(
  distDir: string,
  changeColumn = false,
  candidateDefaults: Record<string, unknown> = {},
): Promise<Expectation> {
  const schedule = join(distDir, 'sync', 'schedule.js');
  const defaults = join(distDir, 'config', 'defaults-schema.js');
  if (existsSync(schedule) && existsSync(defaults)) {
    const { expectedChecksPerWave } = (await import(pathToFileURL(schedule).href)) as ScheduleModule;
    const { DefaultsSchema } = (await import(pathToFileURL(defaults).href)) as DefaultsModule;
    const sync = DefaultsSchema.parse(candidateDefaults).sync;
    return {
      checksPerWave: (retention, sleepTime, cycleSeconds) =>
        expectedChecksPerWave(
          {
            sleepSeconds: sleepTime,
            ageFraction: sync.check_age_fraction,
            reconcileSeconds: sync.reconcile_interval_seconds,
            sweepOnly: changeColumn,
          },
          retention,
          cycleSeconds,
        ) + (changeColumn ? 1 : 0),
      source:
        `the candidate's expectedChecksPerWave (src/sync/schedule.ts), check_age_fraction ${sync.check_age_fraction}, ` +
        `reconcile_interval_seconds ${sync.reconcile_interval_seconds}, at the measured cycle period` +
        (changeColumn ? '; change column: the sweep alone, plus the settled range read' : ''),
    };
  }
  return {
    checksPerWave: (retention, sleepTime) => 10 * Math.log(retention / sleepTime),
    source: '10 · ln(retention ÷ sleep_time): the candidate has no dist/sync/schedule.js',
  };
}
