// Reads planned waves from MySQL in chunks, pivots and writes them to MongoDB, reading the next
// chunk while the previous one is written. States advance only over acknowledged writes, in order.
import type { EffectiveConfig } from '../config/effective.js';
import { applyAcked } from './checkpoint.js';
import { decideWrites, needsRows, type ChunkDecision } from './decide.js';
import { collectGarbageWhenGrown } from './gc.js';
import { pivotRows } from './pivot.js';
import { chunkWaves, type PlanContext, type WaveTarget } from './plan.js';
import { createPointIdEncoder } from './point-ids.js';
import { timed, type CycleReport } from './report.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';
import type { CollectionState, MeasureRow } from './types.js';

/** Checkpoints are written at most this often during a cycle, and at its end. */
const CHECKPOINT_EVERY_MS = 1000;

export interface PipelineDeps {
  source: Source;
  sink: Sink;
  signal?: AbortSignal;
}

/** The cycle's collection states and which of them MongoDB does not have yet. */
export class StateStore {
  readonly unsaved = new Set<string>();
  private savedAt = performance.now();

  constructor(
    readonly states: Map<string, CollectionState>,
    private readonly sink: Sink,
    private readonly ctx: PlanContext,
  ) {}

  changed(collection: string): void {
    this.unsaved.add(collection);
  }

  async save(): Promise<void> {
    for (const collection of this.unsaved) {
      const state = this.states.get(collection);
      if (state) await this.sink.saveState(this.ctx.database, this.ctx.measures, state);
    }
    this.unsaved.clear();
    this.savedAt = performance.now();
  }

  /** A checkpoint write per chunk would cost a round trip each; a crash loses at most a second. */
  async saveWhenDue(): Promise<void> {
    if (performance.now() - this.savedAt >= CHECKPOINT_EVERY_MS) await this.save();
  }
}

const encodeShared = createPointIdEncoder();

export async function writeWaves(
  plan: ReadonlyMap<number, readonly WaveTarget[]>,
  store: StateStore,
  config: EffectiveConfig,
  deps: PipelineDeps,
  report: CycleReport,
): Promise<void> {
  const pending: Promise<ChunkDecision>[] = [];
  const applyOldest = async (): Promise<void> => {
    const decision = await pending.shift();
    if (!decision) return;
    for (const collection of applyAcked(store.states, decision.acked)) store.changed(collection);
    await store.saveWhenDue();
    collectGarbageWhenGrown();
  };
  const chunks = chunkWaves([...plan.keys()], config.sync.waves_per_query);
  const read = (index: number): Promise<MeasureRow[]> | undefined => {
    const chunk = chunks[index];
    if (chunk === undefined) return undefined;
    if (!needsRows(chunk, plan)) return Promise.resolve([]);
    const rows = deps.source.readMeasures(chunk.filter((wave) => needsRows([wave], plan)));
    rows.catch(() => undefined); // awaited below; this only keeps it from being "unhandled"
    return rows;
  };
  let nextRows = read(0);
  try {
    for (const [index, chunk] of chunks.entries()) {
      if (deps.signal?.aborted) {
        report.aborted = true;
        break;
      }
      const rows = (await timed(report.stages, 'mysql_wait_ms', nextRows ?? Promise.resolve([]))) ?? [];
      nextRows = read(index + 1);
      const pivotStarted = performance.now();
      const decision = decideWrites(chunk, plan, pivotRows(rows, encodeShared));
      report.stages.pivot_ms += Math.round(performance.now() - pivotStarted);
      report.waves += chunk.length;
      report.rows += rows.length;
      report.documents += decision.documents;
      const written = writeDecision(decision, deps.sink, report);
      written.catch(() => undefined); // awaited in order below; this only keeps it from being "unhandled"
      pending.push(written);
      while (pending.length >= config.sync.writes_in_flight) await timed(report.stages, 'mongo_wait_ms', applyOldest());
    }
    while (pending.length > 0) await timed(report.stages, 'mongo_wait_ms', applyOldest());
    await store.save();
  } finally {
    // On failure or abort, let reads and writes already sent settle before the connections are
    // reused or closed.
    await Promise.allSettled([...pending, nextRows]);
  }
}

async function writeDecision(decision: ChunkDecision, sink: Sink, report: CycleReport): Promise<ChunkDecision> {
  const results = await Promise.all(
    [...decision.writes].map(async ([collection, writes]) => [
      await sink.insert(collection, writes.insert),
      await sink.replace(collection, writes.replace),
      await sink.remove(collection, writes.remove),
    ]),
  );
  for (const counts of results.flat()) {
    report.inserted += counts.inserted;
    report.replaced += counts.replaced;
    report.deleted += counts.deleted;
  }
  return decision;
}
