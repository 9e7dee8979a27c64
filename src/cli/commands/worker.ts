// `db-proxy worker <project-dir>`: the sync of one project as a systemd service (Type=notify):
// READY once MySQL and MongoDB answer, a STATUS line kept current, stop on SIGTERM.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { loadProject } from '../../config/load-project.js';
import { ExitCode, describeError } from '../../errors.js';
import { createLogger } from '../../logging/logger.js';
import { redact } from '../../logging/redact.js';
import { readRequestFile } from '../../request/read.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

export const PROJECT_REQUEST_FILE = 'request.json';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the sync of a project folder as a systemd service (used by db-proxy@.service)')
    .argument('<project-dir>', 'the project folder written by the creator')
    .action(async (dir: string, _options: unknown, command: Command) => {
      const { configDir } = globalOptions(command);
      const request = await readRequestFile(join(dir, PROJECT_REQUEST_FILE));
      const project = await loadProject(request, configDir);
      const [{ connectProject }, { runSyncLoop }, { Backoff }, { createNotifier }, status] = await Promise.all([
        import('../../sync/connect.js'),
        import('../../sync/loop.js'),
        import('../../sync/backoff.js'),
        import('../../systemd/notify.js'),
        import('../../sync/status-line.js'),
      ]);
      const logger = createLogger({ level: project.config.logLevel }).child({ project: request.database });
      const notifier = createNotifier();
      const { source, sink } = connectProject(project);
      const shutdown = onShutdown(() => process.exit(ExitCode.ok));
      try {
        // READY only once both databases answer: `systemctl start` then means "syncing".
        const backoff = new Backoff(project.config.sync.retry_initial_seconds, project.config.sync.retry_max_seconds);
        while (!shutdown.signal.aborted) {
          try {
            await Promise.all([source.ping(), sink.ping()]);
            break;
          } catch (error) {
            const wait = backoff.next();
            logger.error(`waiting for the databases: ${describeError(error)}`, { retry_in_s: Number(wait.toFixed(1)) });
            await notifier.status(redact(`starting: ${describeError(error)} (retry in ${Math.round(wait)} s)`));
            await sleep(wait * 1000, undefined, { signal: shutdown.signal }).catch(() => undefined);
          }
        }
        if (shutdown.signal.aborted) return;
        logger.info('worker ready', {
          server: request.server,
          measures: request.measures,
          sleep_s: request.sleep_time,
        });
        await notifier.ready('ready: MySQL and MongoDB answer; first cycle under way');
        let failures = 0;
        await runSyncLoop(project.config, {
          source,
          sink,
          logger,
          signal: shutdown.signal,
          hooks: {
            onCycle: (report) => void notifier.status(status.cycleStatus(report, failures)),
            onFailure: (error, retry, inARow) => {
              failures += 1;
              void notifier.status(redact(status.failureStatus(error, retry, inARow)));
            },
          },
        });
        await notifier.stopping();
        logger.info('worker stopped');
      } finally {
        shutdown.dispose();
        await Promise.allSettled([source.close(), sink.close()]);
      }
    });
}
