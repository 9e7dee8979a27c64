// `db-proxy sync [--once] <request.json>`: runs the MySQL → MongoDB sync of one request.
import type { Command } from 'commander';
import { loadProject } from '../../config/load-project.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../logging/logger.js';
import { readRequestFile } from '../../request/read.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

/** `sync --once` stopped by a signal before its cycle finished (EX_TEMPFAIL: run it again). */
export const EXIT_INTERRUPTED = 75;

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('sync one request from MySQL to MongoDB, every sleep_time seconds until SIGTERM/SIGINT')
    .argument('<request>', 'the request file (JSON)')
    .option('--once', 'run one full cycle, then exit: 0 on success, non-zero on failure')
    .option(
      '--reconcile',
      'with --once: digest-check every wave in retention, not only those the age schedule makes due',
    )
    .addHelpText(
      'after',
      `
Uses the private defaults and credentials of --config-dir (defaults.json, credentials.env).
--once --reconcile compares every wave in retention with MySQL (one digest row per wave) and
rewrites the ones that differ: for operators after a repair of the source, and for tests.
With source.measure_change_column, each run notes the column's maximum and reads the rows up to
a maximum noted at least sync.change_lookback_seconds before (by an earlier run, too): inserts
at any age are then found by runs of --once that far apart.
Without --once: a cycle, then a pause, until SIGTERM/SIGINT (exit 0); new waves are read
sleep_time seconds apart (plus the time to write them), the checks and retention of a cycle run
within that time; a failed cycle is logged and retried with a capped exponential backoff.
Exit codes: 0 ok; 1 MySQL or MongoDB failed (--once); 2 wrong usage (an unknown option, a bad
value); 75 --once stopped by SIGTERM/SIGINT before its cycle finished (what it wrote is kept);
78 invalid request, defaults or credentials.`,
    )
    .action(async (file: string, options: { once?: boolean; reconcile?: boolean }, command: Command) => {
      const { configDir } = globalOptions(command);
      if (options.reconcile && !options.once)
        throw new UsageError('--reconcile needs --once (the loop reconciles on its own schedule)');
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
      // A loop stopped by a signal has done its job (exit 0, as systemd expects); a --once run
      // stopped in its cycle has not, and says so (75: run it again).
      const stoppedCode = options.once ? EXIT_INTERRUPTED : ExitCode.ok;
      const shutdown = onShutdown(() => {
        logger.warn('stopping without waiting for the current batch');
        process.exit(stoppedCode);
      });
      try {
        if (options.once) {
          const report = await runCycle(project.config, {
            source,
            sink,
            logger,
            signal: shutdown.signal,
            reconcile: options.reconcile === true,
          });
          logCycle(logger, report, project.config.debug || project.config.logLevel === 'debug');
          if (report.aborted || shutdown.signal.aborted) {
            process.stderr.write(
              `db-proxy: the sync of ${request.database} was stopped by ${String(shutdown.signal.reason)} before its cycle ` +
                `finished: ${report.documents} document(s) written and kept; run it again to complete it\n`,
            );
            process.exitCode = EXIT_INTERRUPTED;
            return;
          }
          process.stdout.write(
            `synced ${request.database}: ${report.documents} document(s) written, ${report.deleted} deleted, ` +
              `${report.rows} row(s) read, ${report.checked} wave(s) checked, ${report.differed} differed, last wave ${report.lastWave ?? 'none'}, ${report.ms} ms\n`,
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
