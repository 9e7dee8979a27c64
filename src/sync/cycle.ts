// One sync cycle: retention, then every wave past the checkpoints (and within the re-scan window)
// read from MySQL in chunks, pivoted and written to MongoDB, reading the next chunk while the
// previous one is written. Checkpoints advance only over acknowledged writes, in wave order.
import { getHeapStatistics } from 'node:v8';
import type { EffectiveConfig } from '../config/effective.js';
import type { Logger } from '../logging/logger.js';
import { applyAcked, emptyState } from './checkpoint.js';
import { decideWrites, type ChunkDecision } from './decide.js';
import { pivotRows } from './pivot.js';
import { chunkWaves, lowerBound, planWaves, readFrom, type PlanContext } from './plan.js';
import { createPointIdEncoder } from './point-ids.js';
import type { Sink, WriteCounts } from './sink.js';
import type { Source } from './source.js';
import type { CollectionState, CycleRow, MeasureRow } from './types.js';

/** Cycle rows read per query; a page never splits a wave. */
export const CYCLES_PER_PAGE = 5000;

/** Checkpoints are written at most this often during a cycle, and at its end. */
const CHECKPOINT_EVERY_MS = 1000;

/** minWave of a collection known to be empty: any write lowers it. */
const NO_DOCUMENTS = Number.MAX_SAFE_INTEGER;

export interface CycleDeps {
  source: Source;
  sink: Sink;
  logger: Logger;
  /** Unix seconds. */
  now?: () => number;
  signal?: AbortSignal;
}

export interface CycleReport {
  lowerBound: number;
  waves: number;
  rows: number;
  documents: number;
  inserted: number;
  replaced: number;
  deleted: number;
  /** Newest wave synced over all kept collections, null before the first. */
  lastWave: number | null;
  lagSeconds: number | null;
  collections: number;
  aborted: boolean;
  ms: number;
  /** Milliseconds per stage; read and write overlap, so these are the times spent waiting on each. */
  stages: CycleStages;
}

export interface CycleStages {
  checkpoints_ms: number;
  retention_ms: number;
  cycles_ms: number;
  mysql_wait_ms: number;
  pivot_ms: number;
  mongo_wait_ms: number;
}

async function timed<T>(stages: CycleStages, stage: keyof CycleStages, work: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work;
  } finally {
    stages[stage] += Math.round(performance.now() - started);
  }
}

const encodeShared = createPointIdEncoder();

export async function runCycle(config: EffectiveConfig, deps: CycleDeps): Promise<CycleReport> {
  const started = performance.now();
  const now = (deps.now ?? (() => Date.now() / 1000))();
  const { request, sync } = config;
  const ctx: PlanContext = {
    database: request.database,
    measures: request.measures,
    lowerBound: lowerBound(request.wave_counter_threshold, request.delete_old_value, now),
    rescanWindow: sync.rescan_window_seconds,
  };
  const report: CycleReport = {
    lowerBound: ctx.lowerBound,
    waves: 0,
    rows: 0,
    documents: 0,
    inserted: 0,
    replaced: 0,
    deleted: 0,
    lastWave: null,
    lagSeconds: null,
    collections: 0,
    aborted: false,
    ms: 0,
    stages: { checkpoints_ms: 0, retention_ms: 0, cycles_ms: 0, mysql_wait_ms: 0, pivot_ms: 0, mongo_wait_ms: 0 },
  };
  const stages = report.stages;
  const states = new Map(
    (await timed(stages, 'checkpoints_ms', deps.sink.loadStates(ctx.database, ctx.measures))).map((s) => [
      s.collection,
      s,
    ]),
  );

  report.deleted += await timed(stages, 'retention_ms', applyRetention(states, ctx, config, deps));

  let from = readFrom(request.monitory_name_kept, states.values(), ctx);
  for (;;) {
    if (deps.signal?.aborted) {
      report.aborted = true;
      break;
    }
    const page = await timed(
      stages,
      'cycles_ms',
      deps.source.readCycles(request.monitory_name_kept, from, CYCLES_PER_PAGE),
    );
    const { cycles, next } = completeWaves(page, CYCLES_PER_PAGE);
    await syncPage(cycles, states, ctx, config, deps, report);
    if (next === undefined) break;
    from = next;
  }

  const kept = new Set(request.monitory_name_kept);
  for (const state of states.values()) {
    if (!kept.has(state.monitory) || state.checkpoint === null) continue;
    report.collections += 1;
    report.lastWave = Math.max(report.lastWave ?? -Infinity, state.checkpoint);
  }
  report.lagSeconds = report.lastWave === null ? null : Math.max(0, Math.round(now - report.lastWave));
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** Drops the last wave of a full page (it may continue on the next page) and says where to go on. */
export function completeWaves(page: CycleRow[], pageSize: number): { cycles: CycleRow[]; next: number | undefined } {
  if (page.length < pageSize) return { cycles: page, next: undefined };
  const last = page[page.length - 1]?.wave;
  const cycles = page.filter((cycle) => cycle.wave !== last);
  if (cycles.length === 0 || last === undefined) return { cycles: page, next: (last ?? 0) + 1 };
  return { cycles, next: last };
}

async function applyRetention(
  states: Map<string, CollectionState>,
  ctx: PlanContext,
  config: EffectiveConfig,
  deps: CycleDeps,
): Promise<number> {
  let deleted = 0;
  for (const state of states.values()) {
    // minWave tracks the oldest document that may exist, so the (costly) delete runs only when a wave ages out.
    if (state.minWave !== null && state.minWave >= ctx.lowerBound) continue;
    const count = await deps.sink.deleteOlderThan(state.collection, ctx.lowerBound, config.sync.delete_batch_size);
    // Documents exist only for cycles, so the oldest remaining one is at or after the oldest cycle
    // from the bound on; with none, nothing remains and the next write sets the mark.
    const oldest = await deps.source.oldestCycle(state.monitory, ctx.lowerBound);
    state.minWave = oldest ?? NO_DOCUMENTS;
    state.fingerprints = Object.fromEntries(
      Object.entries(state.fingerprints).filter(([wave]) => Number(wave) >= ctx.lowerBound),
    );
    await deps.sink.saveState(ctx.database, ctx.measures, state);
    if (count > 0)
      deps.logger.info('retention deleted old documents', {
        collection: state.collection,
        documents: count,
        older_than: ctx.lowerBound,
      });
    deleted += count;
  }
  return deleted;
}

async function syncPage(
  cycles: readonly CycleRow[],
  states: Map<string, CollectionState>,
  ctx: PlanContext,
  config: EffectiveConfig,
  deps: CycleDeps,
  report: CycleReport,
): Promise<void> {
  const plan = planWaves(cycles, states, ctx);
  const waves = [...plan.keys()];
  // A collection seen for the first time: if it is empty, retention knows there is nothing old
  // in it, and skips the delete (a collection scan on FerretDB) on the next cycle.
  for (const targets of plan.values()) {
    for (const target of targets) {
      if (states.has(target.collection)) continue;
      const state = emptyState(target);
      if (await deps.sink.isEmpty(target.collection)) state.minWave = NO_DOCUMENTS;
      states.set(target.collection, state);
    }
  }
  // Fingerprints are kept only within the window behind each collection's newest wave, so only
  // those waves (and re-scanned ones) are hashed.
  const newest = new Map<string, number>();
  for (const [wave, targets] of plan) {
    for (const { collection } of targets)
      newest.set(
        collection,
        Math.max(newest.get(collection) ?? wave, wave, states.get(collection)?.checkpoint ?? wave),
      );
  }
  const wantsFingerprint = (wave: number): boolean =>
    plan
      .get(wave)
      ?.some((t) => t.action === 'rescan' || wave > (newest.get(t.collection) ?? wave) - ctx.rescanWindow) ?? false;
  const pending: Promise<ChunkDecision>[] = [];
  const unsaved = new Set<string>();
  let savedAt = performance.now();
  const saveStates = async (): Promise<void> => {
    for (const collection of unsaved) {
      const state = states.get(collection);
      if (state) await deps.sink.saveState(ctx.database, ctx.measures, state);
    }
    unsaved.clear();
    savedAt = performance.now();
  };
  const applyOldest = async (): Promise<void> => {
    const decision = await pending.shift();
    if (!decision) return;
    for (const collection of applyAcked(states, decision.acked, ctx.rescanWindow)) unsaved.add(collection);
    // A checkpoint write per chunk would cost a round trip each; a crash loses at most a second
    // of progress, rewritten idempotently by the next run.
    if (performance.now() - savedAt >= CHECKPOINT_EVERY_MS) await saveStates();
    collectGarbageWhenGrown();
  };
  const chunks = chunkWaves(waves, config.sync.waves_per_query);
  // The next chunk is read from MySQL while the current one is pivoted and written.
  const read = (index: number): Promise<MeasureRow[]> | undefined => {
    const chunk = chunks[index];
    if (chunk === undefined) return undefined;
    const rows = deps.source.readMeasures(chunk);
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
      const decision = decideWrites(chunk, plan, pivotRows(rows, encodeShared, wantsFingerprint));
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
    await saveStates();
  } finally {
    // On failure or abort, let reads and writes already sent settle before the connections are
    // reused or closed.
    await Promise.allSettled([...pending, nextRows]);
  }
}

async function writeDecision(decision: ChunkDecision, sink: Sink, report: CycleReport): Promise<ChunkDecision> {
  const results = await Promise.all(
    [...decision.writes].map(async ([collection, writes]): Promise<WriteCounts[]> => [
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

const GC_GROWTH_BYTES = 32 * 1024 * 1024;
let heapAfterCollection = 0;

/**
 * A full collection whenever the heap has grown by GC_GROWTH_BYTES since the last one, when Node
 * runs with --expose-gc (as db-proxy's launchers start it). Chunks live across awaits, so most of
 * what a backfill allocates is promoted and V8 lets the old generation grow to several times the
 * live data (one chunk) before collecting; bounding the growth bounds the peak RSS, whatever the
 * machine's speed or the length of the backfill.
 */
function collectGarbageWhenGrown(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  if (getHeapStatistics().used_heap_size - heapAfterCollection < GC_GROWTH_BYTES) return;
  gc();
  heapAfterCollection = getHeapStatistics().used_heap_size;
}
