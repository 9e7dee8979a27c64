// `db-proxy monitor [--once]`: watches heartbeats and units, posts to Slack once per change of a
// project's state (new, quiet/overdue, not syncing, unit failed, recovered), and serves them as
// Prometheus metrics when asked to. db-proxy-monitor.service runs it.
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../creator/files.js';
import { ExitCode, UsageError, describeError } from '../../errors.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { gather } from '../../health/gather.js';
import { LISTEN_EXPECTATION, parseListenAddress, type ListenAddress } from '../../health/listen-address.js';
import { buildSamples } from '../../health/metrics.js';
import { retireRemovedHeartbeats } from '../../health/retire-heartbeats.js';
import { buildSnapshot } from '../../health/snapshot.js';
import { writeStatusSnapshot } from '../../health/snapshot-file.js';
import { statusRows } from '../../health/status-report.js';
import type { MetricsServer } from '../../health/metrics-server.js';
import { evaluate, forgetRemoved, type MonitorState, type Observation } from '../../health/monitor.js';
import { postToSlack } from '../../health/slack.js';
import { createLogger } from '../../logging/logger.js';
import { nonNegativeSeconds, positiveSeconds } from '../option-values.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

export const MONITOR_STATE_FILE = 'monitor/state.json';

interface MonitorFlags {
  once?: boolean;
  interval: number;
  retrySeconds: number;
  metricsListen?: string;
}

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description(
      'alert Slack (SLACK_WEBHOOK_URL) once per change: new project, heartbeat overdue, not syncing, unit failed, recovered',
    )
    .option('--once', 'one check, then exit')
    .option(
      '--metrics-listen <host:port>',
      'serve Prometheus metrics at http://<host:port>/metrics (default: metrics_listen of defaults.json; off when neither is set)',
    )
    .option('--interval <seconds>', 'seconds between checks', positiveSeconds, 60)
    .option(
      '--retry-seconds <seconds>',
      'first delay between attempts to post an alert (doubled each time, 4 attempts)',
      nonNegativeSeconds,
      2,
    )
    .addHelpText(
      'after',
      `
The threshold is heartbeat_overdue_seconds of defaults.json (default 7200: 2 h), both for a heartbeat
that is older and for a worker that still heartbeats but whose cycles have all failed for longer
(not syncing). What was alerted
is kept in <state-dir>/monitor/state.json, so a restart does not repeat alerts. Each check also
replaces <state-dir>/status/status.json: what db-proxy status shows, without any secret, for
operators who may read no credential. An alert that cannot be posted is tried again at the next check. Without SLACK_WEBHOOK_URL alerts are only logged.
The metrics (one scrape target for all the projects of this host) are read afresh at each scrape;
contrib/prometheus/db-proxy.rules.yml holds the matching Prometheus alerts. Not with --once.
Exit codes (--once): 0 checked and every alert posted; 1 an alert could not be posted; 2 wrong usage
(an unknown option, a bad value).`,
    )
    .action(async (flags: MonitorFlags, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      const { interval, retrySeconds } = flags;
      const listen = await metricsAddress(flags, configDir);
      const host = hostname();
      const statePath = join(stateDir, MONITOR_STATE_FILE);
      await mkdir(join(stateDir, 'monitor'), { recursive: true });
      const shutdown = onShutdown(() => process.exit(ExitCode.ok));
      let logger = createLogger({}).child({ component: 'monitor' });
      let metrics: MetricsServer | undefined;
      try {
        if (listen) {
          // prom-client is loaded only by a monitor that serves metrics: every other command starts lighter.
          const { startMetricsServer } = await import('../../health/metrics-server.js');
          metrics = await startMetricsServer({
            listen,
            snapshot: async () => buildSamples(await gather(configDir, stateDir)),
            onError: (message) => logger.error(message),
          });
          logger.info(`serving Prometheus metrics at http://${metrics.address}/metrics`);
        }
        for (;;) {
          const seen = await gather(configDir, stateDir);
          logger = createLogger({ level: seen.defaults.debug ? 'debug' : seen.defaults.log_level }).child({
            component: 'monitor',
          });
          for (const problem of seen.problems) logger.warn(problem);
          await retireRemovedHeartbeats(seen, host, logger);
          // Projects with a folder only: a removed project's heartbeat stays in MongoDB but is no alert.
          const observations: Observation[] = seen.projects.map(({ database: project, unit }) => {
            const beat = seen.heartbeats.get(project);
            return {
              project,
              unit,
              unitState: seen.units.get(unit)?.activeState,
              heartbeatAgeSeconds: beat ? Math.max(0, (seen.now.getTime() - beat.server_time.getTime()) / 1000) : null,
              failingSeconds: beat?.failing_since
                ? Math.max(0, (beat.worker_time.getTime() - beat.failing_since.getTime()) / 1000)
                : null,
              lastError: beat?.last_error ?? null,
            };
          });
          const state = forgetRemoved(
            await readState(statePath),
            seen.projects.map((p) => p.database),
          );
          // Without the heartbeats every project would look quiet: no decision on a blind check.
          const alerts = seen.heartbeatsRead
            ? evaluate(state, observations, seen.now, seen.defaults.heartbeat_overdue_seconds, host)
            : [];
          const url = seen.credentials?.SLACK_WEBHOOK_URL;
          let unposted = 0;
          for (const alert of alerts) {
            try {
              if (url) await postToSlack(url, alert.text, { retrySeconds });
              logger.warn(`alert ${alert.kind}: ${alert.text}`, { project: alert.project, posted: Boolean(url) });
              state[alert.project] = alert.next;
            } catch (error) {
              unposted += 1;
              logger.error(
                `alert ${alert.kind} for ${alert.project} not posted, trying again at the next check: ${describeError(error)}`,
              );
            }
          }
          await writeFileAtomic(statePath, `${JSON.stringify(state, null, 2)}\n`, 0o640);
          // What `status` shows, for operators who may read no secret; a failure to write it is
          // logged and the check goes on (the snapshot's age then tells the readers).
          try {
            await writeStatusSnapshot(
              stateDir,
              buildSnapshot({
                time: seen.now,
                writtenAt: new Date(),
                host,
                intervalSeconds: interval,
                heartbeatsRead: seen.heartbeatsRead,
                unitsRead: seen.unitsRead,
                problems: seen.problems,
                projects: statusRows(seen, host, false),
                fleet: statusRows(seen, host, true),
              }),
            );
          } catch (error) {
            logger.error(`status snapshot not written: ${describeError(error)}`);
          }
          logger.debug('check done', { projects: observations.length, alerts: alerts.length, unposted });
          if (flags.once) {
            process.exitCode = unposted > 0 ? ExitCode.failure : ExitCode.ok;
            return;
          }
          await sleep(interval * 1000, undefined, { signal: shutdown.signal }).catch(() => undefined);
          if (shutdown.signal.aborted) return;
        }
      } finally {
        await metrics?.close();
        shutdown.dispose();
      }
    });
}

/** --metrics-listen, else metrics_listen of defaults.json (checked when it was loaded); none: off. */
async function metricsAddress(flags: MonitorFlags, configDir: string): Promise<ListenAddress | undefined> {
  if (flags.metricsListen !== undefined) {
    if (flags.once)
      throw new UsageError('--metrics-listen: a single check (--once) serves no metrics; drop one of them');
    const address = parseListenAddress(flags.metricsListen);
    if (!address)
      throw new UsageError(
        `--metrics-listen: got ${JSON.stringify(flags.metricsListen)}; expected ${LISTEN_EXPECTATION}`,
      );
    return address;
  }
  if (flags.once) return undefined;
  const configured = (await loadDefaults(configDir)).metrics_listen;
  return configured === undefined ? undefined : parseListenAddress(configured);
}

async function readState(path: string): Promise<MonitorState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as MonitorState;
  } catch {
    return {};
  }
}
