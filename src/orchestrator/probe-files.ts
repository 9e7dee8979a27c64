// READY and the watchdog for orchestrators that probe files instead of listening to sd_notify
// (Kubernetes exec probes): the ready file exists exactly while the worker is READY, the alive
// file is touched at every watchdog ping. Added to the systemd notifier, never instead of it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notifier } from '../systemd/notify.js';

export function withProbeFiles(notifier: Notifier, env: NodeJS.ProcessEnv = process.env): Notifier {
  const readyFile = env.DB_PROXY_READY_FILE || undefined;
  const aliveFile = env.DB_PROXY_ALIVE_FILE || undefined;
  if (!readyFile && !aliveFile) return notifier;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  // The pod's volume outlives a restarted container: a stale file would call the new one ready at once.
  if (readyFile) rmSync(readyFile, { force: true });
  if (aliveFile) write(aliveFile, `${new Date().toISOString()}\n`);
  return {
    enabled: true,
    async ready(status) {
      if (readyFile) write(readyFile, `${status}\n`);
      await notifier.ready(status);
    },
    status: (status) => notifier.status(status),
    async watchdog() {
      if (aliveFile) write(aliveFile, `${new Date().toISOString()}\n`);
      await notifier.watchdog();
    },
    async stopping() {
      if (readyFile) rmSync(readyFile, { force: true });
      await notifier.stopping();
    },
  };
}
