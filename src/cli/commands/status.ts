// `db-proxy status [--fleet] [--json]`: every project at a glance — unit state, health, last wave
// and its age, lag, documents, heartbeat age, last error; of this host, or of every host (--fleet).
// Exit 1 when any project shown is failing, stopped or overdue.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { buildFleetRows, localRows } from '../../health/fleet.js';
import { gather } from '../../health/gather.js';
import { buildStatusRows, renderStatusTable } from '../../health/status.js';
import { redact, redactDeep } from '../../logging/redact.js';
import { globalOptions } from '../options.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'one table of all projects: unit state, health, last wave and its age, lag, documents, heartbeat age, last error',
    )
    .option('--json', 'print {time, host, problems, projects: [...]} as JSON for scripts')
    .option('--fleet', "every host's projects, from the heartbeats in MongoDB, with a HOST column")
    .addHelpText(
      'after',
      `
HEALTH is failing when the unit failed, the worker reports failing, or every cycle has failed for
longer than heartbeat_overdue_seconds; stopped when the project's unit is not running (inactive);
overdue when its heartbeat is older than heartbeat_overdue_seconds; degraded when MySQL does not
answer (for less than that).
With --fleet, the projects of other hosts come from their heartbeats alone (UNIT says remote): a
host gone silent shows its projects overdue.
Exit codes: 0 no project has a problem; 1 a project is failing, stopped or overdue, or MongoDB
could not be read; 2 wrong usage (an unknown option, a bad value).`,
    )
    .action(async (flags: { json?: boolean; fleet?: boolean }, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      const { projects, units, heartbeats, now, problems, heartbeatsRead, defaults } = await gather(
        configDir,
        stateDir,
      );
      const host = hostname();
      const overdue = defaults.heartbeat_overdue_seconds;
      // Heartbeats are written by workers of every host and version: what they say is redacted
      // here, before it is shown (and before the table cuts an error short, which could split a
      // secret), with this host's secrets.
      const rows = redactDeep(
        flags.fleet
          ? buildFleetRows(projects, units, heartbeats, now, overdue, host)
          : localRows(buildStatusRows(projects, units, heartbeats, now, overdue), host),
      );
      if (flags.json) {
        const report = { time: now.toISOString(), host, problems: redactDeep(problems), projects: rows };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(
          renderStatusTable(rows, { colour: process.stdout.isTTY === true, host: flags.fleet === true }),
        );
      }
      for (const problem of problems) process.stderr.write(`db-proxy: ${redact(problem)}\n`);
      process.exitCode = rows.some((row) => row.failing) || !heartbeatsRead ? ExitCode.failure : ExitCode.ok;
    });
}
