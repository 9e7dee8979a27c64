// What the creator does to a project, whatever runs its worker: prepare what would run, observe
// what runs now, activate the new configuration, observe its readiness, deactivate a removed
// project, restore the previous state. An adapter (systemd units, Kubernetes Deployments) says how.
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
  /** One line for the operator: what the worker or its orchestrator says. */
  detail: string;
}

export interface Prepared {
  database: string;
  /** The worker as operators name it: `db-proxy@x.service`, `deployment/db-proxy-x-…`. */
  worker: string;
  configHash: string;
}

export interface Observed<Previous> {
  /** The hash of what runs now; null when nothing of the project exists. */
  configHash: string | null;
  /** Everything of the project exists (an object deleted by hand makes this false). */
  complete: boolean;
  state: WorkerState;
  /** What restore() needs to put the project back; JSON, kept in the creator's journal. */
  previous: Previous;
}

export type Readiness = { state: 'ready' | 'failed' | 'pending'; worker: WorkerState };

export interface Orchestrator<P extends Prepared, Previous> {
  readonly kind: 'systemd' | 'kubernetes';
  /** Reads the previous state from a journal written by an earlier creator. */
  readonly previousSchema: z.ZodType<Previous>;
  workerName(database: string): string;
  /** Pure: what would run for this target, and its hash. Throws when it cannot be built. */
  prepare(target: ProjectTarget): P;
  observe(database: string): Promise<Observed<Previous>>;
  /** Makes the prepared configuration the one that runs. */
  activate(prepared: P): Promise<void>;
  /** Waits until the activated worker is ready or failed, or the adapter's deadline passed (pending). */
  awaitReady(prepared: P): Promise<Readiness>;
  /** Stops and removes the project's worker. */
  deactivate(database: string): Promise<void>;
  /** Puts back what `observe` found (removes everything when nothing existed). */
  restore(database: string, previous: Previous): Promise<void>;
}
