// sd_notify for Node, which cannot send the datagram itself: each message is sent by a
// `systemd-notify` child (the unit needs NotifyAccess=all). systemd-notify waits until the
// manager processed the message, so a short-lived sender is not lost; messages go out one
// at a time, and only the newest pending STATUS is sent. node:child_process rather than execa:
// the worker, which sends these, then does not load execa at all (about 2.5 MB of its RSS).
import { execFile } from 'node:child_process';
import { redact } from '../logging/redact.js';

export interface Notifier {
  ready(status: string): Promise<void>;
  status(status: string): Promise<void>;
  watchdog(): Promise<void>;
  stopping(): Promise<void>;
  readonly enabled: boolean;
}

export function createNotifier(env: NodeJS.ProcessEnv = process.env, command = 'systemd-notify'): Notifier {
  const enabled = Boolean(env.NOTIFY_SOCKET);
  let chain: Promise<void> = Promise.resolve();
  let pendingStatus: string | undefined;

  let statusQueued = false;

  const send = (args: string[]): Promise<void> => {
    if (!enabled) return Promise.resolve();
    chain = chain.then(() => notify(args));
    return chain;
  };

  // A failed send (no systemd-notify, a timeout) is not the worker's failure: the next one says it again.
  const notify = (args: string[]): Promise<void> =>
    new Promise((resolve) => {
      execFile(command, args, { timeout: 10_000, env: { ...process.env, NOTIFY_SOCKET: env.NOTIFY_SOCKET } }, () =>
        resolve(),
      );
    });

  return {
    enabled,
    ready: (status) => send(['--ready', `--status=${oneLine(status)}`]),
    status(status) {
      pendingStatus = oneLine(status);
      if (!enabled || statusQueued) return chain;
      statusQueued = true;
      chain = chain.then(async () => {
        statusQueued = false;
        const latest = pendingStatus;
        pendingStatus = undefined;
        if (latest !== undefined) await notify([`--status=${latest}`]);
      });
      return chain;
    },
    watchdog: () => send(['WATCHDOG=1']),
    stopping: () => send(['STOPPING=1']),
  };
}

// Every STATUS= line leaves the process here (systemctl status shows it, verdicts quote it):
// the one place it is redacted, before it is cut to length so a cut cannot split a secret.
function oneLine(text: string): string {
  return redact(text).replace(/\s+/g, ' ').trim().slice(0, 500);
}
