// The kinds of change a source sees after a sync (the table of the sync's guarantee), applied to
// MariaDB and to the test's own model of the source, from which the expected pivot is computed.
import { expectedPivot, generateDataset, type Dataset, type ExpectedCollections } from './dataset.js';
import type { SourceDatabase } from './mysql.js';

export type ChangeKind = 'new measure' | 'corrected value' | 'wave deleted' | 'measure deleted';
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'new measure',
  'corrected value',
  'wave deleted',
  'measure deleted',
];

/** A wave of its own per age and kind, so each change is seen on its own. */
export interface ChangeTarget {
  kind: ChangeKind;
  age: number;
  wave: number;
}

/** Adds one wave (cycle row of `monitory` and 5 measures) per age and kind to the dataset. */
export function addChangeWaves(
  data: Dataset,
  now: number,
  ages: readonly number[],
  monitory: { name: string; interval: number },
): ChangeTarget[] {
  const targets: ChangeTarget[] = [];
  ages.forEach((age, a) =>
    CHANGE_KINDS.forEach((kind, k) => {
      // Distinct waves a few seconds apart; generated waves sit on other offsets.
      const wave = now - age - 3 * (a * CHANGE_KINDS.length + k) - 1;
      targets.push({ kind, age, wave });
      data.cycles.push({ wave, monitory: monitory.name, interval: monitory.interval });
      for (let p = 0; p < 5; p++) data.measures.push({ wave, pointId: `c${p}`, value: p + a / 10 });
    }),
  );
  return targets;
}

export async function applyChange(source: SourceDatabase, data: Dataset, target: ChangeTarget): Promise<void> {
  const c = source.connection;
  const table = `\`${source.measuresTable}\``;
  const { wave } = target;
  switch (target.kind) {
    case 'new measure':
      await source.insertMeasures([{ wave, pointId: 'late.point', value: 42.5 }]);
      data.measures.push({ wave, pointId: 'late.point', value: 42.5 });
      return;
    case 'corrected value':
      await c.execute(`UPDATE ${table} SET point_value = ? WHERE wave_counter = ? AND point_id = 'c1'`, [-7.25, wave]);
      for (const row of data.measures) if (row.wave === wave && row.pointId === 'c1') row.value = -7.25;
      return;
    case 'wave deleted':
      await c.execute('DELETE FROM extraction_cycle WHERE wave_counter = ?', [wave]);
      await c.execute(`DELETE FROM ${table} WHERE wave_counter = ?`, [wave]);
      data.cycles = data.cycles.filter((row) => row.wave !== wave);
      data.measures = data.measures.filter((row) => row.wave !== wave);
      return;
    case 'measure deleted':
      await c.execute(`DELETE FROM ${table} WHERE wave_counter = ? AND point_id = 'c2'`, [wave]);
      data.measures = data.measures.filter((row) => !(row.wave === wave && row.pointId === 'c2'));
      return;
  }
}

const DAY = 86_400;
/** The two packages of the change tests; changes go to waves of the first. */
export const CHANGE_MONITORIES = [
  { name: 'Extraction_1_dev_a', interval: 300 },
  { name: 'Extraction_2_dev_a', interval: 900 },
];

/** A week of both packages' waves plus one change wave per age and kind, loaded into `source`. */
export async function seedChangeWeek(
  source: SourceDatabase,
  now: number,
  ages: readonly number[],
  size: { waves: number; points: number },
): Promise<{ data: Dataset; targets: ChangeTarget[] }> {
  const data = generateDataset({ now, spanSeconds: 7 * DAY, ...size, monitories: CHANGE_MONITORIES });
  const targets = addChangeWaves(data, now, ages, CHANGE_MONITORIES[0] as { name: string; interval: number });
  await source.insertCycles(data.cycles);
  await source.insertMeasures(data.measures);
  return { data, targets };
}

/** The pivot the week's source should give at `at` (7 days retained, both packages kept). */
export function expectedWeek(data: Dataset, source: SourceDatabase, at: number): ExpectedCollections {
  return expectedPivot(data, {
    database: source.name,
    measures: source.measuresTable,
    kept: CHANGE_MONITORIES.map((m) => m.name),
    lowerBound: at - 7 * DAY,
  });
}
