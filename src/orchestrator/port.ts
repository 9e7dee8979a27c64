// What the creator does to a project, whatever runs its worker: prepare what would run, observe
// what runs now, activate the new configuration, observe its readiness, deactivate a removed
// project, restore the previous state. An adapter (systemd units, Kubernetes Deployments) says
// how; the transaction around it (journal, steps, roll-back, recovery, verdict) is the creator's.
import type { z } from 'zod';
import type { Defaults } from '../config/defaults-schema.js';
import type { EffectiveConfig } from '../config/effective.js';
import type { Request } from '../request/schema.js';

export interface ProjectTarget {
  request: Request;
  effective: EffectiveConfig;
  defaults: Defaults;
}

/** The worker's state as status, the monitor and the verdicts show it (systemd's words). */
export interface WorkerState {
  /** `active`, `activating`, `inactive`, `failed`, or `unknown`. */
  activeState: string;
  subState: string;
  /** One line for the operator: what the worker or its orchestrator says; '' when nothing. */
  detail: string;
}

export interface Prepared {
  database: string;
  /** The worker as operators name it: `db-proxy@x.service`, `deployment/db-proxy-x-…`. */
  worker: string;
  configHash: string;
}

export interface Observed<Previous> {
  /** Any of the project's objects exists (a unit's drop-in, a ConfigMap or a Deployment). */
  exists: boolean;
  /** Its worker runs, or is being started, by the orchestrator (not failed, not stopped). */
  running: boolean;
  state: WorkerState;
  /** What restore() needs to put the project back; JSON, kept in the creator's journal. */
  previous: Previous;
}

export type Readiness =
  | { state: 'ready'; worker: WorkerState }
  /** `rejected`: the worker found its configuration unusable (its preflight); `failed`: anything else. */
  | { state: 'failed' | 'rejected'; worker: WorkerState; reasons: string[] };

export interface Orchestrator<P extends Prepared = Prepared, Previous = unknown> {
  readonly kind: 'systemd' | 'kubernetes';
  /** Reads the previous state back from a journal written by an earlier creator. */
  readonly previousSchema: z.ZodType<Previous>;
  workerName(database: string): string;
  /** A reason this orchestrator cannot run the project at all (before anything is looked at). */
  refusal(database: string, target: ProjectTarget | undefined): string | undefined;
  /** Pure: what would run for this target, and its hash. Throws when it cannot be built. */
  prepare(target: ProjectTarget): P;
  observe(database: string): Promise<Observed<Previous>>;
  /** Pure: what observe found runs exactly the prepared configuration. */
  isCurrent(prepared: P, observed: Observed<Previous>, folderHash: string | undefined): boolean;
  /** Makes the prepared configuration the one that runs (starting a stopped worker). */
  activate(prepared: P, previous: Previous): Promise<void>;
  /**
   * Undoes activate as far as the project folder needs before it is put back: stops a worker
   * that activate started (restore then starts the previous one). Correct whether activate ran,
   * ran half-way or not at all.
   */
  withdraw(database: string, previous: Previous): Promise<void>;
  /** Waits until the activated worker is ready, or says why it is not (within the adapter's deadline). */
  awaitReady(prepared: P, previous: Previous): Promise<Readiness>;
  /** Stops and removes the project's worker. */
  deactivate(database: string, previous: Previous): Promise<void>;
  /** Puts back what `observe` found (removes everything when nothing existed); idempotent. */
  restore(database: string, previous: Previous): Promise<void>;
  /** The verdict's line on what a roll-back left. */
  rolledBack(database: string, previous: Previous, hadFolder: boolean): string;
}
