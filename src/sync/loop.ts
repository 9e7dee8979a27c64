// The worker's loop: a cycle, then sleep_time seconds from the end of its new waves (the checks and
// retention after them run within that time); on failure, log and retry with backoff.
// Stops between chunks when its signal aborts; checkpoints only ever cover acknowledged writes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EffectiveConfig } from '../config/effective.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { Backoff } from './backoff.js';
import { releaseMemory, releaseMemoryWhenSlack } from './gc.js';
import { runCycle, type CycleMemory, type CycleReport } from './cycle.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';

export interface LoopHooks {
  onCycle?(report: CycleReport): void;
  onFailure?(error: unknown, retryInSeconds: number, failures: number): void;
}

export interface LoopDeps {
  source: Source;
  sink: Sink;
  logger: Logger;
  signal: AbortSignal;
  hooks?: LoopHooks;
}

const RELEASE_AFTER_DOCUMENTS = 500;

export async function runSyncLoop(config: EffectiveConfig, deps: LoopDeps): Promise<void> {
  const backoff = new Backoff(config.sync.retry_initial_seconds, config.sync.retry_max_seconds);
  // When the last check pass ran, so that it need not be written to MongoDB every cycle.
  const memory: CycleMemory = {};
  while (!deps.signal.aborted) {
    let pause = config.request.sleep_time;
    try {
      const report = await runCycle(config, { ...deps, memory });
      pause = pauseAfter(config.request.sleep_time, report);
      if (backoff.failures > 0) deps.logger.info('sync recovered', { after_failures: backoff.failures });
      backoff.reset();
      logCycle(deps.logger, report, config.debug || config.logLevel === 'debug');
      deps.hooks?.onCycle?.(report);
      // A cycle that wrote this much was a backfill (or a large catch-up): what it promoted is garbage now.
      if (report.documents >= RELEASE_AFTER_DOCUMENTS) releaseMemory();
      else releaseMemoryWhenSlack();
    } catch (error) {
      if (deps.signal.aborted) break;
      pause = backoff.next();
      deps.logger.error(`sync cycle failed: ${describeError(error)}`, {
        failures: backoff.failures,
        retry_in_s: Number(pause.toFixed(1)),
      });
      deps.hooks?.onFailure?.(error, pause, backoff.failures);
    }
    await sleep(pause * 1000, undefined, { signal: deps.signal }).catch(() => undefined);
  }
}

/**
 * Seconds until the next cycle: sleep_time from the moment the cycle's new waves were in MongoDB.
 * A new wave committed just after a cycle read the new ones would otherwise wait for that cycle's
 * checks and retention too (measured: 7.8 s at p95 with sleep_time 5, against ≤ sleep_time + 1 s).
 */
export function pauseAfter(sleepTime: number, report: Pick<CycleReport, 'afterNewWavesMs'>): number {
  return Math.max(0, sleepTime - report.afterNewWavesMs / 1000);
}

/** One line per cycle; in debug mode with the milliseconds of each stage. */
export function logCycle(logger: Logger, report: CycleReport, withStages = false): void {
  const fields = {
    waves: report.waves,
    rows: report.rows,
    documents: report.documents,
    inserted: report.inserted,
    replaced: report.replaced,
    deleted: report.deleted,
    checked: report.checked,
    differed: report.differed,
    touched: report.touched,
    last_wave: report.lastWave ?? undefined,
    lag_s: report.lagSeconds ?? undefined,
    ms: report.ms,
    ...(withStages ? { ...report.stages, ...memoryFields() } : {}),
  };
  // A quiet cycle is routine; only cycles that changed something are worth a line at info.
  if (report.documents > 0 || report.deleted > 0) logger.info('cycle synced', fields);
  else logger.debug('cycle idle', fields);
}

/** The process's memory in MB, for debug lines: where a worker's RSS goes between cycles. */
function memoryFields(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;
  return {
    rss_mb: mb(m.rss),
    heap_used_mb: mb(m.heapUsed),
    heap_total_mb: mb(m.heapTotal),
    external_mb: mb(m.external),
  };
}
