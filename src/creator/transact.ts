// Runs a decision about one request: a verdict at once, or a transaction whose success, failure
// and roll-back become the verdict, with the clean-up the daemon runs once the verdict is on disk.
import { join } from 'node:path';
import type { StateLayout } from '../intake/layout.js';
import type { Outcome, Verdict } from '../intake/verdict.js';
import { DROP_IN_FILE } from './project-files.js';
import type { Decision, Existing } from './transaction/decide.js';
import type { Host, NextConfig } from './transaction/host.js';
import type { Journal } from './transaction/journal.js';
import { abortTransaction, commitTransaction, releaseReserves, runTransaction } from './transaction/runner.js';
import { isRunning, type UnitSnapshot } from './unit-states.js';

export interface Handled {
  verdict: Verdict;
  /** Clean-up once the verdict is on disk: drops the previous folder, archives a removed one. */
  commit: () => Promise<void>;
  /** The verdict could not be written: the change is rolled back, so nothing runs without a verdict. */
  abort: () => Promise<void>;
}

export type Fields = { database: string | null; unit: string | null; action: 'sync' | 'remove' | null };
export type MakeVerdict = (
  outcome: Outcome,
  fields: Fields & { reasons: string[] },
  snapshot?: UnitSnapshot,
) => Verdict;
export const noop = (): Promise<void> => Promise.resolve();

export interface Observed {
  existing: Existing;
  snapshot: UnitSnapshot;
}

/** What exists now: the folder, the drop-in, the unit's enabled and active states. */
export async function observe(
  host: Host,
  unitDir: string,
  dir: string,
  unit: string,
  configHash: string | undefined,
): Promise<Observed> {
  const dropIn = await host.files.readTextIfExists(join(unitDir, `${unit}.d`, DROP_IN_FILE));
  const snapshot = await host.units.snapshot(unit);
  const existing: Existing = {
    hasFolder: await host.files.exists(dir),
    configHash,
    dropIn,
    enabled: await host.systemctl.isEnabled(unit),
    running: isRunning(snapshot),
  };
  return { existing, snapshot };
}

export interface Change {
  file: string;
  requestId: string;
  fields: { database: string; unit: string; action: 'sync' | 'remove' };
  decision: Decision;
  previous: Observed;
  next: NextConfig | undefined;
}

export async function transact(
  host: Host,
  layout: StateLayout,
  unitDir: string,
  change: Change,
  verdict: MakeVerdict,
): Promise<Handled> {
  const { decision, fields, previous } = change;
  if (decision.kind === 'verdict') {
    return {
      verdict: verdict(decision.outcome, { ...fields, reasons: decision.reasons }, previous.snapshot),
      commit: noop,
      abort: noop,
    };
  }
  const journal: Journal = {
    version: 2,
    request_id: change.requestId,
    request_file: change.file,
    action: decision.action,
    database: fields.database,
    unit: fields.unit,
    unit_dir: unitDir,
    projects_dir: layout.projects,
    previous: {
      had_project: previous.existing.hasFolder,
      drop_in: previous.existing.dropIn ?? null,
      enabled: previous.existing.enabled,
      active: previous.existing.running,
      invocation: previous.snapshot.InvocationID,
    },
    steps: decision.steps,
    started_at: new Date().toISOString(),
  };
  const result = await runTransaction(host, layout, journal, change.next);
  if (!result.ok) {
    return {
      verdict: verdict(result.outcome, { ...fields, reasons: result.reasons }, result.snapshot),
      commit: () => releaseReserves(host, layout, journal),
      abort: () => releaseReserves(host, layout, journal),
    };
  }
  const reasons =
    decision.action === 'start'
      ? [`the configuration is unchanged; the unit was ${previous.snapshot.ActiveState}, so it was started again`]
      : [];
  // Only for the verdict: a failure to look must not turn an applied change into a "nothing was changed".
  const snapshot = result.snapshot ?? (await host.units.snapshot(fields.unit).catch(() => undefined));
  return {
    verdict: verdict(decision.outcome, { ...fields, reasons }, snapshot),
    commit: () => commitTransaction(host, layout, journal),
    abort: async () => {
      const lines = await abortTransaction(host, layout, journal);
      host.logger.error(
        `the verdict of ${change.requestId} could not be written, so the change was undone: ${lines.join('; ')}`,
      );
    },
  };
}
