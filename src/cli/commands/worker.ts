// `db-proxy worker <project>`: the sync of one project as a systemd service (Type=notify):
// preflight of its source, READY once MySQL and MongoDB answer, a STATUS line kept current, stop on SIGTERM.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { loadProject } from '../../config/load-project.js';
import { ConfigError, ExitCode, describeError } from '../../errors.js';
import { createLogger } from '../../logging/logger.js';
import { readRequestFile } from '../../request/read.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { differingPaths, type EffectiveConfig } from '../../config/effective.js';
import { PROJECT_EFFECTIVE_FILE, PROJECT_REQUEST_FILE } from '../../creator/project-files.js';
import { projectDir, stateLayout } from '../../intake/layout.js';
import { isSafeIdentifier } from '../../request/identifiers.js';
import { projectUnitName } from '../../systemd/escape.js';
import { withProbeFiles } from '../../orchestrator/probe-files.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';
import { warnExcessPrivileges } from '../../privileges/check.js';

/**
 * A warning when the configuration this worker runs with (the request merged over today's
 * defaults.json) is not the one the creator recorded in the project folder; undefined when it is,
 * or when there is no record to compare with (a folder not laid out by the creator).
 */
async function configurationDrift(dir: string, config: EffectiveConfig): Promise<string | undefined> {
  const file = join(dir, PROJECT_EFFECTIVE_FILE);
  let recorded: unknown;
  try {
    recorded = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const paths = differingPaths(JSON.parse(JSON.stringify(config)), recorded);
  if (paths.length === 0) return undefined;
  return (
    `running with a configuration that differs from ${file} in ${paths.join(', ')}: defaults.json (or ` +
    `db-proxy) changed since the request was handled; submit the request again to record it`
  );
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the sync of a project folder as a systemd service (used by db-proxy@.service)')
    .argument('<project>', "the project's database (its folder under the projects folder), or a project folder path")
    .addHelpText(
      'after',
      `
Before READY the worker checks its source as its MySQL user sees it: the database exists, the
cycle and measures tables and every configured column exist with usable types, the user can
SELECT them (a missing index on a wave counter column is a warning). While MySQL or MongoDB do
not answer it retries, and stays "activating". Exit codes: 0 stopped by SIGTERM; 78 the
configuration cannot work (the request, defaults.json or the source schema; its problems are in
the log and in the STATUS= line, one per field, where the creator reads them).`,
    )
    .action(async (project_: string, _options: unknown, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      const dir = await resolveProjectDir(project_, configDir, stateDir);
      const request = await readRequestFile(join(dir, PROJECT_REQUEST_FILE));
      const project = await loadProject(request, configDir);
      const [
        { connectProject },
        { runSyncLoop },
        { Backoff },
        { createNotifier },
        status,
        { HealthTracker },
        { runPreflight },
        { formatConfigStatus, formatStartingStatus },
      ] = await Promise.all([
        import('../../sync/connect.js'),
        import('../../sync/loop.js'),
        import('../../sync/backoff.js'),
        import('../../systemd/notify.js'),
        import('../../sync/status-line.js'),
        import('../../health/heartbeat.js'),
        import('../../preflight/preflight.js'),
        import('../../preflight/status-line.js'),
      ]);
      const logger = createLogger({ level: project.config.logLevel }).child({ project: request.database });
      const drift = await configurationDrift(dir, project.config);
      if (drift) logger.warn(drift);
      // Under Kubernetes the readiness and liveness probes read files the notifier keeps (probe-files.ts).
      const notifier = withProbeFiles(createNotifier());
      const { source, sink } = connectProject(project);
      const shutdown = onShutdown(() => process.exit(ExitCode.ok));
      const health = new HealthTracker();
      const identity = {
        project: request.database,
        host: hostname(),
        pid: process.pid,
        // Under systemd (INVOCATION_ID set) the worker is its project's unit; on Kubernetes its Deployment.
        unit: process.env.INVOCATION_ID
          ? projectUnitName(project.config.unitPrefix, request.database)
          : (process.env.DB_PROXY_UNIT ?? null),
        startedAt: new Date(),
        intervalSeconds: project.config.heartbeatIntervalSeconds,
      };
      let heartbeatFailing = false;
      const beat = async (): Promise<void> => {
        try {
          // Continue the previous worker's totals, once MongoDB answers; until then the write below
          // fails the same way and says why, and the heartbeat's $max keeps stored totals from going down.
          if (!health.hasResumed) {
            await sink
              .readHeartbeatTotals(identity.project)
              .then((totals) => health.resume(totals))
              .catch(() => undefined);
          }
          await sink.writeHeartbeat(health.document(identity));
          if (heartbeatFailing) logger.info('heartbeat written again');
          heartbeatFailing = false;
        } catch (error) {
          // Logged once per outage, not every interval; the STATUS line says it too.
          if (!heartbeatFailing) logger.error(`heartbeat not written: ${describeError(error)}`);
          heartbeatFailing = true;
          void notifier.status(`failing: MongoDB does not take the heartbeat: ${describeError(error)}`);
        }
      };
      const heartbeatTimer = setInterval(() => void beat(), identity.intervalSeconds * 1000);
      // WatchdogSec=: systemd kills and restarts a worker that stops answering (a stopped or hung
      // process cannot run this timer). WATCHDOG_USEC is set by systemd when the unit has it.
      const watchdogUsec = Number(process.env.WATCHDOG_USEC ?? 0);
      const watchdogTimer =
        watchdogUsec > 0
          ? setInterval(() => void notifier.watchdog(), Math.max(500, watchdogUsec / 1000 / 3))
          : undefined;
      try {
        // READY only once both databases answer: `systemctl start` then means "syncing".
        const backoff = new Backoff(project.config.sync.retry_initial_seconds, project.config.sync.retry_max_seconds);
        const access = {
          server: project.config.mysql,
          user: project.credentials.MYSQL_USER,
          password: project.credentials.MYSQL_PASSWORD,
          connectTimeoutSeconds: project.config.sync.connect_timeout_seconds,
        };
        const target = {
          server: request.server,
          database: request.database,
          measures: request.measures,
          schema: project.config.source,
        };
        while (!shutdown.signal.aborted) {
          try {
            // Preflight before READY: a source that cannot work exits 78 (no restart) with its
            // findings in STATUS=, which the creator turns into a `rejected` verdict.
            const findings = await runPreflight(access, target);
            if (findings.issues.length > 0) {
              for (const issue of findings.issues) logger.error(`preflight: ${issue}`);
              await notifier.status(formatConfigStatus(findings.issues));
              throw new ConfigError(`the source cannot be synced:\n  ${findings.issues.join('\n  ')}`);
            }
            for (const warning of findings.warnings) logger.warn(`preflight: ${warning}`);
            await Promise.all([source.ping(), sink.ping()]);
            break;
          } catch (error) {
            if (error instanceof ConfigError) throw error;
            const wait = backoff.next();
            logger.error(`waiting for the databases: ${describeError(error)}`, { retry_in_s: Number(wait.toFixed(1)) });
            health.onFailure(error);
            void beat();
            await notifier.status(formatStartingStatus(describeError(error), wait));
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
        void warnExcessPrivileges(project, logger);
        void beat();
        let failures = 0;
        await runSyncLoop(project.config, {
          source,
          sink,
          logger,
          signal: shutdown.signal,
          hooks: {
            onCycle: (report) => {
              const before = health.status;
              health.onCycle(report);
              // A change of status, and the first cycle, are recorded at once rather than at the next interval.
              if (before !== health.status || health.cycles === 1) void beat();
              if (!heartbeatFailing) void notifier.status(status.cycleStatus(report, failures));
            },
            onFailure: (error, retry, inARow) => {
              failures += 1;
              const before = health.status;
              health.onFailure(error);
              if (before !== health.status) void beat();
              void notifier.status(status.failureStatus(error, retry, inARow));
            },
          },
        });
        await notifier.stopping();
        logger.info('worker stopped');
      } finally {
        clearInterval(heartbeatTimer);
        if (watchdogTimer) clearInterval(watchdogTimer);
        shutdown.dispose();
        await Promise.allSettled([source.close(), sink.close()]);
      }
    });
}

/** The unit passes the database (%I); a path is taken as the folder itself. */
async function resolveProjectDir(project: string, configDir: string, stateDir: string): Promise<string> {
  if (project.includes('/') || !isSafeIdentifier(project)) return project;
  const defaults = await loadDefaults(configDir);
  return projectDir(stateLayout(stateDir, defaults.projects_dir), project);
}
