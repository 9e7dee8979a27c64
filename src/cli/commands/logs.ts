// `db-proxy logs <database>`: the project's journal, through journalctl; with the Kubernetes backend
// the kubectl command that shows its worker's log (logs-kubernetes.ts).
import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { loadDefaults } from '../../config/load-defaults.js';
import { listProjects } from '../../creator/files.js';
import { UsageError } from '../../errors.js';
import { projectDir, stateLayout, type StateLayout } from '../../intake/layout.js';
import { SAFE_IDENTIFIER_EXPECTATION, isSafeIdentifier } from '../../request/identifiers.js';
import { closestKey } from '../../request/suggest.js';
import { projectUnitName } from '../../systemd/escape.js';
import { nonNegativeInteger } from '../option-values.js';
import { globalOptions } from '../options.js';
import { kubectlLogs } from './logs-kubernetes.js';

const PRIORITIES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
];

/** The journalctl arguments for a project's log; pure. */
export function journalctlArgs(
  unit: string,
  flags: { follow?: boolean; priority?: string; since?: string; lines?: string },
): string[] {
  const args = ['-u', unit, '-o', 'short-iso'];
  if (flags.follow) args.push('-f');
  if (flags.priority) args.push('-p', flags.priority);
  if (flags.since) args.push('--since', flags.since);
  if (flags.lines) args.push('-n', flags.lines);
  if (!flags.follow) args.push('--no-pager');
  return args;
}

/**
 * A note when `database` has no project folder (a typo, or a removed project, whose lines stay in
 * the journal, so they are shown anyway); undefined when it has one or the folder cannot be read.
 */
async function unknownProjectNote(layout: StateLayout, database: string, unit: string): Promise<string | undefined> {
  try {
    await stat(projectDir(layout, database));
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  const close = closestKey(database, await listProjects(layout));
  return (
    `no project ${database} in ${layout.projects}${close ? ` (did you mean ${close}?)` : ''}; ` +
    `showing the journal of ${unit} anyway, which keeps the lines of a removed project`
  );
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("a project's journal (journalctl -u <its unit>); on Kubernetes, the kubectl logs command to use")
    .argument('<database>', 'the project')
    .option('-f, --follow', 'keep printing new lines')
    .addOption(new Option('-p, --priority <priority>', 'only this priority and more urgent').choices(PRIORITIES))
    .option('--since <time>', 'as journalctl takes it: "1 hour ago", "2026-11-23 10:00", "today"')
    // Kept as text: it goes to journalctl as given, once known to be a count.
    .option('-n, --lines <n>', 'the last n lines', (text: string) => String(nonNegativeInteger(text)))
    .addHelpText(
      'after',
      '\nThe journal of system units is readable by root and the members of systemd-journal (or adm):\n' +
        'an operator (db-proxy-operators) needs that group too; the journal holds no secret.\n' +
        '\nWith "orchestrator": "kubernetes" the worker logs to its pod, which only kubectl (through the kubelet)\n' +
        'reads: logs prints the command to run, `kubectl -n <namespace> logs deployment/<name>` with -f and\n' +
        '--tail, on stdout, and exits 1, having shown no log.\n' +
        '\nExit codes: those of journalctl; 1 on Kubernetes (see above); 2 wrong usage (an unknown option, a bad value).',
    )
    .action(
      async (
        database: string,
        flags: { follow?: boolean; priority?: string; since?: string; lines?: string },
        command: Command,
      ) => {
        if (!isSafeIdentifier(database)) {
          throw new UsageError(`database: got ${JSON.stringify(database)}; expected ${SAFE_IDENTIFIER_EXPECTATION}`);
        }
        const { configDir, stateDir } = globalOptions(command);
        const defaults = await loadDefaults(configDir);
        if (defaults.orchestrator === 'kubernetes') {
          const { command: kubectl, notes } = kubectlLogs(
            defaults.kubernetes?.namespace ?? 'db-proxy',
            database,
            flags,
          );
          process.stderr.write(
            `db-proxy: with the Kubernetes backend the worker of ${database} logs to its pod, not to the journal; show it with:\n`,
          );
          for (const note of notes) process.stderr.write(`db-proxy: ${note}\n`);
          process.stdout.write(`${kubectl.join(' ')}\n`);
          process.exitCode = 1;
          return;
        }
        const unit = projectUnitName(defaults.unit_prefix, database);
        const unknown = await unknownProjectNote(stateLayout(stateDir, defaults.projects_dir), database, unit);
        if (unknown) process.stderr.write(`db-proxy: ${unknown}\n`);
        // Loaded here: the worker, which shares this entry point, never needs execa.
        const { execa } = await import('execa');
        const result = await execa('journalctl', journalctlArgs(unit, flags), { stdio: 'inherit', reject: false });
        process.exitCode = result.exitCode ?? 1;
      },
    );
}
