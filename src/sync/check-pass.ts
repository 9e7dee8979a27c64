// The check pass of a cycle: the due waves' cycle rows, each with its wave's digest computed by
// MySQL in the same statement (one small row per check), compared with the recorded ones; waves
// that differ are re-read or removed.
import type { EffectiveConfig } from '../config/effective.js';
import { planChecks } from './checks.js';
import { writeWaves, type PipelineDeps, type StateStore } from './pipeline.js';
import type { PlanContext } from './plan.js';
import { timed, type CycleReport } from './report.js';
import { NO_UPPER_BOUND, type WaveRange } from './schedule.js';
import { RANGES_PER_QUERY } from './source-sql.js';
import type { CycleRow } from './types.js';

/** Cycle rows read per query; a page never splits a wave. */
export const CYCLES_PER_PAGE = 5000;

export async function runChecks(
  ranges: readonly WaveRange[],
  store: StateStore,
  ctx: PlanContext,
  config: EffectiveConfig,
  deps: PipelineDeps,
  report: CycleReport,
): Promise<void> {
  const kept = config.request.monitory_name_kept;
  const keptSet = new Set(kept);
  const pageSize = config.sync.digest_waves_per_query;
  for (let i = 0; i < ranges.length; i += RANGES_PER_QUERY) {
    const group = ranges.slice(i, i + RANGES_PER_QUERY);
    let from = group[0]?.[0] ?? ctx.lowerBound;
    const end = group[group.length - 1]?.[1] ?? NO_UPPER_BOUND;
    for (;;) {
      if (deps.signal?.aborted) {
        report.aborted = true;
        return;
      }
      const page = await timed(
        report.stages,
        'mysql_wait_ms',
        deps.source.readCheckedCycles(kept, group, from, pageSize),
      );
      const { cycles, next } = completeWaves(page, pageSize);
      const to = next === undefined ? end : next - 1;
      const digests = new Map<number, string>();
      for (const cycle of cycles) if (cycle.digest !== undefined) digests.set(cycle.wave, cycle.digest);
      report.checked += new Set(cycles.map((cycle) => cycle.wave)).size;
      const plan = planChecks(cycles, digests, store.states, keptSet, { ranges: group, from, to }, ctx);
      report.differed += plan.size;
      // Re-read in a later statement than the digest: the digest recorded is the one of the rows
      // actually read (see pivot.ts), so a measure arriving in between is written, not lost.
      if (plan.size > 0) await writeWaves(plan, store, config, deps, report);
      if (next === undefined || report.aborted) break;
      from = next;
    }
  }
}

/** Drops the last wave of a full page (it may continue on the next page) and says where to go on. */
export function completeWaves<T extends CycleRow>(
  page: T[],
  pageSize: number,
): { cycles: T[]; next: number | undefined } {
  if (page.length < pageSize) return { cycles: page, next: undefined };
  const last = page[page.length - 1]?.wave;
  const cycles = page.filter((cycle) => cycle.wave !== last);
  if (cycles.length === 0 || last === undefined) return { cycles: page, next: (last ?? 0) + 1 };
  return { cycles, next: last };
}
