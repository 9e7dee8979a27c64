// `db-proxy monitor [--once]`: watches heartbeats and units, posts to Slack once per change of a
// project's state (new, quiet/overdue, not syncing, unit failed, recovered). db-proxy-monitor.service runs it.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../creator/files.js';
import { ExitCode, describeError } from '../../errors.js';
import { gather } from '../../health/gather.js';
import { evaluate, forgetRemoved, type MonitorState, type Observation } from '../../health/monitor.js';
import { postToSlack } from '../../health/slack.js';
import { createLogger } from '../../logging/logger.js';
import { nonNegativeSeconds, positiveSeconds } from '../option-values.js';
import { globalOptions } from '../options.js';
import { onShutdown } from '../shutdown.js';

export const MONITOR_STATE_FILE = 'monitor/state.json';

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description(
      'alert Slack (SLACK_WEBHOOK_URL) once per change: new project, heartbeat overdue, not syncing, unit failed, recovered',
    )
    .option('--once', 'one check, then exit')
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
is kept in <state-dir>/monitor/state.json, so a restart does not repeat alerts. An alert that
cannot be posted is tried again at the next check. Without SLACK_WEBHOOK_URL alerts are only logged.
Exit codes (--once): 0 checked and every alert posted; 1 an alert could not be posted; 2 wrong usage
(an unknown option, a bad value).`,
    )
    .action(async (flags: { once?: boolean; interval: number; retrySeconds: number }, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      const { interval, retrySeconds } = flags;
      const statePath = join(stateDir, MONITOR_STATE_FILE);
      await mkdir(join(stateDir, 'monitor'), { recursive: true });
      const shutdown = onShutdown(() => process.exit(ExitCode.ok));
      let logger = createLogger({}).child({ component: 'monitor' });
      try {
        for (;;) {
          const seen = await gather(configDir, stateDir);
          logger = createLogger({ level: seen.defaults.debug ? 'debug' : seen.defaults.log_level }).child({
            component: 'monitor',
          });
          for (const problem of seen.problems) logger.warn(problem);
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
            ? evaluate(state, observations, seen.now, seen.defaults.heartbeat_overdue_seconds)
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
          logger.debug('check done', { projects: observations.length, alerts: alerts.length, unposted });
          if (flags.once) {
            process.exitCode = unposted > 0 ? ExitCode.failure : ExitCode.ok;
            return;
          }
          await sleep(interval * 1000, undefined, { signal: shutdown.signal }).catch(() => undefined);
          if (shutdown.signal.aborted) return;
        }
      } finally {
        shutdown.dispose();
      }
    });
}

async function readState(path: string): Promise<MonitorState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as MonitorState;
  } catch {
    return {};
  }
}
