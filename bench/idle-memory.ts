// The worker's memory once a backfill is over: the looping `db-proxy sync` (the worker's loop, the
// product's node flags) backfills the data set into a fresh MongoDB database, then idles; its RSS
// is read after `idleSeconds` without work, beside the V8 figures of its last debug cycle line.
// Then a new process starts on the synced database (a restarted worker: nothing to backfill) and
// its idle RSS is read the same way. Both run with the worker unit's environment (PRODUCT_ENV).
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';
import { startChild } from './child.ts';
import type { Dataset } from './dataset.ts';
import { PRODUCT_ENV, productArgs, setUpProduct } from './product.ts';

export interface IdleMemory {
  /** VmRSS after the idle time, kB. */
  idleRssKb: number;
  /** VmHWM at that moment (the backfill's peak), kB. */
  peakRssKb: number;
  /** The process's own figures (rss, heap used and total, external, MB) from its last cycle line. */
  selfReport: string;
  backfillMs: number;
  /** VmRSS of a process started afterwards on the synced database, after the same idle time, kB. */
  freshIdleRssKb: number;
  /** That process's own figures from its last cycle line. */
  freshSelfReport: string;
}

const LOG_MEMORY = /rss_mb=[\d.]+ heap_used_mb=[\d.]+ heap_total_mb=[\d.]+ external_mb=[\d.]+/g;

async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
}

export async function measureIdleMemory(
  cli: string,
  dataset: Dataset,
  mongoUrl: string,
  options: {
    idleSeconds: number;
    extraDefaults: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
    nodeArgs?: readonly string[];
  },
): Promise<IdleMemory> {
  // log_level debug: every cycle logs a line, with the process's memory figures.
  const setup = await setUpProduct(dataset, mongoUrl, { ...options.extraDefaults, log_level: 'debug' }, 5);
  // Runs the loop until its first idle cycle (after `synced` when it backfills), then idles.
  const idleRun = async (backfills: boolean) => {
    const running = startChild(process.execPath, productArgs(cli, setup, false, options.nodeArgs), {
      env: { ...process.env, ...PRODUCT_ENV, ...options.env },
    });
    try {
      const started = performance.now();
      const output = (): string => running.stdout() + running.stderr();
      const ready = backfills ? /cycle synced[\s\S]*cycle idle/ : /cycle idle/;
      while (!ready.test(output())) {
        if (running.child.exitCode !== null) throw new Error(`db-proxy sync exited early: ${output().slice(-2000)}`);
        if (performance.now() - started > 600_000) throw new Error('the loop had no idle cycle within 10 minutes');
        await sleep(200);
      }
      const readyMs = performance.now() - started;
      await sleep(options.idleSeconds * 1000);
      const idleRssKb = await statusKb(running.pid, 'VmRSS');
      const peakRssKb = await statusKb(running.pid, 'VmHWM');
      const lines = output().match(LOG_MEMORY) ?? [];
      return { idleRssKb, peakRssKb, selfReport: lines[lines.length - 1] ?? '(no memory figures logged)', readyMs };
    } finally {
      running.kill('SIGTERM');
      await running.done;
    }
  };
  try {
    const afterBackfill = await idleRun(true);
    const fresh = await idleRun(false);
    return {
      idleRssKb: afterBackfill.idleRssKb,
      peakRssKb: afterBackfill.peakRssKb,
      selfReport: afterBackfill.selfReport,
      backfillMs: afterBackfill.readyMs,
      freshIdleRssKb: fresh.idleRssKb,
      freshSelfReport: fresh.selfReport,
    };
  } finally {
    await setup.dropMongo();
  }
}
