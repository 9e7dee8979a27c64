// `db-proxy creator`: the request intake daemon (db-proxy-creator.service).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { registerCredentialSecrets } from '../../config/credentials.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { ExitCode } from '../../errors.js';
import { createLogger } from '../../logging/logger.js';
import { positiveInteger, positiveSeconds } from '../option-values.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

export const DEFAULT_UNIT_DIR = '/etc/systemd/system';
export const DROP_IN_TEMPLATE = fileURLToPath(new URL('../../../templates/project-drop-in.conf.hbs', import.meta.url));

export function registerCreator(program: Command): void {
  program
    .command('creator')
    .description(
      'watch the drop folder and turn requests into project folders and running units (db-proxy-creator.service)',
    )
    .option('--unit-dir <dir>', 'where the per-project drop-ins go', DEFAULT_UNIT_DIR)
    .option(
      '--settle-seconds <n>',
      'how long a started worker has to report READY; later, the change is rolled back and the verdict is failed',
      positiveSeconds,
      20,
    )
    .option(
      '--rescan-seconds <n>',
      're-scan the drop folder this often, in case an event was missed',
      positiveSeconds,
      30,
    )
    .option('--parallel <n>', 'requests of different databases handled at once', positiveInteger, 32)
    .addHelpText(
      'after',
      `
Runs as root (it writes drop-ins and drives systemctl). Requests for one database are handled one
at a time in arrival order; verdicts go to <state-dir>/processed/ or <state-dir>/failed/. A change
is accepted only once the new worker reported READY; otherwise it is rolled back. One creator per
state folder (<state-dir>/creator.lock holds its pid).
Only regular files are read (links never followed), once unchanged for 0.25 s and at most 1 MiB;
anything else is refused unread. A request the creator died on twice is quarantined.
Exit codes: 0 stopped by SIGTERM; 1 another creator already handles the state folder;
2 wrong usage (an unknown option, a bad value); 78 the private defaults are invalid.`,
    )
    .action(
      async (
        flags: { unitDir: string; settleSeconds: number; rescanSeconds: number; parallel: number },
        command: Command,
      ) => {
        const { configDir, stateDir } = globalOptions(command);
        const { settleSeconds, rescanSeconds, parallel } = flags;
        const defaults = await loadDefaults(configDir);
        const logger = createLogger({ level: defaults.debug ? 'debug' : defaults.log_level }).child({
          component: 'creator',
        });
        // Verdicts and the log quote workers and requests: the creator redacts the same secrets they do.
        const unredacted = await registerCredentialSecrets(configDir);
        if (unredacted) logger.warn(`verdicts are redacted of URL passwords only: ${unredacted}`);
        const [
          { startCreator },
          { createSystemctl },
          { createNotifier },
          { UnitStates },
          { Coalescer },
          { acquireStateLock },
        ] = await Promise.all([
          import('../../creator/daemon.js'),
          import('../../systemd/systemctl.js'),
          import('../../systemd/notify.js'),
          import('../../creator/unit-states.js'),
          import('../../creator/coalesce.js'),
          import('../../creator/lock.js'),
        ]);
        // One creator per state folder: a second one (another unit_prefix, a manual run) stops here.
        const lock = acquireStateLock(stateDir);
        const systemctl = createSystemctl();
        const reload = new Coalescer(() => systemctl.daemonReload());
        const notifier = createNotifier();
        const shutdown = onShutdown(() => process.exit(ExitCode.ok), 25);
        const creator = await startCreator({
          ctx: {
            stateDir,
            configDir,
            unitDir: flags.unitDir,
            dropInTemplate: await readFile(DROP_IN_TEMPLATE, 'utf8'),
            systemctl,
            reload: () => reload.run(),
            units: new UnitStates(systemctl),
            settleMs: settleSeconds * 1000,
            logger,
          },
          notifier,
          rescanSeconds,
          parallel,
        });
        await new Promise<void>((resolve) =>
          shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        logger.info('creator stopping: finishing the requests under way');
        await notifier.stopping();
        await creator.close();
        shutdown.dispose();
        lock.release();
        logger.info('creator stopped');
      },
    );
}
