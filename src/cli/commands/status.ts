// `db-proxy status [--fleet] [--json] [--snapshot]`: every project at a glance — unit state,
// health, last wave and its age, lag, documents, heartbeat age, last error; of this host, or of
// every host (--fleet). Live when this user can read MONGO_URL; otherwise (an operator, who may
// read no secret) from the monitor's snapshot, with its age. Exit 1 on any problem.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { credentialsPath, loadCredentials } from '../../config/credentials.js';
import { loadDefaults } from '../../config/load-defaults.js';
import { ExitCode, describeError } from '../../errors.js';
import type { HostedRow } from '../../health/fleet.js';
import { gather } from '../../health/gather.js';
import { snapshotAgeSeconds, staleProblem } from '../../health/snapshot.js';
import { readStatusSnapshot, snapshotPath } from '../../health/snapshot-file.js';
import { renderStatusTable } from '../../health/status.js';
import { statusRows } from '../../health/status-report.js';
import { redact, redactDeep } from '../../logging/redact.js';
import { globalOptions } from '../options.js';

interface StatusFlags {
  json?: boolean;
  fleet?: boolean;
  snapshot?: boolean;
}

interface Report {
  time: string;
  host: string;
  source: 'live' | 'snapshot';
  snapshot?: { file: string; written_at: string | null; age_seconds: number | null; stale: boolean };
  problems: string[];
  projects: HostedRow[];
  /** Exit 1 without a failing row: heartbeats unreadable, or no usable snapshot. */
  blind: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'one table of all projects: unit state, health, last wave and its age, lag, documents, heartbeat age, last error',
    )
    .option('--json', 'print {time, host, source, problems, projects: [...]} as JSON for scripts')
    .option('--fleet', "every host's projects, from the heartbeats in MongoDB, with a HOST column")
    .option(
      '--snapshot',
      "show the monitor's last check (<state-dir>/status/status.json) even when MONGO_URL is readable",
    )
    .addHelpText(
      'after',
      `
HEALTH is failing when the unit failed, the worker reports failing, or every cycle has failed for
longer than heartbeat_overdue_seconds; stopped when the project's unit is not running (inactive);
overdue when its heartbeat is older than heartbeat_overdue_seconds; degraded when MySQL does not
answer (for less than that).
With --fleet, the projects of other hosts come from their heartbeats alone (UNIT says remote): a
host gone silent shows its projects overdue.
Who may read MONGO_URL (root, the db-proxy group) sees the units and heartbeats live. Anyone else
(the db-proxy-operators group) sees the monitor's last check, which it rewrites every minute
without any secret; its age is shown, and a snapshot older than three checks is a problem (the
monitor is not running).
Exit codes: 0 no project has a problem; 1 a project is failing, stopped or overdue, MongoDB could
not be read, or the monitor's snapshot is missing or stale; 2 wrong usage (an unknown option, a bad value).`,
    )
    .action(async (flags: StatusFlags, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      let report: Report;
      let unreadable: string | undefined;
      if (!flags.snapshot) {
        // The live view needs MONGO_URL; who cannot read it gets the monitor's view instead.
        unreadable = await loadCredentials(credentialsPath(configDir)).then(
          () => undefined,
          (error: unknown) => describeError(error),
        );
      }
      if (flags.snapshot || unreadable !== undefined) {
        report = await fromSnapshot(configDir, stateDir, flags.fleet === true);
        if (!flags.json && report.snapshot?.age_seconds !== null && report.snapshot?.age_seconds !== undefined) {
          const why = unreadable === undefined ? '' : ' (MONGO_URL is not readable here)';
          process.stderr.write(
            `db-proxy: the monitor's check of ${report.snapshot.age_seconds} s ago, from ${report.snapshot.file}${why}\n`,
          );
        }
      } else {
        report = await live(configDir, stateDir, flags.fleet === true);
      }
      if (flags.json) {
        const { blind: _blind, ...json } = report;
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        process.stdout.write(
          renderStatusTable(report.projects, { colour: process.stdout.isTTY === true, host: flags.fleet === true }),
        );
      }
      for (const problem of report.problems) process.stderr.write(`db-proxy: ${redact(problem)}\n`);
      process.exitCode = report.projects.some((row) => row.failing) || report.blind ? ExitCode.failure : ExitCode.ok;
    });
}

async function live(configDir: string, stateDir: string, fleet: boolean): Promise<Report> {
  const seen = await gather(configDir, stateDir);
  const host = hostname();
  return {
    time: seen.now.toISOString(),
    host,
    source: 'live',
    problems: redactDeep(seen.problems),
    projects: statusRows(seen, host, fleet),
    blind: !seen.heartbeatsRead,
  };
}

async function fromSnapshot(configDir: string, stateDir: string, fleet: boolean): Promise<Report> {
  const now = new Date();
  const file = snapshotPath(stateDir);
  const monitorUnit = `${(await loadDefaults(configDir)).unit_prefix}-monitor.service`;
  const read = await readStatusSnapshot(stateDir);
  if (!read.ok) {
    return {
      time: now.toISOString(),
      host: hostname(),
      source: 'snapshot',
      snapshot: { file, written_at: null, age_seconds: null, stale: true },
      problems: [
        `no status snapshot: ${read.reason}; the monitor writes it at every check: systemctl status ${monitorUnit}`,
      ],
      projects: [],
      blind: true,
    };
  }
  const { snapshot } = read;
  const stale = staleProblem(snapshot, now, monitorUnit);
  return {
    time: snapshot.time,
    host: snapshot.host,
    source: 'snapshot',
    snapshot: {
      file,
      written_at: snapshot.written_at,
      age_seconds: snapshotAgeSeconds(snapshot, now),
      stale: stale !== undefined,
    },
    problems: [...snapshot.problems, ...(stale === undefined ? [] : [stale])],
    projects: fleet ? snapshot.fleet : snapshot.projects,
    blind: !snapshot.heartbeats_read || stale !== undefined,
  };
}
