// Pure: what a request does to a project, from what it would run and what exists now — either a
// verdict at once (unchanged) or the ordered steps of a transaction, whatever the orchestrator.
// Each step's compensation is in steps.ts; the runner performs the steps and, on failure,
// compensates in reverse.
import type { Outcome } from '../../intake/verdict.js';

/**
 * The steps, in the order they may appear. `hold` does nothing and its compensation restores the
 * orchestrator's previous state (the unit's drop-in and states, the previous objects); it comes
 * right after the reservation so that it is compensated last, once the folder is the previous one
 * again. `activate`, `await-ready` and `deactivate` are the orchestrator's; the rest are files.
 */
export const STEP_KINDS = [
  'reserve-verdict',
  'hold',
  'stage-folder',
  'swap-folder',
  'activate',
  'await-ready',
  'deactivate',
  'retire-folder',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What the creator found for the project before changing anything. */
export interface Existing {
  hasFolder: boolean;
  /** config_hash of the folder's project.json, when it has one. */
  folderHash: string | undefined;
  /** The orchestrator has objects of the project (a drop-in, a Deployment). */
  exists: boolean;
  /** What runs is exactly the new configuration (the orchestrator's judgement). */
  current: boolean;
  /** Its worker runs, or is being started (not stopped, not failed). */
  running: boolean;
}

export type Action = 'sync' | 'start' | 'record' | 'remove';

export type Decision =
  | { kind: 'verdict'; outcome: Outcome; reasons: string[] }
  | { kind: 'transaction'; action: Action; outcome: Outcome; steps: StepKind[] };

export function decideSync(configHash: string, existing: Existing): Decision {
  if (existing.current && existing.running) {
    if (existing.folderHash === configHash) {
      return { kind: 'verdict', outcome: 'unchanged', reasons: ['the configuration is the same as the running one'] };
    }
    // What runs is right but the folder says otherwise (lost, or older): only the folder is laid out again.
    return {
      kind: 'transaction',
      action: 'record',
      outcome: 'unchanged',
      steps: ['reserve-verdict', 'stage-folder', 'swap-folder'],
    };
  }
  if (existing.current) {
    // Same settings, but the worker is not running (stopped by hand, or failed): submitting again starts it.
    return {
      kind: 'transaction',
      action: 'start',
      outcome: 'started',
      steps: ['reserve-verdict', 'hold', 'activate', 'await-ready'],
    };
  }
  const isNew = !existing.hasFolder && !existing.exists;
  return {
    kind: 'transaction',
    action: 'sync',
    outcome: isNew ? 'started' : 'restarted',
    steps: ['reserve-verdict', 'hold', 'stage-folder', 'swap-folder', 'activate', 'await-ready'],
  };
}

export function decideRemoval(existing: Existing, database: string, known: readonly string[]): Decision {
  if (!existing.hasFolder && !existing.exists) {
    return {
      kind: 'verdict',
      outcome: 'rejected',
      reasons: [`there is no project ${database}; projects: ${known.length > 0 ? known.join(', ') : '(none)'}`],
    };
  }
  return {
    kind: 'transaction',
    action: 'remove',
    outcome: 'removed',
    steps: ['reserve-verdict', 'hold', 'deactivate', 'retire-folder'],
  };
}
