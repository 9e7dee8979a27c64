// Runs a transaction: writes its journal (durably) first, performs the steps in order and, when
// one fails, runs the compensations of the steps done and of the failed one, in reverse. The
// only place that knows about crashes: recovery (recover.ts) compensates from the journal.
import { describeError } from '../../errors.js';
import type { StateLayout } from '../../intake/layout.js';
import type { WorkerState } from '../../orchestrator/port.js';
import type { StepKind } from './decide.js';
import { pathsOf, type Host, type NextConfig } from './host.js';
import { journalPath, writeJournal, type Journal } from './journal.js';
import { StepFailure, compensate, perform, type StepContext } from './steps.js';

export type RunResult =
  | { ok: true; worker: WorkerState | undefined }
  | { ok: false; outcome: 'failed' | 'rejected'; reasons: string[]; worker: WorkerState | undefined };

function contextOf(host: Host, layout: StateLayout, journal: Journal, next: NextConfig | undefined): StepContext {
  // The journal was written by this orchestrator's adapter: its schema reads the previous state back.
  const previous: unknown = host.orchestrator.previousSchema.parse(journal.previous);
  return { host, journal, previous, paths: pathsOf(layout, journal), next };
}

export async function runTransaction(
  host: Host,
  layout: StateLayout,
  journal: Journal,
  next: NextConfig | undefined,
): Promise<RunResult> {
  const ctx = contextOf(host, layout, journal, next);
  try {
    await writeJournal(host.files, layout.inflight, journal);
  } catch (error) {
    await host.files.removeFileIfExists(journalPath(layout.inflight, journal.database)).catch(() => undefined);
    return {
      ok: false,
      outcome: 'failed',
      reasons: [`nothing was changed: the journal cannot be written: ${describeError(error)}`],
      worker: undefined,
    };
  }
  let worker: WorkerState | undefined;
  for (const [index, kind] of journal.steps.entries()) {
    try {
      worker = (await perform(kind, ctx)) ?? worker;
    } catch (error) {
      const failure = error instanceof StepFailure ? error : undefined;
      // The reserved space stays until the verdict of the failure is written (commit releases it).
      const done = journal.steps.slice(0, index + 1);
      const rolledBack = await rollBack(ctx, index === 0 ? done : done.filter((step) => step !== 'reserve-verdict'));
      // A full disk is found before anything changed: the reservation is the first durable step.
      const reasons =
        kind === 'reserve-verdict'
          ? [`nothing was changed: there is no room for the verdict: ${describeError(error)}`, ...rolledBack.slice(1)]
          : [...(failure?.reasons ?? [`${kind} failed: ${describeError(error)}`]), ...rolledBack];
      return { ok: false, outcome: failure?.outcome ?? 'failed', reasons, worker: failure?.worker };
    }
  }
  return { ok: true, worker };
}

/**
 * Compensates `steps` in reverse; each runs even when an earlier one failed. The journal is
 * dropped only when all succeeded (otherwise the next start tries again). One line per step
 * that failed, after a summary line, for the verdict.
 */
export async function rollBack(ctx: StepContext, steps: readonly StepKind[]): Promise<string[]> {
  const lines: string[] = [];
  for (const kind of [...steps].reverse()) {
    try {
      await compensate(kind, ctx);
    } catch (error) {
      lines.push(`roll-back step failed (${kind}): ${describeError(error)}`);
      ctx.host.logger.error(`roll-back of ${ctx.journal.database}: ${kind} failed: ${describeError(error)}`);
    }
  }
  if (lines.length === 0) {
    await ctx.host.files.removeFileIfExists(journalPath(ctx.paths.inflight, ctx.journal.database));
  }
  const { journal, previous } = ctx;
  lines.unshift(
    steps.includes('hold')
      ? ctx.host.orchestrator.rolledBack(journal.database, previous, journal.had_folder)
      : `rolled back: ${journal.worker} was left as it was`,
  );
  return lines;
}

/** Recovery: compensates every planned step of a journal a killed creator left. */
export async function rollBackJournal(host: Host, layout: StateLayout, journal: Journal): Promise<string[]> {
  return rollBack(contextOf(host, layout, journal, undefined), journal.steps);
}

/** The verdict is on disk: drop what a roll-back would have needed; a removed project's folder is archived. */
export async function commitTransaction(host: Host, layout: StateLayout, journal: Journal): Promise<void> {
  const { files } = host;
  const paths = pathsOf(layout, journal);
  if (journal.action === 'remove' && (await files.exists(paths.removed))) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
    await files.move(paths.removed, `${layout.archive}/${journal.database}-${stamp}`);
  }
  await files.removeTree(paths.previous);
  await files.removeTree(paths.staging);
  for (const path of paths.reserves) await files.removeFileIfExists(path);
  await files.removeFileIfExists(journalPath(layout.inflight, journal.database));
}

/** The verdict of a failure is on disk: the space reserved for it is released. */
export async function releaseReserves(host: Host, layout: StateLayout, journal: Journal): Promise<void> {
  for (const path of pathsOf(layout, journal).reserves) await host.files.removeFileIfExists(path);
}

/** Puts everything back after a success whose verdict could not be written. */
export async function abortTransaction(host: Host, layout: StateLayout, journal: Journal): Promise<string[]> {
  return rollBackJournal(host, layout, journal);
}
