// Each step of a transaction and its compensation: the project folder's own, and the
// orchestrator's (activate, await-ready, deactivate, and hold, whose compensation restores the
// orchestrator's previous state). Compensations are idempotent and correct even when their step
// never ran or ran half-way, so recovery after a crash may run all of them.
import { join } from 'node:path';
import type { Readiness, WorkerState } from '../../orchestrator/port.js';
import { VERDICT_RESERVE_BYTES, type Host, type NextConfig, type Paths } from './host.js';
import type { Journal } from './journal.js';
import type { StepKind } from './decide.js';

/** A step that failed with a verdict of its own: `rejected` when the worker found its configuration unusable. */
export class StepFailure extends Error {
  constructor(
    readonly outcome: 'failed' | 'rejected',
    readonly reasons: string[],
    readonly worker?: WorkerState,
  ) {
    super(reasons.join('; '));
  }
}

export interface StepContext {
  host: Host;
  journal: Journal;
  /** The orchestrator's previous state, as its adapter reads it from the journal. */
  previous: unknown;
  paths: Paths;
  next: NextConfig | undefined;
}

function needNext(ctx: StepContext): NextConfig {
  if (!ctx.next) throw new Error(`the step needs the new configuration, and ${ctx.journal.action} has none`);
  return ctx.next;
}

/** Performs one step; returns the worker's state when the step observed it. */
export async function perform(kind: StepKind, ctx: StepContext): Promise<WorkerState | undefined> {
  const { files, orchestrator } = ctx.host;
  const { paths, journal, previous } = ctx;
  switch (kind) {
    case 'reserve-verdict':
      for (const path of paths.reserves) await files.reserveFile(path, VERDICT_RESERVE_BYTES);
      return;
    case 'hold':
      return;
    case 'stage-folder':
      await files.removeTree(paths.staging);
      for (const [name, text] of Object.entries(needNext(ctx).files)) {
        await files.writeFileAtomic(join(paths.staging, name), text, 0o640);
      }
      return;
    case 'swap-folder':
      if (await files.exists(paths.dir)) {
        await files.removeTree(paths.previous);
        await files.move(paths.dir, paths.previous);
      }
      await files.move(paths.staging, paths.dir);
      return;
    case 'retire-folder':
      if (await files.exists(paths.dir)) {
        await files.removeTree(paths.removed);
        await files.move(paths.dir, paths.removed);
      }
      return;
    case 'activate':
      await orchestrator.activate(needNext(ctx).prepared, previous);
      return;
    case 'deactivate':
      await orchestrator.deactivate(journal.database, previous);
      return;
    case 'await-ready':
      return ready(await orchestrator.awaitReady(needNext(ctx).prepared, previous));
  }
}

/** Accepted only once the new worker is ready; otherwise the adapter's words become the verdict. */
function ready(readiness: Readiness): WorkerState {
  if (readiness.state === 'ready') return readiness.worker;
  throw new StepFailure(readiness.state, readiness.reasons, readiness.worker);
}

/** Undoes one step (whether it ran, ran half-way or not at all). */
export async function compensate(kind: StepKind, ctx: StepContext): Promise<void> {
  const { files, orchestrator } = ctx.host;
  const { paths, journal, previous } = ctx;
  switch (kind) {
    case 'reserve-verdict':
      for (const path of paths.reserves) await files.removeFileIfExists(path);
      return;
    case 'hold':
      return orchestrator.restore(journal.database, previous);
    case 'stage-folder':
      await files.removeTree(paths.staging);
      return;
    case 'swap-folder':
      if (await files.exists(paths.previous)) {
        await files.removeTree(paths.dir);
        await files.move(paths.previous, paths.dir);
      } else if (!journal.had_folder) {
        await files.removeTree(paths.dir);
      }
      return;
    case 'retire-folder':
      if ((await files.exists(paths.removed)) && !(await files.exists(paths.dir)))
        await files.move(paths.removed, paths.dir);
      await files.removeTree(paths.removed);
      return;
    case 'activate':
      // Before the previous folder is put back; hold's compensation brings the previous worker back.
      return orchestrator.withdraw(journal.database, previous);
    case 'await-ready':
    case 'deactivate':
      // Put back by hold's compensation, which runs last.
      return;
  }
}
