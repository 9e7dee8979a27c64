// The orchestrator port on systemd: a project is its unit's drop-in and the unit's enabled and
// active states; activating writes the drop-in, reloads and (re)starts the unit; readiness is
// READY (`active` in a new invocation); the previous state is the drop-in and both states.
import { join } from 'node:path';
import { z } from 'zod';
import { DROP_IN_FILE, planDropIn } from '../../creator/project-files.js';
import { isRunning, type UnitSnapshot } from '../../creator/unit-states.js';
import { unitNameIssue } from '../../request/unit-name.js';
import { projectUnitName } from '../../systemd/escape.js';
import type { Observed, Orchestrator, Prepared, ProjectTarget, WorkerState } from '../port.js';
import { awaitUnitReady, restoreUnitStates, untouched, type SystemdHost } from './unit-control.js';

export type { SystemdHost } from './unit-control.js';

export type SystemdPrepared = Prepared & { dropIn: string };

/** What the project looked like before the request: the roll-back target. */
export const SystemdPreviousSchema = z.object({
  unit: z.string().min(1),
  drop_in: z.string().nullable(),
  enabled: z.boolean(),
  active: z.boolean(),
  /** The invocation that ran before: a unit still running it was never touched and is left alone. */
  invocation: z.string(),
});
export type SystemdPrevious = z.infer<typeof SystemdPreviousSchema>;

export interface SystemdOptions {
  /** Where drop-ins go: /etc/systemd/system. */
  unitDir: string;
  dropInTemplate: string;
  /** Where the secrets a drop-in loads live. */
  configDir: string;
  /** Today's unit_prefix, for a project that has no unit yet. */
  unitPrefix: string;
  /** The unit recorded in the project's folder: a project keeps the unit it was created with. */
  recordedUnit?: string | undefined;
}

export function stateOfUnit(snapshot: UnitSnapshot): WorkerState {
  return { activeState: snapshot.ActiveState, subState: snapshot.SubState, detail: snapshot.StatusText };
}

export function systemdOrchestrator(
  host: SystemdHost,
  options: SystemdOptions,
): Orchestrator<SystemdPrepared, SystemdPrevious> {
  const { files, systemctl } = host;
  const workerName = (database: string): string =>
    options.recordedUnit ?? projectUnitName(options.unitPrefix, database);
  const dropInDir = (unit: string): string => join(options.unitDir, `${unit}.d`);
  const dropInPath = (unit: string): string => join(dropInDir(unit), DROP_IN_FILE);
  const removeDropIn = async (unit: string): Promise<void> => {
    await files.removeFileIfExists(dropInPath(unit));
    await files.removeDirIfEmpty(dropInDir(unit));
  };

  return {
    kind: 'systemd',
    previousSchema: SystemdPreviousSchema,
    workerName,
    refusal(database: string, target: ProjectTarget | undefined): string | undefined {
      // A name systemd refuses is refused before systemctl is asked about it.
      if (options.recordedUnit === undefined) {
        const tooLong = unitNameIssue(options.unitPrefix, database);
        if (tooLong) return tooLong;
      }
      const unit = workerName(database);
      if (target && projectUnitName(target.effective.unitPrefix, database) !== unit) {
        return `unit_prefix: defaults.json says ${target.defaults.unit_prefix}, but ${database} runs as ${unit}; set unit_prefix back, or remove the project first`;
      }
      return undefined;
    },
    prepare(target: ProjectTarget): SystemdPrepared {
      const plan = planDropIn(target.request, target.effective, options.dropInTemplate, options.configDir);
      return { database: plan.database, worker: plan.unit, configHash: plan.configHash, dropIn: plan.dropIn };
    },
    async observe(database: string): Promise<Observed<SystemdPrevious>> {
      const unit = workerName(database);
      const dropIn = await files.readTextIfExists(dropInPath(unit));
      const snapshot = await host.units.snapshot(unit);
      const enabled = await systemctl.isEnabled(unit);
      const running = isRunning(snapshot);
      return {
        exists: dropIn !== undefined,
        running,
        state: stateOfUnit(snapshot),
        previous: { unit, drop_in: dropIn ?? null, enabled, active: running, invocation: snapshot.InvocationID },
      };
    },
    isCurrent(prepared, observed, folderHash): boolean {
      return folderHash === prepared.configHash && observed.previous.drop_in === prepared.dropIn;
    },
    async activate(prepared, previous): Promise<void> {
      const { unit } = previous;
      // The same drop-in (a stopped project submitted again) needs no reload.
      if (prepared.dropIn !== previous.drop_in) {
        await files.writeFileAtomic(dropInPath(unit), prepared.dropIn, 0o644);
        await host.reload();
      }
      await systemctl.enable(unit);
      if (previous.active) await systemctl.restart(unit);
      else {
        await systemctl.resetFailed(unit);
        await systemctl.start(unit);
      }
    },
    async withdraw(_database, previous): Promise<void> {
      // The new worker must not run on while the previous files are put back; restore starts the previous one.
      if (!(await untouched(host, previous))) await systemctl.stop(previous.unit);
    },
    async awaitReady(_prepared, previous) {
      return awaitUnitReady(host, previous.unit, previous.invocation);
    },
    async deactivate(_database, previous): Promise<void> {
      await systemctl.disableNow(previous.unit);
      await systemctl.resetFailed(previous.unit);
      await removeDropIn(previous.unit);
      await host.reload();
    },
    async restore(_database, previous): Promise<void> {
      if (previous.drop_in === null) await removeDropIn(previous.unit);
      else await files.writeFileAtomic(dropInPath(previous.unit), previous.drop_in, 0o644);
      await restoreUnitStates(host, previous);
    },
    rolledBack(database, previous, hadFolder): string {
      if (!hadFolder && previous.drop_in === null)
        return `rolled back: no unit and no folder were left for ${database}`;
      const state = previous.active
        ? 'running as before'
        : `not running, as before${previous.enabled ? '' : ', and disabled, as before'}`;
      return `rolled back: ${previous.unit} has its previous configuration, ${state}`;
    },
  };
}
