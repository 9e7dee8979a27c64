// `db-proxy status [--json]`: every project at a glance — unit state, health, last wave and its
// age, lag, documents, heartbeat age, last error. Exit 1 when any project is failing.
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
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
    .option('--json', 'print {time, projects: [...]} as JSON for scripts')
    .addHelpText(
      'after',
      `
HEALTH is failing when the unit failed or the worker reports failing, overdue when its heartbeat
is older than heartbeat_overdue_seconds, degraded when MySQL does not answer.
Exit codes: 0 no project failing; 1 a project is failing or overdue, or MongoDB could not be read;
2 wrong usage (an unknown option, a bad value).`,
    )
    .action(async (flags: { json?: boolean }, command: Command) => {
      const { configDir, stateDir } = globalOptions(command);
      const { projects, units, heartbeats, now, problems, heartbeatsRead, defaults } = await gather(
        configDir,
        stateDir,
      );
      // Heartbeats are written by workers of every host and version: what they say is redacted
      // here, before it is shown (and before the table cuts an error short, which could split a
      // secret), with this host's secrets.
      const rows = redactDeep(buildStatusRows(projects, units, heartbeats, now, defaults.heartbeat_overdue_seconds));
      if (flags.json) {
        const report = { time: now.toISOString(), problems: redactDeep(problems), projects: rows };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(renderStatusTable(rows, { colour: process.stdout.isTTY === true }));
      }
      for (const problem of problems) process.stderr.write(`db-proxy: ${redact(problem)}\n`);
      process.exitCode = rows.some((row) => row.failing) || !heartbeatsRead ? ExitCode.failure : ExitCode.ok;
    });
}
