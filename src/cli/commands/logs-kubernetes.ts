// `db-proxy logs` with the Kubernetes backend: a worker's lines are in its pod's log, which the
// kubelet serves and the creator's Role may not read; the command says which kubectl call shows
// them instead of guessing at a journal that has none of them.
import { resourceName } from '../../orchestrator/kubernetes/manifests.js';

export interface LogFlags {
  follow?: boolean;
  priority?: string;
  since?: string;
  lines?: string;
}

/** A duration as kubectl's --since takes it (journalctl's "1 hour ago" is not one). */
const KUBECTL_DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;

/** The kubectl command showing a project's worker log, and notes on the flags it cannot carry over; pure. */
export function kubectlLogs(
  namespace: string,
  database: string,
  flags: LogFlags,
): { command: string[]; notes: string[] } {
  const command = ['kubectl', '-n', namespace, 'logs', `deployment/${resourceName(database)}`];
  const notes: string[] = [];
  if (flags.follow) command.push('-f');
  if (flags.lines) command.push(`--tail=${flags.lines}`);
  if (flags.since) {
    if (flags.since !== '' && KUBECTL_DURATION.test(flags.since)) command.push(`--since=${flags.since}`);
    else notes.push(`--since ${flags.since}: kubectl takes a duration (--since=1h) or --since-time=<RFC 3339 time>`);
  }
  if (flags.priority) {
    notes.push(
      `--priority ${flags.priority}: kubectl cannot filter by priority; each line names its level (error, warn, info, debug)`,
    );
  }
  return { command, notes };
}
