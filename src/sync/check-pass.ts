// The check pass of a cycle: cycle rows of the due waves, their digests computed by MySQL (one
// small row per wave), compared with the recorded ones; waves that differ are re-read or removed.
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
        'cycles_ms',
        deps.source.readCyclesIn(kept, group, from, CYCLES_PER_PAGE),
      );
      const { cycles, next } = completeWaves(page, CYCLES_PER_PAGE);
      const to = next === undefined ? end : next - 1;
      const waves = [...new Set(cycles.map((cycle) => cycle.wave))];
      const digests = new Map<number, string>();
      for (let w = 0; w < waves.length; w += config.sync.digest_waves_per_query) {
        const batch = waves.slice(w, w + config.sync.digest_waves_per_query);
        for (const [wave, digest] of await timed(report.stages, 'mysql_wait_ms', deps.source.readDigests(batch)))
          digests.set(wave, digest);
      }
      report.checked += waves.length;
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
export function completeWaves(page: CycleRow[], pageSize: number): { cycles: CycleRow[]; next: number | undefined } {
  if (page.length < pageSize) return { cycles: page, next: undefined };
  const last = page[page.length - 1]?.wave;
  const cycles = page.filter((cycle) => cycle.wave !== last);
  if (cycles.length === 0 || last === undefined) return { cycles: page, next: (last ?? 0) + 1 };
  return { cycles, next: last };
}
