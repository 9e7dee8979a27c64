// One sync cycle: retention (when due), the new waves past each checkpoint, then the digest check
// of the waves the age schedule makes due (all of them with `reconcile`), re-reading those that differ.
import type { EffectiveConfig } from '../config/effective.js';
import type { Logger } from '../logging/logger.js';
import { ChangePass } from './change-pass.js';
import { emptyState } from './checkpoint.js';
import { CYCLES_PER_PAGE, completeWaves, runChecks } from './check-pass.js';
import { writeWaves, StateStore } from './pipeline.js';
import { lowerBound, planWaves, readFrom, type PlanContext } from './plan.js';
import { preflight } from './preflight.js';
import { emptyReport, timed, type CycleReport } from './report.js';
import { NO_DOCUMENTS, applyRetention } from './retention.js';
import { NO_UPPER_BOUND, dueRanges, mergeRanges, type ScheduleSettings, type WaveRange } from './schedule.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';
import type { CollectionState } from './types.js';

export type { CycleReport, CycleStages } from './report.js';
export { completeWaves } from './check-pass.js';

/**
 * A check pass's time is written back with the checkpoint when anything else changed, or when
 * the stored one is older than this: a restart then re-checks at most this much of the schedule.
 */
const CHECKED_AT_PERSIST_SECONDS = 300;

/** What a loop keeps from one cycle to the next. */
export interface CycleMemory {
  checkedAt?: number;
}

export interface CycleDeps {
  source: Source;
  sink: Sink;
  logger: Logger;
  /** Unix seconds. */
  now?: () => number;
  signal?: AbortSignal;
  /** Check every wave in retention, not only those the age schedule makes due. */
  reconcile?: boolean;
  memory?: CycleMemory;
}

export function scheduleSettings(config: EffectiveConfig): ScheduleSettings {
  return {
    sleepSeconds: config.request.sleep_time,
    ageFraction: config.sync.check_age_fraction,
    reconcileSeconds: config.sync.reconcile_interval_seconds,
    // Inserts at any age are found by the change column's cursor; the digests' sweep finds the rest.
    sweepOnly: config.source.measure_change_column !== undefined,
  };
}

export async function runCycle(config: EffectiveConfig, deps: CycleDeps): Promise<CycleReport> {
  const started = performance.now();
  const now = (deps.now ?? (() => Date.now() / 1000))();
  const { request } = config;
  const ctx: PlanContext = {
    database: request.database,
    measures: request.measures,
    lowerBound: lowerBound(request.wave_counter_threshold, request.delete_old_value, now),
  };
  const report = emptyReport(ctx.lowerBound);
  const loaded = await timed(report.stages, 'checkpoints_ms', deps.sink.loadStates(ctx.database, ctx.measures));
  await preflight(deps.source, loaded, request.monitory_name_kept, deps.logger);
  const store = new StateStore(new Map(loaded.map((s) => [s.collection, s])), deps.sink, ctx);

  // The mark is taken before the new waves are read: every row up to it is in a wave read now or
  // earlier, or in a wave the settled range will name.
  const change = await ChangePass.load(config, deps, ctx);
  await timed(report.stages, 'cycles_ms', change?.observe(now) ?? Promise.resolve());

  await syncNewWaves(store, ctx, now, config, deps, report);
  const newWavesDone = performance.now();

  // After the new waves: a delete can be slow (a MongoDB-compatible server without a usable index
  // scans the collection), and a new wave should not wait behind the housekeeping of old ones.
  if (!report.aborted)
    report.deleted += await timed(report.stages, 'retention_ms', applyRetention(store, ctx, now, config, deps));

  const kept = new Set(request.monitory_name_kept);
  if (!report.aborted) {
    const touched = change
      ? await timed(report.stages, 'mysql_wait_ms', change.settle(now, store.states.values()))
      : [];
    report.touched = touched.length;
    const ranges: WaveRange[] = deps.reconcile
      ? [[ctx.lowerBound, NO_UPPER_BOUND]]
      : mergeRanges([
          ...dueRanges(scheduleSettings(config), previousCheck(store.states, kept, deps.memory), now, ctx.lowerBound),
          ...touched,
        ]);
    await runChecks(ranges, store, ctx, config, deps, report);
  }
  if (!report.aborted) {
    for (const state of store.states.values()) {
      if (!kept.has(state.monitory) || state.checkpoint === null) continue;
      if (state.checkedAt === null || now - state.checkedAt >= CHECKED_AT_PERSIST_SECONDS)
        store.changed(state.collection);
      state.checkedAt = now;
    }
    if (deps.memory) deps.memory.checkedAt = now;
    await store.save();
    await change?.save();
  }

  for (const state of store.states.values()) {
    if (!kept.has(state.monitory) || state.checkpoint === null) continue;
    report.collections += 1;
    report.lastWave = Math.max(report.lastWave ?? -Infinity, state.checkpoint);
  }
  report.lagSeconds = report.lastWave === null ? null : Math.max(0, Math.round(now - report.lastWave));
  const ended = performance.now();
  report.ms = Math.round(ended - started);
  report.afterNewWavesMs = Math.round(ended - newWavesDone);
  return report;
}

/**
 * When the last check pass of the kept collections ran: the oldest of their recorded times (or
 * the loop's memory, if later); null when one never had a pass (checkpoints from before digests).
 */
export function previousCheck(
  states: ReadonlyMap<string, CollectionState>,
  kept: ReadonlySet<string>,
  memory: CycleMemory | undefined,
): number | null {
  let oldest = Infinity;
  for (const state of states.values()) {
    if (!kept.has(state.monitory) || state.checkpoint === null) continue;
    oldest = Math.min(oldest, state.checkedAt ?? -Infinity);
  }
  const previous = Math.max(oldest === Infinity ? -Infinity : oldest, memory?.checkedAt ?? -Infinity);
  return Number.isFinite(previous) ? previous : null;
}

/** Cycle rows past each kept collection's checkpoint, page by page, their waves written as new. */
async function syncNewWaves(
  store: StateStore,
  ctx: PlanContext,
  now: number,
  config: EffectiveConfig,
  deps: CycleDeps,
  report: CycleReport,
): Promise<void> {
  const kept = config.request.monitory_name_kept;
  let froms = readFrom(kept, store.states.values(), ctx);
  for (;;) {
    if (deps.signal?.aborted) {
      report.aborted = true;
      return;
    }
    const page = await timed(report.stages, 'cycles_ms', deps.source.readCycles(froms, CYCLES_PER_PAGE));
    const { cycles, next } = completeWaves(page, CYCLES_PER_PAGE);
    const plan = planWaves(cycles, store.states, ctx);
    for (const targets of plan.values()) {
      for (const target of targets) {
        if (store.states.has(target.collection)) continue;
        // Written from fresh reads: no check is due before the schedule's first threshold.
        const state = emptyState(target, now);
        // If it is empty, retention knows there is nothing old in it and skips the delete.
        if (await deps.sink.isEmpty(target.collection)) state.minWave = NO_DOCUMENTS;
        store.states.set(target.collection, state);
      }
    }
    if (plan.size > 0) await writeWaves(plan, store, config, deps, report);
    if (next === undefined || report.aborted) return;
    froms = froms.map(([monitory, from]) => [monitory, Math.max(from, next)]);
  }
}
