// Pure: what a request does to a project, from the request's plan and what exists now — either a
// verdict at once (unchanged) or the ordered steps of a transaction. Each step's compensation is
// in steps.ts; the runner performs the steps and, on failure, compensates in reverse.
import type { Outcome } from '../../intake/verdict.js';

/**
 * The steps, in the order they may appear. `hold-unit` does nothing and its compensation puts the
 * unit's enabled and active states back; it comes right after the reservation so that it is
 * compensated last, once the folder and the drop-in are the previous ones again.
 */
export const STEP_KINDS = [
  'reserve-verdict',
  'hold-unit',
  'stage-folder',
  'swap-folder',
  'write-drop-in',
  'disable-stop',
  'remove-drop-in',
  'daemon-reload',
  'retire-folder',
  'enable',
  'start',
  'restart',
  'await-ready',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What the creator found for the project before changing anything. */
export interface Existing {
  hasFolder: boolean;
  /** config_hash of the folder's project.json, when it has one. */
  configHash: string | undefined;
  dropIn: string | undefined;
  enabled: boolean;
  /** Active (or starting, or reloading) and not waiting for an automatic restart. */
  running: boolean;
}

export type Decision =
  | { kind: 'verdict'; outcome: Outcome; reasons: string[] }
  | { kind: 'transaction'; action: 'sync' | 'start' | 'remove'; outcome: Outcome; steps: StepKind[] };

export function decideSync(next: { configHash: string; dropIn: string }, existing: Existing): Decision {
  const same = existing.configHash === next.configHash && existing.dropIn === next.dropIn;
  if (same && existing.running) {
    return { kind: 'verdict', outcome: 'unchanged', reasons: ['the configuration is the same as the running one'] };
  }
  if (same) {
    // Same settings, but the unit is not running (stopped by hand, or failed): submitting again starts it.
    return {
      kind: 'transaction',
      action: 'start',
      outcome: 'started',
      steps: ['reserve-verdict', 'hold-unit', 'enable', 'start', 'await-ready'],
    };
  }
  const isNew = !existing.hasFolder && existing.dropIn === undefined;
  return {
    kind: 'transaction',
    action: 'sync',
    outcome: isNew ? 'started' : 'restarted',
    steps: [
      'reserve-verdict',
      'hold-unit',
      'stage-folder',
      'swap-folder',
      'write-drop-in',
      'daemon-reload',
      'enable',
      existing.running ? 'restart' : 'start',
      'await-ready',
    ],
  };
}

export function decideRemoval(existing: Existing, database: string, known: readonly string[]): Decision {
  if (!existing.hasFolder && existing.dropIn === undefined) {
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
    steps: ['reserve-verdict', 'hold-unit', 'disable-stop', 'remove-drop-in', 'daemon-reload', 'retire-folder'],
  };
}
