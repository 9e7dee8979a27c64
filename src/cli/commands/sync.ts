// `db-proxy sync [--once] <request.json>`: runs the MySQL → MongoDB sync of one request.
import type { Command } from 'commander';
import { loadProject } from '../../config/load-project.js';
import { ExitCode } from '../../errors.js';
import { createLogger } from '../../logging/logger.js';
import { readRequestFile } from '../../request/read.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('sync one request from MySQL to MongoDB, every sleep_time seconds until SIGTERM/SIGINT')
    .argument('<request>', 'the request file (JSON)')
    .option('--once', 'run one full cycle, then exit: 0 on success, non-zero on failure')
    .addHelpText(
      'after',
      `
Uses the private defaults and credentials of --config-dir (defaults.json, credentials.env).
Without --once: a cycle, then sleep_time seconds, until SIGTERM/SIGINT (exit 0); a failed cycle
is logged and retried with a capped exponential backoff.
Exit codes: 0 ok; 1 MySQL or MongoDB failed (--once); 2 wrong usage (an unknown option, a bad
value); 78 invalid request, defaults or credentials.`,
    )
    .action(async (file: string, options: { once?: boolean }, command: Command) => {
      const { configDir } = globalOptions(command);
      const request = await readRequestFile(file);
      const project = await loadProject(request, configDir);
      // The drivers load only for commands that talk to the databases: `validate` stays quick.
      const [{ connectProject }, { runCycle }, { logCycle, runSyncLoop }] = await Promise.all([
        import('../../sync/connect.js'),
        import('../../sync/cycle.js'),
        import('../../sync/loop.js'),
      ]);
      const logger = createLogger({ level: project.config.logLevel }).child({ project: request.database });
      const { source, sink } = connectProject(project);
      const shutdown = onShutdown(() => {
        logger.warn('stopping without waiting for the current batch');
        process.exit(ExitCode.ok);
      });
      try {
        if (options.once) {
          const report = await runCycle(project.config, { source, sink, logger, signal: shutdown.signal });
          logCycle(logger, report, project.config.debug || project.config.logLevel === 'debug');
          process.stdout.write(
            `synced ${request.database}: ${report.documents} document(s) written, ${report.deleted} deleted, ` +
              `${report.rows} row(s) read, last wave ${report.lastWave ?? 'none'}, ${report.ms} ms\n`,
          );
        } else {
          logger.info('sync started', {
            server: request.server,
            measures: request.measures,
            sleep_s: request.sleep_time,
          });
          await runSyncLoop(project.config, { source, sink, logger, signal: shutdown.signal });
          logger.info('sync stopped');
        }
      } finally {
        shutdown.dispose();
        await Promise.allSettled([source.close(), sink.close()]);
      }
    });
}
