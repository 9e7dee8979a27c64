// Generated source data for sync tests, and the pivot the test expects, computed here without
// the product's code: the collections must equal it.
import type { CycleRow, MeasureRow } from './mysql.js';
import type { Db } from 'mongodb';

export interface Dataset {
  cycles: CycleRow[];
  measures: MeasureRow[];
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Point ids that stress the encoding: leading zeros, dots, `$`, `_`, the reserved names, `~`. */
export const AWKWARD_POINT_IDS = [
  '007',
  '0012',
  'AHU-1.temp',
  '$cost',
  '_id',
  'ts',
  'wave_counter',
  '~x',
  'a%2Eb',
  'Zone 3',
];

export interface GenerateOptions {
  now: number;
  waves: number;
  points: number;
  /** Monitory names with their intervals; an interval may change half-way with `intervalLater`. */
  monitories: { name: string; interval: number; intervalLater?: number }[];
  seed?: number;
  /** Wave counters start this many seconds before now. */
  spanSeconds: number;
}

export function generateDataset(options: GenerateOptions): Dataset {
  const random = seededRandom(options.seed ?? 1);
  const pointIds = [
    ...AWKWARD_POINT_IDS,
    ...Array.from(
      { length: Math.max(0, options.points - AWKWARD_POINT_IDS.length) },
      (_, i) => `P${String(i).padStart(5, '0')}`,
    ),
  ].slice(0, options.points);
  const cycles: CycleRow[] = [];
  const measures: MeasureRow[] = [];
  const step = Math.floor(options.spanSeconds / options.waves);
  // Half a step off the round figures, so no wave sits within seconds of a threshold or retention
  // boundary that the test and the product compute at slightly different moments.
  const start = options.now - options.spanSeconds + Math.floor(step / 2);
  options.monitories.forEach((monitory, m) => {
    for (let i = 0; i < options.waves; i++) {
      // Offsets keep most waves of different monitory names apart; every 7th wave is shared.
      const wave = start + i * step + (i % 7 === 0 ? 0 : m);
      const interval =
        monitory.intervalLater !== undefined && i >= options.waves / 2 ? monitory.intervalLater : monitory.interval;
      cycles.push({ wave, monitory: monitory.name, interval });
      if (i % 7 === 0 && m > 0) continue; // shared wave: its measures are already there
      for (const pointId of pointIds) {
        if (random() < 0.05) continue; // a point missing from this wave
        measures.push({ wave, pointId, value: random() < 0.05 ? null : Math.round(random() * 1e6) / 100 });
      }
    }
  });
  return { cycles, measures };
}

export type ExpectedCollections = Map<string, Map<number, Record<string, unknown>>>;

/** The pivot of the source for the kept monitory names from `lowerBound` on, per collection. */
export function expectedPivot(
  data: Dataset,
  options: { database: string; measures: string; kept: string[]; lowerBound: number },
): ExpectedCollections {
  const byWave = new Map<number, Record<string, unknown>>();
  for (const row of data.measures) {
    const points = byWave.get(row.wave) ?? {};
    points[row.pointId] = row.value;
    byWave.set(row.wave, points);
  }
  const result: ExpectedCollections = new Map();
  for (const cycle of data.cycles) {
    if (!options.kept.includes(cycle.monitory) || cycle.wave < options.lowerBound) continue;
    const points = byWave.get(cycle.wave);
    if (!points) continue;
    const name = `${options.database};${options.measures};${cycle.monitory};${cycle.interval}`;
    const docs = result.get(name) ?? new Map<number, Record<string, unknown>>();
    docs.set(cycle.wave, { wave_counter: cycle.wave, ts: new Date(cycle.wave * 1000).toISOString(), ...points });
    result.set(name, docs);
  }
  return result;
}

/** The documented decoding of field names: "~" then percent-encoding; anything else as is. */
export function decodeField(field: string): string {
  return field.startsWith('~') ? decodeURIComponent(field.slice(1)) : field;
}

/** Reads every pivot collection of a project back, decoded; also counts documents to catch duplicates. */
export async function readCollections(
  db: Db,
  database: string,
): Promise<{ collections: ExpectedCollections; documents: number }> {
  const collections: ExpectedCollections = new Map();
  let documents = 0;
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (!name.startsWith(`${database};`)) continue;
    // A collection emptied by retention holds no row: the same as no collection.
    if ((await db.collection(name).countDocuments()) === 0) continue;
    const docs = new Map<number, Record<string, unknown>>();
    for (const doc of await db.collection(name).find().toArray()) {
      documents += 1;
      const { _id, ts, ...rest } = doc as unknown as { _id: number; ts: Date } & Record<string, unknown>;
      if (rest.wave_counter !== _id)
        throw new Error(`document ${_id} of ${name} has wave_counter ${String(rest.wave_counter)}`);
      const decoded: Record<string, unknown> = { ts: ts.toISOString() };
      for (const [field, value] of Object.entries(rest))
        decoded[field === 'wave_counter' ? field : decodeField(field)] = value;
      docs.set(_id, decoded);
    }
    collections.set(name, docs);
  }
  return { collections, documents };
}

/** Plain-object form for readable toEqual diffs. */
export function asPlain(collections: ExpectedCollections): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    [...collections]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, docs]) => [name, Object.fromEntries([...docs].sort(([a], [b]) => a - b))]),
  );
}

export function countDocuments(collections: ExpectedCollections): number {
  let total = 0;
  for (const docs of collections.values()) total += docs.size;
  return total;
}
