// Runs a decision about one request: a verdict at once, or a transaction whose success, failure
// and roll-back become the verdict, with the clean-up the daemon runs once the verdict is on disk.
import type { StateLayout } from '../intake/layout.js';
import type { Outcome, Verdict } from '../intake/verdict.js';
import type { Observed, WorkerState } from '../orchestrator/port.js';
import type { Decision } from './transaction/decide.js';
import type { Host, NextConfig } from './transaction/host.js';
import type { Journal } from './transaction/journal.js';
import { abortTransaction, commitTransaction, releaseReserves, runTransaction } from './transaction/runner.js';

export interface Handled {
  verdict: Verdict;
  /** Clean-up once the verdict is on disk: drops the previous folder, archives a removed one. */
  commit: () => Promise<void>;
  /** The verdict could not be written: the change is rolled back, so nothing runs without a verdict. */
  abort: () => Promise<void>;
}

export type Fields = { database: string | null; unit: string | null; action: 'sync' | 'remove' | null };
export type MakeVerdict = (outcome: Outcome, fields: Fields & { reasons: string[] }, worker?: WorkerState) => Verdict;
export const noop = (): Promise<void> => Promise.resolve();

export interface Change {
  file: string;
  requestId: string;
  fields: { database: string; unit: string; action: 'sync' | 'remove' };
  decision: Decision;
  hadFolder: boolean;
  observed: Observed<unknown>;
  next: NextConfig | undefined;
}

export async function transact(
  host: Host,
  layout: StateLayout,
  change: Change,
  verdict: MakeVerdict,
): Promise<Handled> {
  const { decision, fields, observed } = change;
  if (decision.kind === 'verdict') {
    return {
      verdict: verdict(decision.outcome, { ...fields, reasons: decision.reasons }, observed.state),
      commit: noop,
      abort: noop,
    };
  }
  const journal: Journal = {
    version: 3,
    orchestrator: host.orchestrator.kind,
    request_id: change.requestId,
    request_file: change.file,
    action: decision.action,
    database: fields.database,
    worker: fields.unit,
    projects_dir: layout.projects,
    had_folder: change.hadFolder,
    previous: observed.previous,
    steps: decision.steps,
    started_at: new Date().toISOString(),
  };
  const result = await runTransaction(host, layout, journal, change.next);
  if (!result.ok) {
    return {
      verdict: verdict(result.outcome, { ...fields, reasons: result.reasons }, result.worker),
      commit: () => releaseReserves(host, layout, journal),
      abort: () => releaseReserves(host, layout, journal),
    };
  }
  const reasons =
    decision.action === 'start'
      ? [`the configuration is unchanged; the unit was ${observed.state.activeState}, so it was started again`]
      : decision.action === 'record'
        ? ['the configuration is the same as the running one; its project folder was laid out again']
        : [];
  // Only for the verdict: a failure to look must not turn an applied change into a "nothing was changed".
  const worker =
    result.worker ??
    (decision.action === 'record'
      ? observed.state
      : await host.orchestrator
          .observe(fields.database)
          .then((now) => now.state)
          .catch(() => undefined));
  return {
    verdict: verdict(decision.outcome, { ...fields, reasons }, worker),
    commit: () => commitTransaction(host, layout, journal),
    abort: async () => {
      const lines = await abortTransaction(host, layout, journal);
      host.logger.error(
        `the verdict of ${change.requestId} could not be written, so the change was undone: ${lines.join('; ')}`,
      );
    },
  };
}
