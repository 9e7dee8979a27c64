// The one-line status a worker shows in `systemctl status`. Pure.
import { describeError } from '../errors.js';
import type { CycleReport } from './cycle.js';

export function cycleStatus(report: CycleReport, failures: number): string {
  const wave =
    report.lastWave === null
      ? 'no wave synced yet'
      : `last wave ${report.lastWave} (lag ${report.lagSeconds ?? '?'} s)`;
  return `ok: ${wave}, ${report.documents} document(s) in the last cycle, ${failures} error(s) since start`;
}

export function failureStatus(error: unknown, retryInSeconds: number, failures: number): string {
  return `failing: ${describeError(error)} (retry in ${Math.round(retryInSeconds)} s, ${failures} failure(s) in a row)`;
}
