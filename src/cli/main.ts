#!/usr/bin/env -S node --max-semi-space-size=8 --expose-gc
// The db-proxy command: subcommands, and the single top-level catch that turns errors into
// operator-facing messages and exit codes.
import { Command, CommanderError } from 'commander';
import { DbProxyError, ExitCode } from '../errors.js';
import { redact } from '../logging/redact.js';
import { registerValidate } from './commands/validate.js';
import { registerSync } from './commands/sync.js';
import { registerWorker } from './commands/worker.js';
import { registerSubmit } from './commands/submit.js';
import { registerCreator } from './commands/creator.js';
import { registerRenderUnits } from './commands/render-units.js';
import { registerStatus } from './commands/status.js';
import { registerLogs } from './commands/logs.js';
import { registerQuery } from './commands/query.js';
import { registerMonitor } from './commands/monitor.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('db-proxy')
    .description('Keeps MongoDB pivot tables of building sensor data fresh from MySQL databases.')
    .option('--config-dir <dir>', 'private configuration directory (env DB_PROXY_CONFIG_DIR, default /etc/db-proxy)')
    .option('--state-dir <dir>', 'state directory (env DB_PROXY_STATE_DIR, default /var/lib/db-proxy)')
    .option('--debug', 'print stack traces of errors (env DB_PROXY_DEBUG=1)')
    .version(packageVersion(), '-V, --version', 'print the version of db-proxy')
    .addHelpText(
      'after',
      `
Exit codes: 0 success; 1 failure (MySQL, MongoDB, systemd, or the creator could not apply a
request); 2 wrong usage (an unknown command or option, a bad option value); 75 no verdict in time
(submit, remove); 78 invalid request, defaults or credentials, or a request the creator rejected.`,
    )
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerSubmit(program);
  registerSync(program);
  registerWorker(program);
  registerStatus(program);
  registerLogs(program);
  registerQuery(program);
  registerCreator(program);
  registerMonitor(program);
  registerRenderUnits(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (error) {
    return reportError(error, program.opts<{ debug?: boolean }>().debug === true || process.env.DB_PROXY_DEBUG === '1');
  }
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed help or the usage problem.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      ? ExitCode.ok
      : ExitCode.usage;
  }
  if (error instanceof DbProxyError) {
    process.stderr.write(`db-proxy: ${redact(error.message)}\n`);
    if (debug) process.stderr.write(`${redact(String(error.stack))}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `db-proxy: unexpected error, this is a bug: ${redact(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.stderr.write(`${redact(error instanceof Error ? String(error.stack) : '')}\n`);
  return ExitCode.failure;
}

// `db-proxy status | head`: the reader went away; stop quietly instead of with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

process.exitCode = await main(process.argv);
